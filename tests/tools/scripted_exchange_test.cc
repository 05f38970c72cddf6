// The scripted IKE_SA_INIT + IKE_AUTH exchange (RFC 7296 §1.2) for each demo
// suite: both parties derive the same keys, every message parses and follows
// the payload rules, each SK payload opens with the sender's keys (and only
// with them), both AUTH payloads verify with the PSK and fail with another.
// Randomness is seeded, so every run sees the same messages.
#include "tools/scripted_exchange.h"

#include <gtest/gtest.h>

#include "crypto/prf.h"
#include "crypto/psk_auth.h"
#include "crypto/signed_octets.h"
#include "ike/sk_seal.h"
#include "tools/demo_suites.h"
#include "tools/scripted_parties.h"
#include "tools/scripted_payloads.h"
#include "wire/message.h"
#include "wire/payload_rules.h"

namespace tern::tools {
namespace {

using wire::Direction;
using wire::ExchangeType;
using wire::PayloadType;

constexpr UdpEndpoint kInitiator{{192, 0, 2, 1}, 500};
constexpr UdpEndpoint kResponder{{192, 0, 2, 2}, 500};

PartyConfig initiator_config(std::string psk = "tern-test-psk") {
  return {"initiator@example.org", "responder@example.org", std::move(psk), kInitiator, kResponder};
}
PartyConfig responder_config(std::string psk = "tern-test-psk") {
  return {"responder@example.org", "initiator@example.org", std::move(psk), kResponder, kInitiator};
}

class ScriptedExchangeTest : public ::testing::TestWithParam<NamedSuite> {
 protected:
  const crypto::IkeSuite& suite() const { return GetParam().suite; }

  ScriptedExchange run(uint64_t seed = 1) {
    crypto::SeededRandom random{seed};
    ScriptedExchangeConfig config;
    config.suite = suite();
    config.psk = "tern-test-psk";
    auto exchange = run_scripted_exchange(config, random);
    EXPECT_TRUE(exchange) << exchange.error().to_string();
    return exchange ? std::move(*exchange) : ScriptedExchange{};
  }

  // SK_ei/SK_ai (from_initiator) or SK_er/SK_ar, keyed from the exported keys.
  std::unique_ptr<crypto::SkCipher> cipher(const crypto::IkeSaKeys& keys, Role sender) const {
    const bool i = sender == Role::initiator;
    auto c =
        crypto::SkCipher::create(suite().encr, suite().encr_key_bits, suite().integ,
                                 (i ? keys.SK_ei : keys.SK_er).view(), (i ? keys.SK_ai : keys.SK_ar).view());
    EXPECT_TRUE(c);
    return std::move(*c);
  }

  std::vector<wire::Payload> open(const ScriptedExchange& x, size_t index, Role sender) const {
    auto m = wire::parse_message(x.datagrams[index].bytes);
    EXPECT_TRUE(m);
    auto inner = ike::open_message(x.datagrams[index].bytes, *m, *cipher(x.keys, sender));
    EXPECT_TRUE(inner) << inner.error().to_string();
    return inner ? *inner : std::vector<wire::Payload>{};
  }
};

// HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*)  -->  <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_*)
// Both sides compute the same g^ir and the same seven SK_* keys of the suite's sizes.
TEST_P(ScriptedExchangeTest, BothSidesDeriveTheSameKeys) {
  crypto::SeededRandom random{7};
  ScriptedInitiator initiator{suite(), initiator_config(), random};
  ScriptedResponder responder{suite(), responder_config(), random};
  auto request = initiator.build_ike_sa_init_request();
  ASSERT_TRUE(request) << request.error().to_string();
  auto response = responder.consume_ike_sa_init_request(*request);
  ASSERT_TRUE(response) << response.error().to_string();
  auto done = initiator.consume_ike_sa_init_response(*response);
  ASSERT_TRUE(done) << done.error().to_string();

  const ScriptedSa& i = initiator.sa();
  const ScriptedSa& r = responder.sa();
  EXPECT_EQ(i.spi_i, r.spi_i);
  EXPECT_EQ(i.spi_r, r.spi_r);
  EXPECT_NE(i.spi_r, 0u);
  EXPECT_EQ(i.Ni.size(), kScriptedNonceSize);
  EXPECT_EQ(r.Nr.size(), kScriptedNonceSize);
  EXPECT_EQ(i.Nr, r.Nr);
  EXPECT_NE(i.Ni, i.Nr);
  EXPECT_EQ(i.KEi.size(), *crypto::KeyExchange::public_value_size(suite().ke));
  EXPECT_EQ(i.KEr, r.KEr);
  EXPECT_FALSE(i.g_ir.empty());
  EXPECT_TRUE(i.g_ir == r.g_ir);

  const auto sizes = crypto::ike_sa_key_sizes(suite());
  ASSERT_TRUE(sizes);
  EXPECT_EQ(i.keys.SK_d.size(), sizes->SK_d);
  EXPECT_EQ(i.keys.SK_ai.size(), sizes->SK_a);
  EXPECT_EQ(i.keys.SK_ei.size(), sizes->SK_e);
  EXPECT_EQ(i.keys.SK_pr.size(), sizes->SK_p);
  EXPECT_TRUE(i.keys.SK_d == r.keys.SK_d);
  EXPECT_TRUE(i.keys.SK_ai == r.keys.SK_ai);
  EXPECT_TRUE(i.keys.SK_ar == r.keys.SK_ar);
  EXPECT_TRUE(i.keys.SK_ei == r.keys.SK_ei);
  EXPECT_TRUE(i.keys.SK_er == r.keys.SK_er);
  EXPECT_TRUE(i.keys.SK_pi == r.keys.SK_pi);
  EXPECT_TRUE(i.keys.SK_pr == r.keys.SK_pr);
  EXPECT_FALSE(i.keys.SK_ei == i.keys.SK_er);
  // No NAT between 192.0.2.1 and 192.0.2.2: every NAT-D hash matched.
  EXPECT_FALSE(i.peer_behind_nat || i.self_behind_nat || r.peer_behind_nat || r.self_behind_nat);
}

// Every message parses with wire::parse_message and passes the payload rules
// for its exchange and direction; the headers are the §1.2 ones.
TEST_P(ScriptedExchangeTest, EveryMessageFollowsThePayloadRules) {
  const ScriptedExchange x = run();
  struct Step {
    ExchangeType exchange;
    Direction direction;
    uint32_t message_id;
    Role sender;
    std::vector<PayloadType> outer;
    std::vector<PayloadType> inner;
  };
  using enum PayloadType;
  const Step steps[] = {
      {ExchangeType::IKE_SA_INIT,
       Direction::request,
       0,
       Role::initiator,
       {SA, KE, Nonce, Notify, Notify},
       {}},
      {ExchangeType::IKE_SA_INIT,
       Direction::response,
       0,
       Role::responder,
       {SA, KE, Nonce, Notify, Notify},
       {}},
      {ExchangeType::IKE_AUTH, Direction::request, 1, Role::initiator, {SK}, {IDi, AUTH, SA, TSi, TSr}},
      {ExchangeType::IKE_AUTH, Direction::response, 1, Role::responder, {SK}, {IDr, AUTH, SA, TSi, TSr}},
  };
  for (size_t n = 0; n < 4; ++n) {
    SCOPED_TRACE(x.datagrams[n].step);
    const Step& s = steps[n];
    auto m = wire::parse_message(x.datagrams[n].bytes);
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(m->header.spi_i, x.spi_i);
    EXPECT_EQ(m->header.spi_r, n == 0 ? 0 : x.spi_r);
    EXPECT_EQ(m->header.exchange, s.exchange);
    EXPECT_EQ(m->header.message_id, s.message_id);
    EXPECT_EQ(m->header.is_response(), s.direction == Direction::response);
    EXPECT_EQ(m->header.is_initiator(), s.sender == Role::initiator);
    std::vector<PayloadType> outer;
    for (const auto& p : m->payloads) outer.push_back(p.type);
    EXPECT_EQ(outer, s.outer);
    std::vector<wire::Payload> inner;
    if (s.exchange == ExchangeType::IKE_AUTH) inner = open(x, n, s.sender);
    std::vector<PayloadType> inner_types;
    for (const auto& p : inner) inner_types.push_back(p.type);
    EXPECT_EQ(inner_types, s.inner);
    auto rules = wire::check_payload_rules(s.exchange, s.direction, m->payloads, inner);
    EXPECT_TRUE(rules) << rules.error().to_string();
    // The summary says what the datagram holds.
    EXPECT_EQ(x.summary.messages[n].exchange, s.exchange);
    EXPECT_EQ(x.summary.messages[n].message_id, s.message_id);
    EXPECT_EQ(x.summary.messages[n].length, x.datagrams[n].bytes.size());
    EXPECT_EQ(x.summary.messages[n].inner, s.inner);
  }
}

// HDR, SK {...}: the request opens with SK_ei/SK_ai only, the response with SK_er/SK_ar only.
TEST_P(ScriptedExchangeTest, SkPayloadsOpenOnlyWithTheSendersKeys) {
  const ScriptedExchange x = run();
  for (size_t n : {2u, 3u}) {
    const Role sender = n == 2 ? Role::initiator : Role::responder;
    const Role other = n == 2 ? Role::responder : Role::initiator;
    auto m = wire::parse_message(x.datagrams[n].bytes);
    ASSERT_TRUE(m);
    EXPECT_TRUE(ike::open_message(x.datagrams[n].bytes, *m, *cipher(x.keys, sender))) << n;
    auto wrong = ike::open_message(x.datagrams[n].bytes, *m, *cipher(x.keys, other));
    ASSERT_FALSE(wrong) << n;
    EXPECT_EQ(wrong.error().code, Errc::integrity_check_failed);
  }
}

// AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>), recomputed here from
// the datagrams: both verify with the PSK, neither with another PSK.
TEST_P(ScriptedExchangeTest, BothAuthPayloadsVerifyWithThePskOnly) {
  const ScriptedExchange x = run();
  auto prf = crypto::Prf::create(suite().prf);
  ASSERT_TRUE(prf);
  const auto idi_auth = open(x, 2, Role::initiator);
  const auto idr_auth = open(x, 3, Role::responder);
  ASSERT_EQ(idi_auth.size(), 5u);
  ASSERT_EQ(idr_auth.size(), 5u);
  const auto& idi = std::get<wire::IdPayload>(idi_auth[0].body);
  const auto& auth_i = std::get<wire::AuthPayload>(idi_auth[1].body);
  const auto& idr = std::get<wire::IdPayload>(idr_auth[0].body);
  const auto& auth_r = std::get<wire::AuthPayload>(idr_auth[1].body);
  EXPECT_EQ(idi.to_string(), "rfc822:initiator@example.org");
  EXPECT_EQ(idr.to_string(), "rfc822:responder@example.org");
  EXPECT_EQ(auth_i.method, wire::AuthMethod::SHARED_KEY_MIC);
  EXPECT_EQ(auth_r.method, wire::AuthMethod::SHARED_KEY_MIC);
  EXPECT_EQ(auth_i.data.size(), prf->output_size());

  // InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload)
  const Bytes octets_i = crypto::signed_octets(*prf, x.datagrams[0].bytes, x.summary.nonce_r, x.keys.SK_pi,
                                               id_payload_body(idi));
  // ResponderSignedOctets = RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload)
  const Bytes octets_r = crypto::signed_octets(*prf, x.datagrams[1].bytes, x.summary.nonce_i, x.keys.SK_pr,
                                               id_payload_body(idr));
  EXPECT_TRUE(crypto::psk_auth_verify(*prf, as_bytes("tern-test-psk"), octets_i, auth_i.data));
  EXPECT_TRUE(crypto::psk_auth_verify(*prf, as_bytes("tern-test-psk"), octets_r, auth_r.data));
  EXPECT_FALSE(crypto::psk_auth_verify(*prf, as_bytes("tern-test-psK"), octets_i, auth_i.data));
  EXPECT_FALSE(crypto::psk_auth_verify(*prf, as_bytes("tern-test-psK"), octets_r, auth_r.data));
  EXPECT_FALSE(crypto::psk_auth_verify(*prf, as_bytes("tern-test-psk"), octets_r, auth_i.data));
}

// HDR, SK {IDi, AUTH, ...}  -->  with a PSK the responder does not share:
// the responder answers nothing but AUTHENTICATION_FAILED.
TEST_P(ScriptedExchangeTest, WrongPskFailsAuthentication) {
  crypto::SeededRandom random{11};
  ScriptedInitiator initiator{suite(), initiator_config("tern-test-psk"), random};
  ScriptedResponder responder{suite(), responder_config("another-psk"), random};
  auto m1 = initiator.build_ike_sa_init_request();
  ASSERT_TRUE(m1);
  auto m2 = responder.consume_ike_sa_init_request(*m1);
  ASSERT_TRUE(m2);
  ASSERT_TRUE(initiator.consume_ike_sa_init_response(*m2));
  auto m3 = initiator.build_ike_auth_request();
  ASSERT_TRUE(m3);
  auto m4 = responder.consume_ike_auth_request(*m3);
  ASSERT_FALSE(m4);
  EXPECT_EQ(m4.error().code, Errc::bad_signature);
  EXPECT_EQ(m4.error().notify, wire::notify_number(wire::NotifyType::AUTHENTICATION_FAILED));
}

// The responder checks who the initiator claims to be before its AUTH.
TEST_P(ScriptedExchangeTest, UnexpectedIdentityFailsAuthentication) {
  crypto::SeededRandom random{13};
  PartyConfig rc = responder_config();
  rc.remote_id = "someone-else@example.org";
  ScriptedInitiator initiator{suite(), initiator_config(), random};
  ScriptedResponder responder{suite(), rc, random};
  auto m2 = responder.consume_ike_sa_init_request(*initiator.build_ike_sa_init_request());
  ASSERT_TRUE(m2);
  ASSERT_TRUE(initiator.consume_ike_sa_init_response(*m2));
  auto m4 = responder.consume_ike_auth_request(*initiator.build_ike_auth_request());
  ASSERT_FALSE(m4);
  EXPECT_EQ(m4.error().notify, wire::notify_number(wire::NotifyType::AUTHENTICATION_FAILED));
}

// A responder expecting another IKE suite chooses no proposal.
TEST_P(ScriptedExchangeTest, AnotherSuiteIsNoProposalChosen) {
  const auto suites = demo_suites();
  size_t index = 0;
  while (suites[index].name != GetParam().name) ++index;
  const NamedSuite& other = suites[(index + 1) % suites.size()];
  crypto::SeededRandom random{17};
  ScriptedInitiator initiator{suite(), initiator_config(), random};
  ScriptedResponder responder{other.suite, responder_config(), random};
  auto m2 = responder.consume_ike_sa_init_request(*initiator.build_ike_sa_init_request());
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().notify, wire::notify_number(wire::NotifyType::NO_PROPOSAL_CHOSEN));
}

// 192.0.2.1 seen by the responder as 198.51.100.7 (a NAT in between): the
// initiator's NAT_DETECTION_SOURCE_IP no longer matches.
TEST_P(ScriptedExchangeTest, NatIsDetectedWhenTheSourceAddressChanges) {
  crypto::SeededRandom random{19};
  PartyConfig rc = responder_config();
  rc.remote = {{198, 51, 100, 7}, 4500};
  ScriptedInitiator initiator{suite(), initiator_config(), random};
  ScriptedResponder responder{suite(), rc, random};
  ASSERT_TRUE(responder.consume_ike_sa_init_request(*initiator.build_ike_sa_init_request()));
  EXPECT_TRUE(responder.sa().peer_behind_nat);
  EXPECT_FALSE(responder.sa().self_behind_nat);
}

// A flipped octet in the IKE_AUTH request's ciphertext: the responder drops it.
TEST_P(ScriptedExchangeTest, TamperedAuthRequestIsDropped) {
  crypto::SeededRandom random{23};
  ScriptedInitiator initiator{suite(), initiator_config(), random};
  ScriptedResponder responder{suite(), responder_config(), random};
  auto m2 = responder.consume_ike_sa_init_request(*initiator.build_ike_sa_init_request());
  ASSERT_TRUE(m2);
  ASSERT_TRUE(initiator.consume_ike_sa_init_response(*m2));
  Bytes m3 = *initiator.build_ike_auth_request();
  m3[m3.size() - 20] ^= 0x40;
  auto m4 = responder.consume_ike_auth_request(m3);
  ASSERT_FALSE(m4);
  EXPECT_EQ(m4.error().code, Errc::integrity_check_failed);
  EXPECT_FALSE(m4.error().notify.has_value());
}

// The keylog line names the SPIs, and the summary agrees with the datagrams.
TEST_P(ScriptedExchangeTest, KeylogLineAndSummary) {
  const ScriptedExchange x = run();
  const std::string spis = fmt::format("{:016x},{:016x},", x.spi_i, x.spi_r);
  EXPECT_TRUE(x.keylog_line.starts_with(spis)) << x.keylog_line.substr(0, 34);
  EXPECT_NE(x.keylog_line.find(to_hex(x.keys.SK_ei.view())), std::string::npos);
  const ScriptedExchangeSummary& s = x.summary;
  EXPECT_EQ(s.spi_i, x.spi_i);
  EXPECT_EQ(s.ke_group, suite().ke);
  auto m1 = wire::parse_message(x.datagrams[0].bytes);
  ASSERT_TRUE(m1);
  EXPECT_EQ(std::get<wire::NoncePayload>(wire::find_payload(m1->payloads, PayloadType::Nonce)->body).data,
            s.nonce_i);
  EXPECT_EQ(std::get<wire::KePayload>(wire::find_payload(m1->payloads, PayloadType::KE)->body).data, s.ke_i);
  EXPECT_EQ(s.id_i, identity("initiator@example.org"));
  EXPECT_EQ(s.id_r, identity("responder@example.org"));
  EXPECT_GE(s.esp_spi_i, 256u);
  EXPECT_GE(s.esp_spi_r, 256u);
  EXPECT_FALSE(s.nat_detected);
  EXPECT_EQ(s.messages[0].notifies.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(DemoSuites, ScriptedExchangeTest,
                         ::testing::ValuesIn(demo_suites().begin(), demo_suites().end()),
                         [](const auto& param_info) {
                           std::string name(param_info.param.name);
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace tern::tools

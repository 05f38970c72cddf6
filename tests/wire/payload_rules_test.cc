// The payload rules table (RFC 7296 §1.2-1.5, §2.16, §3; RFC 7383): which
// payloads each exchange allows, how many, and on which side of SK.
#include "wire/payload_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;
using samples::notify;

Payload sa() {
  return {PayloadType::SA, false, samples::ike_sa_init_proposals()};
}
Payload ke() {
  return {PayloadType::KE, false, KePayload{KeGroup::CURVE25519, hex(samples::kX25519Public)}};
}
Payload nonce() {
  return {PayloadType::Nonce, false, NoncePayload{samples::pattern(32, 0)}};
}
Payload idi() {
  return {PayloadType::IDi, false, IdPayload{IdType::ID_IPV4_ADDR, hex("c0000201")}};
}
Payload idr() {
  return {PayloadType::IDr, false, IdPayload{IdType::ID_IPV4_ADDR, hex("c0000202")}};
}
Payload auth() {
  return {PayloadType::AUTH, false, AuthPayload{AuthMethod::SHARED_KEY_MIC, samples::pattern(32, 0)}};
}
Payload tsi() {
  return {PayloadType::TSi, false, TsPayload{{TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})}}};
}
Payload tsr() {
  return {PayloadType::TSr, false, TsPayload{{TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 0, 255})}}};
}
Payload eap() {
  return {PayloadType::EAP, false, EapPayload{hex("01 01 0005 01")}};  // EAP-Request/Identity
}
Payload cert() {
  return {PayloadType::CERT, false, CertPayload{CertEncoding::X509_SIGNATURE, samples::pattern(64, 0)}};
}
Payload certreq() {
  return {PayloadType::CERTREQ, false, CertReqPayload{CertEncoding::X509_SIGNATURE, samples::pattern(20, 0)}};
}
Payload del() {
  return {PayloadType::Delete, false, DeletePayload{ProtocolId::IKE, 0, {}}};
}
Payload vid() {
  return {PayloadType::VendorID, false, VendorIdPayload{hex("0102")}};
}
Payload sk() {
  return {PayloadType::SK, false, SkPayload{samples::pattern(40, 0), PayloadType::NONE}};
}
Payload skf() {
  return {PayloadType::SKF, false, SkfPayload{1, 2, samples::pattern(40, 0), PayloadType::NONE}};
}
Payload unknown(bool critical) {
  return {static_cast<PayloadType>(222), critical, UnknownPayload{hex("00")}};
}

constexpr auto kRequest = Direction::request;
constexpr auto kResponse = Direction::response;

void expect_ok(ExchangeType exchange, Direction direction, const std::vector<Payload>& outside,
               const std::vector<Payload>& inside) {
  auto ok = check_payload_rules(exchange, direction, outside, inside);
  EXPECT_TRUE(ok) << ok.error().to_string();
}

void expect_violation(ExchangeType exchange, Direction direction, const std::vector<Payload>& outside,
                      const std::vector<Payload>& inside, Errc code, const std::string& detail_part) {
  auto ok = check_payload_rules(exchange, direction, outside, inside);
  ASSERT_FALSE(ok) << "expected " << to_string(code) << " (" << detail_part << ")";
  EXPECT_EQ(ok.error().code, code) << ok.error().to_string();
  EXPECT_EQ(ok.error().notify, notify_number(NotifyType::INVALID_SYNTAX)) << ok.error().to_string();
  EXPECT_NE(ok.error().detail.find(detail_part), std::string::npos) << ok.error().to_string();
  EXPECT_NE(ok.error().detail.find(to_string(exchange)), std::string::npos) << ok.error().to_string();
}

// ---- IKE_SA_INIT ------------------------------------------------------------

TEST(PayloadRules, IkeSaInitRequest) {
  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*) ...  -->
  expect_ok(ExchangeType::IKE_SA_INIT, kRequest, samples::ike_sa_init_request().payloads, {});
  // HDR, N(COOKIE), SAi1, KEi, Ni  -->   (§2.6 retry)
  expect_ok(ExchangeType::IKE_SA_INIT, kRequest,
            {notify(NotifyType::COOKIE, samples::pattern(16, 0)), sa(), ke(), nonce(), vid()}, {});
}

TEST(PayloadRules, IkeSaInitRequestWithoutKeIsMissingKe) {
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), nonce()}, {}, Errc::missing_payload,
                   "missing KE");
}

TEST(PayloadRules, IkeSaInitRequestWithoutNonceOrSa) {
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), ke()}, {}, Errc::missing_payload,
                   "missing Nonce");
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {ke(), nonce()}, {}, Errc::missing_payload,
                   "missing SA");
}

TEST(PayloadRules, TwoSaPayloadsAreTooMany) {
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), sa(), ke(), nonce()}, {}, Errc::too_many,
                   "SA");
}

TEST(PayloadRules, IkeSaInitCarriesNoAuthNoSkAndNoCertReqInTheRequest) {
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), ke(), nonce(), auth()}, {},
                   Errc::unexpected_payload, "AUTH");
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), ke(), nonce(), sk()}, {},
                   Errc::unexpected_payload, "SK");
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), ke(), nonce(), certreq()}, {},
                   Errc::unexpected_payload, "CERTREQ");
  expect_violation(ExchangeType::IKE_SA_INIT, kRequest, {sa(), ke(), nonce()}, {idi()},
                   Errc::unexpected_payload, "inside SK");
}

TEST(PayloadRules, IkeSaInitResponse) {
  // <--  HDR, SAr1, KEr, Nr, [CERTREQ]
  expect_ok(ExchangeType::IKE_SA_INIT, kResponse, {sa(), ke(), nonce(), certreq(), certreq()}, {});
  // <--  HDR, N(COOKIE)   and   <--  HDR, N(INVALID_KE_PAYLOAD)
  expect_ok(ExchangeType::IKE_SA_INIT, kResponse, {notify(NotifyType::COOKIE, samples::pattern(16, 0))}, {});
  expect_ok(ExchangeType::IKE_SA_INIT, kResponse, {notify(NotifyType::INVALID_KE_PAYLOAD, hex("000e"))}, {});
  // A status notify alone is not an answer.
  expect_violation(ExchangeType::IKE_SA_INIT, kResponse, {notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED)},
                   {}, Errc::missing_payload, "missing SA");
}

// ---- IKE_AUTH ---------------------------------------------------------------

TEST(PayloadRules, IkeAuthRequest) {
  // HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr}  -->
  expect_ok(
      ExchangeType::IKE_AUTH, kRequest, {sk()},
      {idi(), cert(), certreq(), idr(), auth(), notify(NotifyType::INITIAL_CONTACT), sa(), tsi(), tsr()});
  // Childless (RFC 6023): no SAi2, TSi, TSr.
  expect_ok(ExchangeType::IKE_AUTH, kRequest, {sk()}, {idi(), auth()});
}

TEST(PayloadRules, AuthOutsideSkIsUnexpected) {
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {auth(), sk()}, {idi(), sa(), tsi(), tsr()},
                   Errc::unexpected_payload, "AUTH must be inside SK");
}

TEST(PayloadRules, EncryptedExchangesNeedExactlyOneSk) {
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {}, {idi(), auth()}, Errc::missing_payload,
                   "missing SK");
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk(), sk()}, {idi(), auth()}, Errc::too_many, "SK");
  expect_violation(ExchangeType::INFORMATIONAL, kRequest, {vid(), sk()}, {}, Errc::unexpected_payload,
                   "must be inside SK");
}

TEST(PayloadRules, IkeAuthWithEapRounds) {
  // HDR, SK {IDi, [IDr,] SAi2, TSi, TSr}  -->   (no AUTH: the initiator wants EAP)
  expect_ok(ExchangeType::IKE_AUTH, kRequest, {sk()}, {idi(), sa(), tsi(), tsr()});
  // <--  HDR, SK {IDr, [CERT,] AUTH, EAP}
  expect_ok(ExchangeType::IKE_AUTH, kResponse, {sk()}, {idr(), cert(), auth(), eap()});
  // HDR, SK {EAP}  -->    <--  HDR, SK {EAP}
  expect_ok(ExchangeType::IKE_AUTH, kRequest, {sk()}, {eap()});
  expect_ok(ExchangeType::IKE_AUTH, kResponse, {sk()}, {eap()});
  // HDR, SK {AUTH}  -->   <--  HDR, SK {AUTH, SAr2, TSi, TSr}
  expect_ok(ExchangeType::IKE_AUTH, kRequest, {sk()}, {auth()});
  expect_ok(ExchangeType::IKE_AUTH, kResponse, {sk()}, {auth(), sa(), tsi(), tsr()});
}

TEST(PayloadRules, IkeAuthRoundsStillRequireTheirPayloads) {
  // An empty IKE_AUTH request is the "after EAP" shape without its AUTH.
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk()}, {}, Errc::missing_payload, "missing AUTH");
  // An EAP round carries nothing else.
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk()}, {eap(), idi()}, Errc::unexpected_payload, "IDi");
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk()}, {eap(), eap()}, Errc::too_many, "EAP");
  // <--  HDR, SK {IDr}   without AUTH
  expect_violation(ExchangeType::IKE_AUTH, kResponse, {sk()}, {idr()}, Errc::missing_payload, "missing AUTH");
}

TEST(PayloadRules, ChildSaPayloadsComeTogether) {
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk()}, {idi(), auth(), sa(), tsi()},
                   Errc::missing_payload, "missing TSr");
  expect_violation(ExchangeType::IKE_AUTH, kResponse, {sk()}, {idr(), auth(), tsi(), tsr()},
                   Errc::missing_payload, "missing SA");
  expect_violation(ExchangeType::CREATE_CHILD_SA, kRequest, {sk()}, {sa(), nonce(), tsr()},
                   Errc::missing_payload, "missing TSi");
}

TEST(PayloadRules, IkeAuthErrorResponses) {
  // <--  HDR, SK {N(AUTHENTICATION_FAILED)}
  expect_ok(ExchangeType::IKE_AUTH, kResponse, {sk()}, {notify(NotifyType::AUTHENTICATION_FAILED)});
  // <--  HDR, SK {IDr, AUTH, N(TS_UNACCEPTABLE)}: the IKE SA is up, the Child SA is not.
  expect_ok(ExchangeType::IKE_AUTH, kResponse, {sk()}, {idr(), auth(), notify(NotifyType::TS_UNACCEPTABLE)});
  // Requests cannot stand in with an error notify.
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk()}, {notify(NotifyType::INVALID_SYNTAX)},
                   Errc::missing_payload, "missing AUTH");
}

// ---- CREATE_CHILD_SA and INFORMATIONAL ------------------------------------------

TEST(PayloadRules, CreateChildSa) {
  // HDR, SK {SA, Ni, [KEi], TSi, TSr}  -->
  expect_ok(ExchangeType::CREATE_CHILD_SA, kRequest, {sk()},
            {notify(NotifyType::REKEY_SA), sa(), nonce(), ke(), tsi(), tsr()});
  // Rekeying the IKE SA: HDR, SK {SA, Ni, KEi}  -->
  expect_ok(ExchangeType::CREATE_CHILD_SA, kRequest, {sk()}, {sa(), nonce(), ke()});
  // <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}   or   <--  HDR, SK {N(NO_PROPOSAL_CHOSEN)}
  expect_ok(ExchangeType::CREATE_CHILD_SA, kResponse, {sk()}, {sa(), nonce(), tsi(), tsr()});
  expect_ok(ExchangeType::CREATE_CHILD_SA, kResponse, {sk()}, {notify(NotifyType::NO_PROPOSAL_CHOSEN)});
  expect_violation(ExchangeType::CREATE_CHILD_SA, kRequest, {sk()}, {sa(), tsi(), tsr()},
                   Errc::missing_payload, "missing Nonce");
  expect_violation(ExchangeType::CREATE_CHILD_SA, kRequest, {sk()}, {sa(), nonce(), ke(), ke()},
                   Errc::too_many, "KE");
  expect_violation(ExchangeType::CREATE_CHILD_SA, kRequest, {sk()}, {sa(), nonce(), idi()},
                   Errc::unexpected_payload, "IDi");
}

TEST(PayloadRules, Informational) {
  // HDR, SK {}  -->   (liveness check)
  expect_ok(ExchangeType::INFORMATIONAL, kRequest, {sk()}, {});
  // HDR, SK {D}  -->   <--  HDR, SK {D}
  expect_ok(ExchangeType::INFORMATIONAL, kRequest, {sk()}, {del(), notify(NotifyType::INITIAL_CONTACT)});
  expect_ok(ExchangeType::INFORMATIONAL, kResponse, {sk()}, {del()});
  expect_violation(ExchangeType::INFORMATIONAL, kRequest, {sk()}, {sa()}, Errc::unexpected_payload, "SA");
  expect_violation(ExchangeType::INFORMATIONAL, kRequest, {}, {}, Errc::missing_payload, "missing SK");
}

// ---- SK, SKF, unknown payloads ----------------------------------------------------

TEST(PayloadRules, SkfStandsAloneOutside) {
  expect_ok(ExchangeType::IKE_AUTH, kRequest, {skf()}, {idi(), auth()});
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {notify(NotifyType::INITIAL_CONTACT), skf()},
                   {idi(), auth()}, Errc::unexpected_payload, "Notify must be inside SK");
  expect_violation(ExchangeType::IKE_AUTH, kRequest, {sk(), skf()}, {idi(), auth()}, Errc::too_many,
                   "SK/SKF");
}

TEST(PayloadRules, SkInsideSkIsUnexpected) {
  expect_violation(ExchangeType::INFORMATIONAL, kRequest, {sk()}, {sk()}, Errc::unexpected_payload,
                   "SK inside SK");
  expect_violation(ExchangeType::INFORMATIONAL, kRequest, {sk()}, {skf()}, Errc::unexpected_payload,
                   "SKF inside SK");
}

TEST(PayloadRules, UnknownNonCriticalPayloadsAreAllowedAnywhere) {
  expect_ok(ExchangeType::IKE_SA_INIT, kRequest, {sa(), unknown(false), ke(), nonce()}, {});
  expect_ok(ExchangeType::IKE_AUTH, kRequest, {unknown(false), sk()}, {idi(), unknown(false), auth()});
}

TEST(PayloadRules, UnknownCriticalPayloadsAreRejectedInsideAndOutside) {
  for (bool inside : {false, true}) {
    std::vector<Payload> outside = {sk()};
    std::vector<Payload> in = {idi(), auth()};
    (inside ? in : outside).insert((inside ? in : outside).begin(), unknown(true));
    auto ok = check_payload_rules(ExchangeType::IKE_AUTH, kRequest, outside, in);
    ASSERT_FALSE(ok) << (inside ? "inside" : "outside");
    EXPECT_EQ(ok.error().code, Errc::unsupported_critical_payload);
    EXPECT_EQ(ok.error().notify, notify_number(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD));
    EXPECT_EQ(ok.error().notify_data, Bytes{222});
  }
}

TEST(PayloadRules, ExchangesWithoutRulesAreUnsupported) {
  auto ok = check_payload_rules(static_cast<ExchangeType>(99), kRequest, {}, {});
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, Errc::unsupported);
  EXPECT_FALSE(ok.error().notify);
}

// ---- The table itself --------------------------------------------------------------

TEST(PayloadRules, EveryExchangeAndDirectionEndsWithAFallbackShape) {
  for (ExchangeType exchange : {ExchangeType::IKE_SA_INIT, ExchangeType::IKE_AUTH,
                                ExchangeType::CREATE_CHILD_SA, ExchangeType::INFORMATIONAL}) {
    for (Direction direction : {kRequest, kResponse}) {
      const MessageShape* last = nullptr;
      size_t fallbacks = 0;
      for (const MessageShape& shape : payload_rules_table()) {
        if (shape.exchange != exchange || shape.direction != direction) continue;
        last = &shape;
        fallbacks += shape.when_present == PayloadType::NONE ? 1 : 0;
      }
      ASSERT_NE(last, nullptr) << to_string(exchange);
      EXPECT_EQ(last->when_present, PayloadType::NONE) << to_string(exchange);
      EXPECT_EQ(fallbacks, 1u) << to_string(exchange);
      EXPECT_EQ(last->encrypted, exchange != ExchangeType::IKE_SA_INIT) << to_string(exchange);
      EXPECT_EQ(last->notify_only_ok, direction == kResponse) << to_string(exchange);
    }
  }
}

TEST(PayloadRules, RulesAreConsistent) {
  for (const MessageShape& shape : payload_rules_table()) {
    for (const PayloadRule& rule : shape.rules) {
      std::string what = to_string(shape.exchange) + " " + to_string(rule.type);
      EXPECT_LE(rule.min, rule.max) << what;
      EXPECT_TRUE(is_known_payload(rule.type)) << what;
      EXPECT_NE(rule.type, PayloadType::SK) << what << ": SK/SKF are the container, not content";
      EXPECT_NE(rule.type, PayloadType::SKF) << what;
      EXPECT_EQ(rule.where, shape.encrypted ? Where::inside_sk : Where::outside_sk) << what;
    }
  }
}

}  // namespace
}  // namespace tern::wire

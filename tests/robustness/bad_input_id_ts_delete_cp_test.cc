// Bad input, class 5: ID, TS, DELETE and CP payloads (RFC 7296 §3.5, §3.13,
// §3.11, §3.15). Counts that disagree with lengths, ranges whose start lies
// past their end, identities no connection names (and oversized ones) before
// authentication, Deletes aimed at another peer's CHILD_SA.
//
// In an authentic request: malformed payloads are answered N(INVALID_SYNTAX)
// (§2.21.2) and the IKE SA stays; in IKE_AUTH a peer nobody configured is
// answered N(AUTHENTICATION_FAILED) and its IKE SA deleted (§2.21.2).
#include "bad_input_fixture.h"

namespace tern::ike::testing {
namespace {

using wire::NotifyType;
using wire::PayloadType;

class BadInputIdTsDeleteCp : public BadInputTest {
 protected:
  static bool only_notify(const std::vector<wire::Payload>& payloads, NotifyType type) {
    return payloads.size() == 1 && wire::find_notify(payloads, type) != nullptr;
  }
  // An authentic request of C (established) with `payloads`; B's answer's payloads.
  std::vector<wire::Payload> request_from_c(wire::ExchangeType exchange,
                                            std::vector<wire::Payload> payloads) {
    return open_answer(to_b(c_seal(exchange, next_id_++, std::move(payloads))));
  }
  // The same with the encoded inner chain changed by `change` before sealing.
  template <typename Change>
  std::vector<wire::Payload> raw_request_from_c(wire::ExchangeType exchange,
                                                std::vector<wire::Payload> payloads, Change change) {
    wire::InnerChain chain = wire::encode_inner_chain(payloads);
    change(chain.bytes);
    return open_answer(to_b(c_seal_raw(exchange, next_id_++, chain.first, chain.bytes)));
  }
  // CREATE_CHILD_SA {SA, Ni, TSi, TSr} for a new CHILD_SA, with C's IKE_AUTH proposal and selectors.
  std::vector<wire::Payload> create_child(wire::Payload tsi, wire::Payload tsr) {
    return {c_auth_payload(PayloadType::SA),
            wire::Payload{PayloadType::Nonce, false, wire::NoncePayload{Bytes(32, 0x42)}}, std::move(tsi),
            std::move(tsr)};
  }
  static wire::Payload ts(PayloadType type, std::vector<wire::TrafficSelector> selectors) {
    return wire::Payload{type, false, wire::TsPayload{std::move(selectors)}};
  }
  static wire::Payload del(wire::ProtocolId protocol, uint8_t spi_size, std::vector<Bytes> spis) {
    return wire::Payload{PayloadType::Delete, false,
                         wire::DeletePayload{protocol, spi_size, std::move(spis)}};
  }
  void expect_c_still_works() {
    EXPECT_TRUE(request_from_c(wire::ExchangeType::INFORMATIONAL, {}).empty());
    ASSERT_NE(sa_of(net.b, "b-c"), nullptr);
    EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  }
  // C's IKE_AUTH request, its IDi replaced by `id`, sealed with C's keys.
  std::vector<Bytes> ike_auth_with_identity(wire::IdPayload id) {
    const Bytes real = c_through_ike_sa_init();
    Result<IkeMessage> opened = EndpointPeer::open(net.b, real);
    EXPECT_TRUE(opened.has_value());
    std::vector<wire::Payload> payloads = opened ? opened->payloads : std::vector<wire::Payload>{};
    for (wire::Payload& p : payloads) {
      if (p.type == PayloadType::IDi) p.body = std::move(id);
    }
    return to_b(c_seal(wire::ExchangeType::IKE_AUTH, 1, std::move(payloads)));
  }
  void expect_authentication_failed(const std::vector<Bytes>& answers) {
    EXPECT_TRUE(only_notify(open_answer(answers), NotifyType::AUTHENTICATION_FAILED));
    EXPECT_EQ(sa_of(net.b, "b-c"), nullptr) << "B kept the IKE SA of a peer that failed IKE_AUTH";
    EXPECT_EQ(net.b.counters().authentication_failures, 1u);
  }

  void expect_invalid_syntax_in_ike_auth(const std::vector<Bytes>& answers) {
    EXPECT_TRUE(only_notify(open_answer(answers), NotifyType::INVALID_SYNTAX));
    EXPECT_EQ(sa_of(net.b, "b-c"), nullptr) << "B kept the IKE SA after a malformed IKE_AUTH";
    EXPECT_EQ(net.b.counters().malformed_requests_answered, 1u);
  }

  uint32_t next_id_ = 2;
};

// --- ID ----------------------------------------------------------------------

TEST_F(BadInputIdTsDeleteCp, AnOversizedIdentityBeforeAuthenticationIsAuthenticationFailed) {
  // HDR, SK {IDi(FQDN of 4000 octets), AUTH, SAi2, TSi, TSr}  -->   <--  HDR, SK {N(AUTHENTICATION_FAILED)}
  expect_authentication_failed(
      ike_auth_with_identity(wire::IdPayload{wire::IdType::ID_FQDN, Bytes(4000, 'a')}));
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, AnEmptyIdentityIsInvalidSyntax) {
  // Malformed (§3.5), so INVALID_SYNTAX; after IKE_AUTH's failure B deletes the IKE SA (§2.21.2).
  expect_invalid_syntax_in_ike_auth(
      ike_auth_with_identity(wire::IdPayload{wire::IdType::ID_RFC822_ADDR, {}}));
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, AnUnknownIdentityTypeIsAuthenticationFailed) {
  expect_authentication_failed(
      ike_auth_with_identity(wire::IdPayload{static_cast<wire::IdType>(200), Bytes{'c', '@', 'x'}}));
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, AnIpv4IdentityOfTheWrongLengthIsInvalidSyntax) {
  expect_invalid_syntax_in_ike_auth(
      ike_auth_with_identity(wire::IdPayload{wire::IdType::ID_IPV4_ADDR, Bytes(7, 1)}));
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, TheBystandersIdentityWithoutItsKeyIsAuthenticationFailed) {
  // C claims to be A: B's connection for A matches, the PSK proof does not.
  expect_authentication_failed(ike_auth_with_identity(Identity::rfc822("a@example.org").payload()));
  expect_bystander_untouched();
}

// --- TS ----------------------------------------------------------------------

TEST_F(BadInputIdTsDeleteCp, ASelectorCountLargerThanThePayloadIsInvalidSyntax) {
  c_established();
  // TSi claims 5 selectors, holds 1 (§3.13: Number of TSs).
  auto answer = raw_request_from_c(
      wire::ExchangeType::CREATE_CHILD_SA,
      create_child(c_auth_payload(PayloadType::TSi), c_auth_payload(PayloadType::TSr)), [&](Bytes& inner) {
        // Walk the chain to TSi (the third payload) and raise its count.
        size_t at = 0;
        for (int i = 0; i < 2; ++i) at += get_u16(inner, at + 2);
        inner[at + 4] = 5;
      });
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ASelectorCountOfZeroIsInvalidSyntax) {
  c_established();
  auto answer = raw_request_from_c(
      wire::ExchangeType::CREATE_CHILD_SA,
      create_child(c_auth_payload(PayloadType::TSi), c_auth_payload(PayloadType::TSr)), [&](Bytes& inner) {
        size_t at = 0;
        for (int i = 0; i < 3; ++i) at += get_u16(inner, at + 2);
        inner[at + 4] = 0;  // TSr
      });
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ASelectorLengthPastThePayloadIsInvalidSyntax) {
  c_established();
  auto answer = raw_request_from_c(
      wire::ExchangeType::CREATE_CHILD_SA,
      create_child(c_auth_payload(PayloadType::TSi), c_auth_payload(PayloadType::TSr)), [&](Bytes& inner) {
        size_t at = 0;
        for (int i = 0; i < 2; ++i) at += get_u16(inner, at + 2);
        put_u16(inner, at + 8 + 2, 200);  // Selector Length of TSi's first
      });
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ARangeWhoseStartIsPastItsEndIsRefusedAndNothingInstalled) {
  c_established();
  const size_t installed = net.log_b.installed.size();
  auto tsi = ts(PayloadType::TSi, {wire::TrafficSelector::ipv4_range({10, 3, 0, 255}, {10, 3, 0, 0})});
  auto tsr =
      ts(PayloadType::TSr, {wire::TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 0, 255}, 6, 443, 80)});
  auto answer = request_from_c(wire::ExchangeType::CREATE_CHILD_SA, create_child(tsi, tsr));
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_TRUE(wire::find_notify(answer, NotifyType::TS_UNACCEPTABLE) != nullptr ||
              wire::find_notify(answer, NotifyType::INVALID_SYNTAX) != nullptr);
  EXPECT_EQ(net.log_b.installed.size(), installed);
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, SelectorsOfTheBystandersSubnetAreTsUnacceptable) {
  // C asks for A's subnet (10.1.0.0/24): B has no child for C that covers it.
  c_established();
  auto answer = request_from_c(
      wire::ExchangeType::CREATE_CHILD_SA,
      create_child(ts(PayloadType::TSi, {subnet24(10, 1, 0)}), ts(PayloadType::TSr, {subnet24(10, 2, 0)})));
  EXPECT_TRUE(only_notify(answer, NotifyType::TS_UNACCEPTABLE));
  expect_c_still_works();
  expect_bystander_untouched();
}

// --- DELETE ------------------------------------------------------------------

TEST_F(BadInputIdTsDeleteCp, ASpiCountLargerThanThePayloadIsInvalidSyntax) {
  c_established();
  auto answer = raw_request_from_c(wire::ExchangeType::INFORMATIONAL,
                                   {del(wire::ProtocolId::ESP, 4, {Bytes{1, 2, 3, 4}})},
                                   [](Bytes& inner) { put_u16(inner, 4 + 2, 3); });  // Num of SPIs: 3
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, AnEspDeleteWithEightOctetSpisIsInvalidSyntax) {
  c_established();
  auto answer =
      request_from_c(wire::ExchangeType::INFORMATIONAL, {del(wire::ProtocolId::ESP, 8, {Bytes(8, 1)})});
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ADeleteOfAnUnknownProtocolIsInvalidSyntax) {
  c_established();
  auto answer = request_from_c(wire::ExchangeType::INFORMATIONAL,
                               {del(static_cast<wire::ProtocolId>(9), 4, {Bytes(4, 1)})});
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ADeleteNamingTheBystandersChildSpisDeletesNothing) {
  // C, authenticated, names the SPIs of A's CHILD_SA (both directions):
  // HDR, SK {D(ESP, A's SPIs)}  -->   <--  HDR, SK {}     and A's child stays.
  c_established();
  const ChildSa& child = bystander.children.front();
  const uint64_t before = net.b.counters().delete_unknown_spi;
  auto answer =
      request_from_c(wire::ExchangeType::INFORMATIONAL,
                     {del(wire::ProtocolId::ESP, 4, {spi_bytes(child.spi_in), spi_bytes(child.spi_out)})});
  for (const wire::Payload& p : answer) {
    const auto* d = std::get_if<wire::DeletePayload>(&p.body);
    EXPECT_TRUE(d == nullptr || d->spis.empty()) << "B answered with SPIs";
  }
  EXPECT_GT(net.b.counters().delete_unknown_spi, before);
  expect_c_still_works();
  EXPECT_EQ(sa_of(net.b, "b-c")->children.size(), 1u) << "C's own child stays too";
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ADeleteListingAThousandUnknownSpisIsAnsweredEmpty) {
  c_established();
  std::vector<Bytes> spis;
  for (uint32_t i = 0; i < 1000; ++i) spis.push_back(spi_bytes(0xdead0000 + i));
  auto answer = request_from_c(wire::ExchangeType::INFORMATIONAL, {del(wire::ProtocolId::ESP, 4, spis)});
  EXPECT_TRUE(answer.empty());
  expect_c_still_works();
  expect_bystander_untouched();
}

// --- CP ----------------------------------------------------------------------

TEST_F(BadInputIdTsDeleteCp, AConfigurationAttributeLengthPastThePayloadIsInvalidSyntax) {
  c_established();
  wire::CpPayload cp;
  cp.attributes = {wire::CfgAttribute{1, Bytes(4, 0)}};  // INTERNAL_IP4_ADDRESS
  auto answer =
      raw_request_from_c(wire::ExchangeType::INFORMATIONAL, {wire::Payload{PayloadType::CP, false, cp}},
                         [](Bytes& inner) { put_u16(inner, 4 + 4 + 2, 400); });
  EXPECT_TRUE(only_notify(answer, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputIdTsDeleteCp, ACpPayloadShorterThanItsHeaderIsInvalidSyntax) {
  c_established();
  // HDR, SK {CP with Payload Length 6: two octets of its four-octet CFG header}  -->
  const std::vector<wire::Payload> again = open_answer(to_b(
      c_seal_raw(wire::ExchangeType::INFORMATIONAL, next_id_++, PayloadType::CP, Bytes{0, 0, 0, 6, 1, 0})));
  EXPECT_TRUE(only_notify(again, NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

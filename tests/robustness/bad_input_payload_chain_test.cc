// Bad input, class 2: the payload chain (RFC 7296 §3.2, §2.5). Payload
// Lengths 0-3 or past the end, too many payloads, unknown payloads with and
// without the Critical bit inside and outside SK, IKEv1 payload numbers,
// missing, duplicated and misplaced payloads.
//
// Outside SK (unauthenticated): dropped silently, except that an unknown
// critical payload in IKE_SA_INIT is answered N(UNSUPPORTED_CRITICAL_PAYLOAD)
// (§2.5 MUST) and unknown non-critical payloads are skipped. Inside an
// authentic SK: answered N(INVALID_SYNTAX) or N(UNSUPPORTED_CRITICAL_PAYLOAD)
// (§2.21.2), the IKE SA stays.
#include "bad_input_fixture.h"
#include "wire/unknown_payload.h"

namespace tern::ike::testing {
namespace {

constexpr size_t kFirstPayload = kHdr;  // generic header of the first payload: Next, C, Length(2)

class BadInputPayloadChain : public BadInputTest {
 protected:
  static wire::Payload unknown(uint8_t type, bool critical, Bytes body = {1, 2, 3, 4}) {
    return wire::Payload{static_cast<wire::PayloadType>(type), critical,
                         wire::UnknownPayload{std::move(body)}};
  }
  static wire::Payload vendor_id(uint8_t n) {
    return wire::Payload{wire::PayloadType::VendorID, false, wire::VendorIdPayload{Bytes(16, n)}};
  }
  // C's IKE_SA_INIT request with `change` applied to its payloads.
  template <typename Change>
  Bytes init_with(Change change) {
    wire::Message m = c_init_message();
    change(m.payloads);
    return wire::build_message(m);
  }
  static void erase(std::vector<wire::Payload>& payloads, wire::PayloadType type) {
    std::erase_if(payloads, [&](const wire::Payload& p) { return p.type == type; });
  }
  // An authentic INFORMATIONAL request from C (established) whose inner chain is `inner`.
  std::vector<wire::Payload> informational_from_c(wire::PayloadType first, const Bytes& inner) {
    return open_answer(to_b(c_seal_raw(wire::ExchangeType::INFORMATIONAL, next_id_++, first, inner)));
  }
  static bool only_notify(const std::vector<wire::Payload>& payloads, wire::NotifyType type) {
    return payloads.size() == 1 && wire::find_notify(payloads, type) != nullptr;
  }
  void expect_c_still_works() {
    // HDR, SK {}  -->  <--  HDR, SK {}   on C's SA, with the next Message ID.
    const std::vector<wire::Payload> answer =
        open_answer(to_b(c_seal(wire::ExchangeType::INFORMATIONAL, next_id_++, {})));
    EXPECT_TRUE(answer.empty());
    EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  }

  uint32_t next_id_ = 2;  // after IKE_SA_INIT (0) and IKE_AUTH (1)
};

TEST_F(BadInputPayloadChain, PayloadLengthsZeroToThreeAreDropped) {
  // A Payload Length below the 4-octet generic header (§3.2).
  for (uint16_t length : std::initializer_list<uint16_t>{0, 1, 2, 3}) {
    Bytes init = c_init_request();
    put_u16(init, kFirstPayload + 2, length);
    expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, APayloadLengthPastTheEndIsDropped) {
  Bytes init = c_init_request();
  put_u16(init, kFirstPayload + 2, static_cast<uint16_t>(init.size() - kHdr + 1));
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, APayloadLengthOf65535IsDropped) {
  Bytes init = c_init_request();
  put_u16(init, kFirstPayload + 2, 0xffff);
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, OctetsLeftAfterTheLastPayloadAreDropped) {
  // The first payload claims four octets less and says it is the last: four octets dangle.
  Bytes init = init_with([](auto& payloads) { payloads.resize(1); });
  init.insert(init.end(), {0, 0, 0, 4});
  put_u32(init, kOffLength, static_cast<uint32_t>(init.size()));
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, ANextPayloadLoopOfHundredsOfPayloadsIsDropped) {
  // HDR, SAi1, KEi, Ni, V x 300  -->   more than the 128 payloads a message may have
  Bytes init = init_with([](auto& payloads) {
    for (int i = 0; i < 300; ++i) payloads.push_back(vendor_id(static_cast<uint8_t>(i)));
  });
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, ManyVendorIdsWithinTheLimitAreSkipped) {
  Bytes init = init_with([](auto& payloads) {
    for (int i = 0; i < 100; ++i) payloads.push_back(vendor_id(static_cast<uint8_t>(i)));
  });
  expect_ike_sa_init_answer(init);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnUnknownNonCriticalPayloadOutsideSkIsSkipped) {
  // §2.5: "If the critical flag is not set, ... MUST skip this payload".
  expect_ike_sa_init_answer(init_with([](auto& payloads) { payloads.push_back(unknown(200, false)); }));
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnUnknownCriticalPayloadInIkeSaInitIsAnsweredUnsupportedCriticalPayload) {
  // HDR, SAi1, KEi, Ni, <200, C=1>  -->
  //                     <--  HDR, N(UNSUPPORTED_CRITICAL_PAYLOAD, 200)     (§2.5: MUST reject)
  const std::vector<Bytes> answers =
      to_b(init_with([](auto& payloads) { payloads.insert(payloads.begin() + 1, unknown(200, true)); }));
  expect_notify_answer(answers, wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
  ASSERT_EQ(answers.size(), 1u);
  auto answer = wire::parse_message(answers.front());  // kept alive: n points into it
  ASSERT_TRUE(answer.has_value());
  const wire::NotifyPayload* n =
      wire::find_notify(answer->payloads, wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->data, Bytes{200}) << "the notify names the payload type";
  EXPECT_EQ(net.b.counters().unsupported_critical_payload_sent, 1u);
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeV1PayloadNumbersAreUnknownPayloads) {
  // Types 1-32 are IKEv1's (§3.2): skipped without C, refused with it.
  expect_ike_sa_init_answer(init_with([](auto& payloads) { payloads.push_back(unknown(1, false)); }));
  expect_ike_sa_init_answer(init_with([](auto& payloads) { payloads.push_back(unknown(13, false)); }));
  expect_unprotected_refusal(init_with([](auto& payloads) { payloads.push_back(unknown(2, true)); }),
                             wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnUnknownCriticalPayloadInAResponseOrLaterExchangeIsOnlyDropped) {
  // Outside SK nothing but a new IKE_SA_INIT request is answered: not authenticated.
  Bytes response = init_with([](auto& payloads) { payloads.push_back(unknown(200, true)); });
  response[kOffFlags] |= wire::kFlagResponse;
  expect_silent_drop(response, &EndpointCounters::dropped_malformed);
  Bytes auth = init_with([](auto& payloads) { payloads.push_back(unknown(200, true)); });
  auth[kOffExchange] = static_cast<uint8_t>(wire::ExchangeType::IKE_AUTH);
  expect_silent_drop(auth, &EndpointCounters::dropped_malformed);
  EXPECT_EQ(net.b.counters().unsupported_critical_payload_sent, 0u);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeSaInitWithoutNonceIsDroppedAndLeavesNoState) {
  expect_silent_drop(init_with([](auto& payloads) { erase(payloads, wire::PayloadType::Nonce); }),
                     &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeSaInitWithoutKeIsDroppedAndLeavesNoState) {
  expect_silent_drop(init_with([](auto& payloads) { erase(payloads, wire::PayloadType::KE); }),
                     &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeSaInitWithoutSaIsDroppedAndLeavesNoState) {
  expect_silent_drop(init_with([](auto& payloads) { erase(payloads, wire::PayloadType::SA); }),
                     &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeSaInitWithTwoSaPayloadsIsDropped) {
  expect_silent_drop(init_with([](auto& payloads) { payloads.push_back(payloads.front()); }),
                     &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeSaInitWithAnIdentityIsDropped) {
  // IDi belongs inside IKE_AUTH's SK, never in IKE_SA_INIT.
  expect_silent_drop(init_with([](auto& payloads) {
                       payloads.push_back(wire::Payload{wire::PayloadType::IDi, false,
                                                        Identity::rfc822("c@example.org").payload()});
                     }),
                     &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeSaInitWithAnSkPayloadIsDropped) {
  expect_silent_drop(init_with([](auto& payloads) {
                       wire::SkPayload sk;
                       sk.encrypted = Bytes(48, 7);
                       payloads.push_back(wire::Payload{wire::PayloadType::SK, false, sk});
                     }),
                     &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, IkeAuthPayloadsOutsideSkAreDroppedAndTheRealOneStillWorks) {
  // HDR, IDi, AUTH, SAi2, TSi, TSr  -->   (in the clear: §1.2 puts them in SK)
  const Bytes real = c_through_ike_sa_init();
  wire::Message plain = *wire::parse_message(real);
  plain.payloads = {wire::Payload{wire::PayloadType::IDi, false, Identity::rfc822("c@example.org").payload()},
                    wire::Payload{wire::PayloadType::AUTH, false,
                                  wire::AuthPayload{wire::AuthMethod::SHARED_KEY_MIC, Bytes(32, 0)}}};
  expect_silent_drop(wire::build_message(plain), &EndpointCounters::dropped_undecodable, true);
  // The genuine IKE_AUTH is still accepted.
  for (const Bytes& a : to_b(real)) c.on_datagram(kAddrC, kAddrB, a, net.now);
  EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  EXPECT_EQ(c_sa()->state, IkeSaState::established);
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, InnerPayloadLengthsZeroToThreeAreAnsweredInvalidSyntax) {
  c_established();
  for (uint8_t length : std::initializer_list<uint8_t>{0, 1, 2, 3}) {
    // HDR, SK {N with Payload Length `length`}  -->   <--  HDR, SK {N(INVALID_SYNTAX)}
    const uint64_t before = net.b.counters().malformed_requests_answered;
    EXPECT_TRUE(only_notify(informational_from_c(wire::PayloadType::Notify, {0, 0, 0, length}),
                            wire::NotifyType::INVALID_SYNTAX))
        << int{length};
    EXPECT_EQ(net.b.counters().malformed_requests_answered, before + 1);
  }
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnInnerPayloadLengthPastThePlaintextIsAnsweredInvalidSyntax) {
  c_established();
  EXPECT_TRUE(only_notify(informational_from_c(wire::PayloadType::Notify, {0, 0, 0x01, 0x00, 0, 0, 0, 0}),
                          wire::NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnUnknownCriticalPayloadInsideSkIsAnsweredUnsupportedCriticalPayload) {
  c_established();
  // HDR, SK {<200, C=1>}  -->   <--  HDR, SK {N(UNSUPPORTED_CRITICAL_PAYLOAD)}
  EXPECT_TRUE(
      only_notify(informational_from_c(static_cast<wire::PayloadType>(200), {0, 0x80, 0, 8, 1, 2, 3, 4}),
                  wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnUnknownNonCriticalPayloadInsideSkIsSkipped) {
  c_established();
  // HDR, SK {<200, C=0>}  -->   <--  HDR, SK {}   (an INFORMATIONAL with nothing we know: a liveness check)
  EXPECT_TRUE(informational_from_c(static_cast<wire::PayloadType>(200), {0, 0, 0, 8, 1, 2, 3, 4}).empty());
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, AnSkInsideSkIsAnsweredInvalidSyntax) {
  c_established();
  EXPECT_TRUE(only_notify(informational_from_c(wire::PayloadType::SK, {0, 0, 0, 8, 1, 2, 3, 4}),
                          wire::NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

TEST_F(BadInputPayloadChain, HundredsOfInnerPayloadsAreAnsweredInvalidSyntax) {
  c_established();
  Bytes inner;
  for (int i = 0; i < 300; ++i)
    inner.insert(inner.end(), {static_cast<uint8_t>(i + 1 < 300 ? 43 : 0), 0, 0, 8, 1, 2, 3, 4});
  EXPECT_TRUE(only_notify(informational_from_c(wire::PayloadType::VendorID, inner),
                          wire::NotifyType::INVALID_SYNTAX));
  expect_c_still_works();
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

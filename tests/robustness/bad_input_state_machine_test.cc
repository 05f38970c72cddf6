// Bad input, class 8: messages that are well formed but wrong for the state
// (RFC 7296 §1.2, §2.2, §2.3, §2.21): INFORMATIONAL or CREATE_CHILD_SA before
// IKE_AUTH, IKE_SA_INIT or IKE_AUTH again, Message IDs outside the window,
// retransmits that are not byte-identical, responses nobody asked for, an
// initiator SPI that another peer already uses, and unauthenticated
// messages aimed at the bystander's established IKE SA. All are dropped
// without an answer (except a byte-identical retransmit, answered from the
// cache) and the exchange that should happen still does.
#include "bad_input_fixture.h"

namespace tern::ike::testing {
namespace {

using wire::ExchangeType;
using wire::PayloadType;

class BadInputStateMachine : public BadInputTest {
 protected:
  // The real IKE_AUTH request of C still establishes both ends.
  void expect_ike_auth_completes(const Bytes& real_auth) {
    for (const Bytes& a : to_b(real_auth)) c.on_datagram(kAddrC, kAddrB, a, net.now);
    ASSERT_NE(sa_of(net.b, "b-c"), nullptr);
    EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
    EXPECT_EQ(c_sa()->state, IkeSaState::established);
  }
  // A header for the bystander's SPIs (as A would send it: I flag set).
  Bytes with_bystander_spis(Bytes message) {
    for (size_t i = 0; i < 8; ++i) {
      message[i] = static_cast<uint8_t>(bystander.spi_i >> (56 - 8 * i));
      message[kOffSpiR + i] = static_cast<uint8_t>(bystander.spi_r >> (56 - 8 * i));
    }
    return message;
  }
  // An unprotected message with the bystander's SPIs: HDR, <payloads> (no SK).
  Bytes unprotected_to_bystander(ExchangeType exchange, uint32_t id, bool response,
                                 std::vector<wire::Payload> payloads) {
    wire::IkeHeader h;
    h.spi_i = bystander.spi_i;
    h.spi_r = bystander.spi_r;
    h.exchange = exchange;
    h.flags = static_cast<uint8_t>(wire::kFlagInitiator | (response ? wire::kFlagResponse : 0));
    h.message_id = id;
    return wire::build_message(wire::Message{h, std::move(payloads)});
  }
  static wire::Payload notify(wire::NotifyType type) {
    return wire::Payload{PayloadType::Notify, false,
                         wire::NotifyPayload{wire::ProtocolId::NONE, {}, type, {}}};
  }
};

TEST_F(BadInputStateMachine, InformationalBeforeIkeAuthIsDropped) {
  // HDR, SAi1, KEi, Ni  -->  <--  HDR, SAr1, KEr, Nr
  // HDR(INFORMATIONAL, ID 1), SK {D(IKE)}  -->      (IKE_AUTH must come first: dropped)
  const Bytes real_auth = c_through_ike_sa_init();
  const Bytes early =
      c_seal(ExchangeType::INFORMATIONAL, 1,
             {wire::Payload{PayloadType::Delete, false, wire::DeletePayload{wire::ProtocolId::IKE, 0, {}}}});
  expect_silent_drop(early, &EndpointCounters::dropped_request_in_wrong_state, true);
  EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::init_done);
  expect_ike_auth_completes(real_auth);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, CreateChildSaBeforeIkeAuthIsDropped) {
  const Bytes real_auth = c_through_ike_sa_init();
  const Bytes early = c_seal(ExchangeType::CREATE_CHILD_SA, 1,
                             {wire::Payload{PayloadType::Nonce, false, wire::NoncePayload{Bytes(32, 1)}}});
  expect_silent_drop(early, &EndpointCounters::dropped_request_in_wrong_state, true);
  expect_ike_auth_completes(real_auth);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, IkeAuthAgainAfterEstablishmentIsDropped) {
  c_established();
  std::vector<wire::Payload> again = c_auth_payloads;
  expect_silent_drop(c_seal(ExchangeType::IKE_AUTH, 2, again),
                     &EndpointCounters::dropped_request_in_wrong_state, true);
  EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, IkeSaInitOnAnEstablishedSaIsDropped) {
  c_established();
  // HDR(C's SPIs, IKE_SA_INIT, ID 2), SK {}  -->
  const uint64_t before =
      net.b.counters().dropped_request_in_wrong_state + net.b.counters().dropped_undecodable;
  EXPECT_TRUE(to_b(c_seal(ExchangeType::IKE_SA_INIT, 2, {})).empty());
  EXPECT_EQ(net.b.counters().dropped_request_in_wrong_state + net.b.counters().dropped_undecodable,
            before + 1);
  EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, MessageIdsOutsideTheWindowAreDropped) {
  c_established();
  for (uint32_t id : {6u, 100u, 0x7fffffffu, 0xffffffffu}) {
    expect_silent_drop(c_seal(ExchangeType::INFORMATIONAL, id, {}), &EndpointCounters::dropped_bad_message_id,
                       true);
  }
  // Message ID 2 is still the next one.
  EXPECT_TRUE(open_answer(to_b(c_seal(ExchangeType::INFORMATIONAL, 2, {}))).empty());
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine,
       ARetransmitThatIsNotByteIdenticalIsDroppedAndTheIdenticalOneAnsweredFromTheCache) {
  c_established();
  const Bytes request = c_seal(ExchangeType::INFORMATIONAL, 2, {});
  const std::vector<Bytes> first = to_b(request);
  EXPECT_TRUE(open_answer(first).empty());
  // Same Message ID, sealed anew (another IV): authentic, but not the request we answered (§2.1).
  expect_silent_drop(c_seal(ExchangeType::INFORMATIONAL, 2, {}),
                     &EndpointCounters::dropped_retransmit_mismatch, true);
  // The old request octet for octet: the cached response, again.
  const uint64_t cached = net.b.counters().cached_responses_sent;
  EXPECT_EQ(to_b(request), first);
  EXPECT_EQ(net.b.counters().cached_responses_sent, cached + 1);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, ARetransmittedIkeAuthWithOtherContentIsDropped) {
  c_established();
  expect_silent_drop(c_seal(ExchangeType::IKE_AUTH, 1, c_auth_payloads),
                     &EndpointCounters::dropped_retransmit_mismatch, true);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, AResponseNobodyAskedForIsDropped) {
  c_established();
  for (uint32_t id : {0u, 1u, 2u, 77u}) {
    expect_silent_drop(c_seal(ExchangeType::INFORMATIONAL, id, {}, true),
                       &EndpointCounters::dropped_bad_message_id, true);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, AnInitiatorSpiAnotherPeerUsesGetsItsOwnIkeSa) {
  // C's IKE_SA_INIT with A's SPIi: B makes a separate IKE SA with a fresh SPIr.
  wire::Message init = c_init_message();
  init.header.spi_i = bystander.spi_i;
  const std::vector<Bytes> answers = to_b(wire::build_message(init));
  ASSERT_EQ(answers.size(), 1u);
  const wire::IkeHeader answer = wire::parse_message(answers.front())->header;
  EXPECT_EQ(answer.spi_i, bystander.spi_i);
  EXPECT_NE(answer.spi_r, bystander.spi_r);
  EXPECT_NE(answer.spi_r, 0u);
  ASSERT_NE(sa_of(net.b, "b-c"), nullptr);
  EXPECT_EQ(net.b.status().size(), 2u);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, AnIkeSaInitSpoofedFromTheBystanderWithItsSpiStartsItsOwnHalfOpenSa) {
  // From A's address, with A's SPIi and SPIr zero: it looks like a late
  // retransmit of A's IKE_SA_INIT. A's IKE SA is established (its IKE_AUTH
  // showed A has B's answer), so it no longer takes IKE_SA_INIT requests: the
  // spoofed one starts a half-open IKE SA of its own, with a fresh SPIr, under
  // the half-open limits, and A's IKE SA is untouched.
  wire::Message init = c_init_message();
  init.header.spi_i = bystander.spi_i;
  const Bytes spoofed = wire::build_message(init);
  const std::vector<Bytes> answers = to_b(spoofed, kAddrA);
  ASSERT_EQ(answers.size(), 1u);
  const wire::IkeHeader answer = wire::parse_message(answers.front())->header;
  EXPECT_EQ(answer.spi_i, bystander.spi_i);
  EXPECT_NE(answer.spi_r, bystander.spi_r);
  EXPECT_NE(answer.spi_r, 0u);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, AnUnprotectedDeleteAimedAtTheBystanderIsDropped) {
  // HDR(A's SPIs, INFORMATIONAL), D(IKE)  -->  from A's address, not in SK: not authentic.
  const uint64_t before = net.b.counters().dropped_undecodable + net.b.counters().dropped_bad_message_id;
  EXPECT_TRUE(
      to_b(unprotected_to_bystander(ExchangeType::INFORMATIONAL, 2, false,
                                    {wire::Payload{PayloadType::Delete, false,
                                                   wire::DeletePayload{wire::ProtocolId::IKE, 0, {}}}}),
           kAddrA)
          .empty());
  EXPECT_EQ(net.b.counters().dropped_undecodable + net.b.counters().dropped_bad_message_id, before + 1);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, UnprotectedErrorNotifiesAimedAtTheBystanderAreDropped) {
  // Requests and responses carrying N(AUTHENTICATION_FAILED), N(INVALID_SYNTAX), N(INVALID_IKE_SPI),
  // N(INITIAL_CONTACT) in the clear, with A's SPIs and from A's address.
  size_t sent = 0;
  for (wire::NotifyType type : {wire::NotifyType::AUTHENTICATION_FAILED, wire::NotifyType::INVALID_SYNTAX,
                                wire::NotifyType::INVALID_IKE_SPI, wire::NotifyType::INITIAL_CONTACT}) {
    for (bool response : {false, true}) {
      for (ExchangeType exchange :
           {ExchangeType::INFORMATIONAL, ExchangeType::IKE_AUTH, ExchangeType::CREATE_CHILD_SA}) {
        EXPECT_TRUE(
            to_b(unprotected_to_bystander(exchange, response ? 1 : 2, response, {notify(type)}), kAddrA)
                .empty());
        ++sent;
      }
    }
  }
  const EndpointCounters& counts = net.b.counters();
  EXPECT_GE(
      counts.dropped_undecodable + counts.dropped_bad_message_id + counts.dropped_request_in_wrong_state,
      sent);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, AMessageWithTheBystandersSpisSealedWithTheAttackersKeysIsDropped) {
  c_established();
  const uint64_t before = net.b.counters().dropped_undecodable;
  EXPECT_TRUE(
      to_b(with_bystander_spis(c_seal(ExchangeType::INFORMATIONAL, 2,
                                      {wire::Payload{PayloadType::Delete, false,
                                                     wire::DeletePayload{wire::ProtocolId::IKE, 0, {}}}})))
          .empty());
  EXPECT_EQ(net.b.counters().dropped_undecodable, before + 1);
  expect_bystander_untouched();
}

TEST_F(BadInputStateMachine, TheAttackersAuthenticDeleteOfItsOwnSaLeavesTheBystander) {
  // C deletes its own IKE SA (authentic): only C's goes.
  c_established();
  const std::vector<wire::Payload> answer = open_answer(to_b(c_seal(
      ExchangeType::INFORMATIONAL, 2,
      {wire::Payload{PayloadType::Delete, false, wire::DeletePayload{wire::ProtocolId::IKE, 0, {}}}})));
  EXPECT_TRUE(answer.empty());
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  net.log_b.removed.clear();  // C's child, not A's
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

// INVALID_SYNTAX (RFC 7296 §2.21.2, §2.21.3): an authenticated request whose
// inner payloads are malformed or break the payload rules is answered with
// HDR, SK {N(INVALID_SYNTAX)} and consumes its Message ID; after IKE_AUTH the
// IKE SA is deleted, after INFORMATIONAL or CREATE_CHILD_SA it stays. A
// malformed message that is not authenticated is only dropped and counted.
#include <gtest/gtest.h>

#include <memory>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

// A test task on A: sends `payloads` (as given, malformed or not) in one
// request of `exchange`, and keeps the response's payloads.
class SendPayloads final : public Task {
 public:
  SendPayloads(wire::ExchangeType exchange, std::vector<wire::Payload> payloads,
               std::shared_ptr<std::vector<wire::Payload>> answer)
      : Task(Role::initiator),
        exchange_(exchange),
        payloads_(std::move(payloads)),
        answer_(std::move(answer)) {}
  TaskType type() const override { return TaskType::other; }
  wire::ExchangeType exchange() const override { return exchange_; }
  TaskStatus build(TaskContext&, IkeMessage& msg) override {
    msg.payloads = payloads_;
    return TaskStatus::need_more;
  }
  TaskStatus process(TaskContext&, const IkeMessage& msg) override {
    *answer_ = msg.payloads;
    return TaskStatus::done;
  }

 private:
  wire::ExchangeType exchange_;
  std::vector<wire::Payload> payloads_;
  std::shared_ptr<std::vector<wire::Payload>> answer_;
};

// A sends  HDR, SK {payloads}  -->  in `exchange`; returns B's answer's payloads.
std::vector<wire::Payload> request_from_a(TwoPeers& net, wire::ExchangeType exchange,
                                          std::vector<wire::Payload> payloads) {
  auto answer = std::make_shared<std::vector<wire::Payload>>();
  EndpointPeer::start_task(net.a, net.only_sa(net.a)->id,
                           std::make_unique<SendPayloads>(exchange, std::move(payloads), answer), net.now);
  net.collect();
  net.deliver_all();
  return *answer;
}

wire::Payload raw(wire::PayloadType type, Bytes body, bool critical = false) {
  return wire::Payload{type, critical, wire::UnknownPayload{std::move(body)}};
}

// D(IKE) with one (empty) SPI listed: §3.11 says an IKE Delete lists none.
wire::Payload delete_ike_listing_an_spi() {
  return wire::Payload{wire::PayloadType::Delete, false,
                       wire::DeletePayload{wire::ProtocolId::IKE, 0, {Bytes{}}}};
}

bool only_notify(const std::vector<wire::Payload>& payloads, wire::NotifyType type) {
  return payloads.size() == 1 && wire::find_notify(payloads, type) != nullptr;
}

// The SA still works: A deletes the child, B agrees (a later Message ID is accepted).
void expect_sa_still_works(TwoPeers& net) {
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(InvalidSyntax, AMalformedPayloadInAnInformationalRequestIsAnsweredAndTheSaStays) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // HDR, SK {D(IKE, 1 SPI)}  -->          (a D(IKE) lists no SPIs)
  //                  <--  HDR, SK {N(INVALID_SYNTAX)}
  auto answer = request_from_a(net, wire::ExchangeType::INFORMATIONAL, {delete_ike_listing_an_spi()});
  EXPECT_TRUE(only_notify(answer, wire::NotifyType::INVALID_SYNTAX)) << net.dump_events();
  EXPECT_EQ(net.b.counters().malformed_requests_answered, 1u);
  EXPECT_EQ(net.b.counters().dropped_undecodable, 0u);
  EXPECT_TRUE(
      net.log_b.has_event(EventKind::message_dropped, "malformed INFORMATIONAL request (Message ID 2)"));
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
  expect_sa_still_works(net);
}

TEST(InvalidSyntax, AnInformationalRequestBreakingThePayloadRulesIsAnswered) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // HDR, SK {Ni}  -->      (no Nonce in INFORMATIONAL)
  //                  <--  HDR, SK {N(INVALID_SYNTAX)}
  auto answer =
      request_from_a(net, wire::ExchangeType::INFORMATIONAL,
                     {wire::Payload{wire::PayloadType::Nonce, false, wire::NoncePayload{Bytes(32, 1)}}});
  EXPECT_TRUE(only_notify(answer, wire::NotifyType::INVALID_SYNTAX));
  EXPECT_EQ(net.b.counters().malformed_requests_answered, 1u);
  expect_sa_still_works(net);
}

TEST(InvalidSyntax, ACreateChildSaRequestWithoutItsNonceIsAnsweredAndTheSaStays) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // HDR, SK {N(REKEY_SA)}  -->     (SA and Ni are required)
  //                  <--  HDR, SK {N(INVALID_SYNTAX)}
  IkeMessage scratch;
  scratch.add_notify(wire::NotifyType::REKEY_SA);
  auto answer = request_from_a(net, wire::ExchangeType::CREATE_CHILD_SA, scratch.payloads);
  EXPECT_TRUE(only_notify(answer, wire::NotifyType::INVALID_SYNTAX));
  EXPECT_EQ(net.b.counters().create_child_sa_refused, 0u);  // never reached a CHILD_SA task
  EXPECT_EQ(net.b.counters().malformed_requests_answered, 1u);
  expect_sa_still_works(net);
}

TEST(InvalidSyntax, AnUnknownCriticalPayloadInsideSkIsAnsweredUnsupportedCriticalPayload) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // HDR, SK {<type 200, critical>}  -->
  //                  <--  HDR, SK {N(UNSUPPORTED_CRITICAL_PAYLOAD, 200)}     (§2.5)
  auto answer = request_from_a(net, wire::ExchangeType::INFORMATIONAL,
                               {raw(static_cast<wire::PayloadType>(200), {1, 2, 3}, /*critical=*/true)});
  ASSERT_TRUE(only_notify(answer, wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD));
  EXPECT_EQ(wire::find_notify(answer, wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD)->data, Bytes{200});
  expect_sa_still_works(net);
}

TEST(InvalidSyntax, AMalformedIkeAuthRequestIsAnsweredAndTheIkeSaIsDeleted) {
  TwoPeers net(config_a(), config_b());
  net.up();
  ASSERT_TRUE(net.deliver_one());  // HDR, SAi1, KEi, Ni  -->
  ASSERT_TRUE(net.deliver_one());  // <--  HDR, SAr1, KEr, Nr
  // A's real IKE_AUTH request is replaced by one with two IDi payloads, sealed
  // with A's keys (so B's SK opens it: authentic, but breaking the rules):
  //   HDR, SK {IDi, IDi}  -->
  //                  <--  HDR, SK {N(INVALID_SYNTAX)}     and B deletes its IKE SA
  ASSERT_EQ(net.wire.size(), 1u);
  const Datagram real = net.wire.front();
  net.wire.clear();
  IkeMessage bad;
  bad.exchange = wire::ExchangeType::IKE_AUTH;
  bad.message_id = 1;
  bad.add(wire::PayloadType::IDi, config_a().local_id.payload());
  bad.add(wire::PayloadType::IDi, config_a().local_id.payload());
  net.wire.push_back(Datagram{real.from, real.to, EndpointPeer::seal(net.a, net.only_sa(net.a)->id, bad)});
  ASSERT_TRUE(net.deliver_one());

  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> answer = EndpointPeer::open(net.a, net.wire.front().bytes);
  ASSERT_TRUE(answer.has_value()) << answer.error().to_string();
  EXPECT_TRUE(answer->response);
  EXPECT_EQ(answer->message_id, 1u);
  EXPECT_TRUE(only_notify(answer->payloads, wire::NotifyType::INVALID_SYNTAX));
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_EQ(net.b.counters().malformed_requests_answered, 1u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "malformed IKE_AUTH request"))
      << net.dump_events();
  EXPECT_FALSE(net.log_b.has_event(EventKind::authentication_failed));
  EXPECT_TRUE(net.log_b.installed.empty());

  // A takes the answer to its outstanding IKE_AUTH as the end of this IKE SA.
  net.deliver_all();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "INVALID_SYNTAX")) << net.dump_events();
}

TEST(InvalidSyntax, AMalformedMessageThatIsNotAuthenticatedIsOnlyDroppedAndCounted) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // A request sealed with the right keys but a flipped octet in its ciphertext:
  // the ICV fails, so B cannot tell who sent it. No answer, no change.
  IkeMessage bad;
  bad.exchange = wire::ExchangeType::INFORMATIONAL;
  bad.message_id = 2;
  bad.payloads = {delete_ike_listing_an_spi()};
  Bytes bytes = EndpointPeer::seal(net.a, net.only_sa(net.a)->id, bad);
  bytes[bytes.size() - 20] ^= 0x01;
  net.wire.push_back(Datagram{kAddrA, kAddrB, bytes});
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().dropped_undecodable, 1u);
  EXPECT_EQ(net.b.counters().malformed_requests_answered, 0u);
  // Message ID 2 was not consumed: A's next request (ID 2) is answered normally.
  expect_sa_still_works(net);
}

TEST(InvalidSyntax, AMalformedResponseIsDroppedNotAnswered) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // A asks for a child delete; B's authentic response is replaced by one with
  // a malformed Delete inside: A drops it and keeps retransmitting.
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  const Datagram real = net.wire.front();
  net.wire.clear();
  IkeMessage bad;
  bad.exchange = wire::ExchangeType::INFORMATIONAL;
  bad.response = true;
  bad.message_id = 2;
  bad.payloads = {delete_ike_listing_an_spi()};
  net.wire.push_back(Datagram{real.from, real.to, EndpointPeer::seal(net.b, net.only_sa(net.b)->id, bad)});
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.a.counters().dropped_undecodable, 1u);
  EXPECT_EQ(net.a.counters().malformed_requests_answered, 0u);
  EXPECT_TRUE(net.log_a.removed.empty());
  // The real response still completes the exchange.
  net.wire.push_back(real);
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);
}

// Not a syntax error but the same kind of authenticated notice (§3.10.1, §1.5):
// the peer does not know one of our CHILD_SAs' SPIs.
wire::Payload invalid_spi(uint32_t spi) {
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::ESP;
  n.type = wire::NotifyType::INVALID_SPI;
  n.data = {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16), static_cast<uint8_t>(spi >> 8),
            static_cast<uint8_t>(spi)};
  return wire::Payload{wire::PayloadType::Notify, false, n};
}

ConnectionConfig with_dpd_action(ConnectionConfig c, DpdAction action) {
  c.dpd_action = action;
  return c;
}

// HDR, SK {N(INVALID_SPI, B's outbound SPI)}  -->
//                   <--  HDR, SK {}
// B's half of that CHILD_SA is useless: B removes it (the data plane too),
// names it in operator words, and with dpd_action clear does nothing more. An
// SPI that is none of B's is reported and changes nothing.
TEST(InvalidSpiNotify, RemovesOurHalfOfThatChildSa) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  ASSERT_EQ(net.log_b.installed.size(), 1u);
  const uint32_t b_in = net.log_b.installed[0].spi_in;
  const uint32_t b_out = net.log_b.installed[0].spi_out;
  std::vector<wire::Payload> answer =
      request_from_a(net, wire::ExchangeType::INFORMATIONAL, {invalid_spi(0xdeadbeef)});
  EXPECT_TRUE(answer.empty());
  EXPECT_TRUE(net.log_b.has_event(EventKind::invalid_spi_reported, "none of our CHILD_SAs"));
  EXPECT_TRUE(net.log_b.removed.empty());

  answer = request_from_a(net, wire::ExchangeType::INFORMATIONAL, {invalid_spi(b_out)});
  EXPECT_TRUE(answer.empty());
  EXPECT_TRUE(net.log_b.has_event(EventKind::invalid_spi_reported, "peer does not know CHILD_SA net"))
      << net.dump_events();
  EXPECT_EQ(net.b.counters().invalid_spi_reported, 2u);
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].spi_in, b_in);
  EXPECT_EQ(net.log_b.removed[0].spi_out, b_out);
  ASSERT_NE(net.only_sa(net.b), nullptr);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established) << "only the CHILD_SA goes";
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
  EXPECT_FALSE(net.log_b.has_event(EventKind::dpd_action));
  EXPECT_EQ(net.log_b.installed.size(), 1u) << "dpd_action clear: nothing is made again";

  // The same notice again (it is rate-limited, not sent once): nothing left to remove.
  answer = request_from_a(net, wire::ExchangeType::INFORMATIONAL, {invalid_spi(b_out)});
  EXPECT_EQ(net.log_b.removed.size(), 1u);
}

// dpd_action restart:
// HDR, SK {N(INVALID_SPI, B's outbound SPI)}  -->
//                   <--  HDR, SK {}
//                   <--  HDR, SK {SA, Ni, [KEi], TSi, TSr}      (B makes the child again)
// HDR, SK {SA, Nr, [KEr], TSi, TSr}  -->
TEST(InvalidSpiNotify, WithDpdActionRestartTheChildSaIsMadeAgain) {
  TwoPeers net(config_a(), with_dpd_action(config_b(), DpdAction::restart));
  establish(net);
  ASSERT_EQ(net.log_b.installed.size(), 1u);
  const uint32_t b_out = net.log_b.installed[0].spi_out;
  request_from_a(net, wire::ExchangeType::INFORMATIONAL, {invalid_spi(b_out)});
  EXPECT_TRUE(net.log_b.has_event(EventKind::dpd_action, "creating it again with CREATE_CHILD_SA"))
      << net.dump_events();
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  ASSERT_EQ(net.log_b.installed.size(), 2u) << net.dump_events();
  EXPECT_EQ(net.log_b.installed[1].child, "net");
  EXPECT_NE(net.log_b.installed[1].spi_out, b_out);
  EXPECT_EQ(net.log_a.installed.size(), 2u) << "A answered the CREATE_CHILD_SA";
  ASSERT_NE(net.only_sa(net.b), nullptr);
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
  EXPECT_EQ(net.b.counters().child_sas_additional_created, 1u);
}

// dpd_action trap: B removes its half and says the trap goes back in
// (Event dpd_action, which the daemon acts on); no CREATE_CHILD_SA.
TEST(InvalidSpiNotify, WithDpdActionTrapTheTrapIsInstalledAgain) {
  TwoPeers net(config_a(), with_dpd_action(config_b(), DpdAction::trap));
  establish(net);
  const uint32_t b_out = net.log_b.installed[0].spi_out;
  request_from_a(net, wire::ExchangeType::INFORMATIONAL, {invalid_spi(b_out)});
  EXPECT_TRUE(net.log_b.has_event(EventKind::dpd_action, "trap")) << net.dump_events();
  EXPECT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.installed.size(), 1u);
  EXPECT_EQ(net.b.counters().child_sas_additional_created, 0u);
}

}  // namespace
}  // namespace tern::ike::testing

// Deleting a CHILD_SA with an INFORMATIONAL exchange (RFC 7296 §1.4.1, §3.11),
// CREATE_CHILD_SA refused with NO_ADDITIONAL_SAS until rekeying exists (§1.3),
// and Down removing the children with the IKE SA.
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/proposal.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

// The SPIs of the ESP Delete payloads of a message (empty if none).
std::vector<Bytes> esp_deletes(const IkeMessage& msg) {
  std::vector<Bytes> spis;
  for (const wire::Payload& p : msg.payloads) {
    if (const auto* d = std::get_if<wire::DeletePayload>(&p.body); d && d->protocol == wire::ProtocolId::ESP)
      spis.insert(spis.end(), d->spis.begin(), d->spis.end());
  }
  return spis;
}

IkeMessage open_first(TwoPeers& net, Endpoint& receiver) {
  EXPECT_FALSE(net.wire.empty());
  Result<IkeMessage> msg = EndpointPeer::open(receiver, net.wire.front().bytes);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().to_string());
  return msg ? *msg : IkeMessage{};
}

TEST(ChildDelete, InitiatorDeletesItsChildAndTheResponderAnswersWithThePairedSpi) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  const InstallChildSa child_a = net.log_a.installed.front();
  const InstallChildSa child_b = net.log_b.installed.front();
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();

  // HDR, SK {D(ESP, SPI_in of A)}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage request = open_first(net, net.b);
  EXPECT_EQ(request.exchange, wire::ExchangeType::INFORMATIONAL);
  EXPECT_FALSE(request.response);
  EXPECT_EQ(esp_deletes(request), std::vector<Bytes>{spi_bytes(child_a.spi_in)});
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].spi_in, child_b.spi_in);
  EXPECT_EQ(net.log_b.removed[0].spi_out, child_b.spi_out);
  EXPECT_EQ(net.log_b.removed[0].reason, "deleted by peer");

  // <--  HDR, SK {D(ESP, SPI_in of B)}   (the paired SA)
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage response = open_first(net, net.a);
  EXPECT_TRUE(response.response);
  EXPECT_EQ(esp_deletes(response), std::vector<Bytes>{spi_bytes(child_b.spi_in)});
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].spi_in, child_a.spi_in);
  EXPECT_EQ(net.log_a.removed[0].reason, "deleted by local request");
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_removed, "deleted by local request"));
  // The end that took it down stops at once; the peer's data plane takes
  // what A sent before its Delete a while longer.
  EXPECT_FALSE(net.log_a.removed[0].inbound_grace);
  EXPECT_TRUE(net.log_b.removed[0].inbound_grace);

  // The IKE SA stays, without children, on both ends.
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_TRUE(net.only_sa(net.a)->children.empty());
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
  EXPECT_EQ(net.a.counters().child_sas_removed, 1u);
  EXPECT_EQ(net.b.counters().child_sas_removed, 1u);
}

TEST(ChildDelete, TheOriginalResponderCanDeleteTheChildToo) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  ASSERT_TRUE(net.b.command(DownChild{"b-a", "net"}, net.now).has_value());
  net.collect();
  // <--  HDR, SK {D(ESP, SPI_in of B)}
  IkeMessage request = open_first(net, net.a);
  EXPECT_EQ(esp_deletes(request), std::vector<Bytes>{spi_bytes(net.log_b.installed.front().spi_in)});
  net.deliver_all();
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].reason, "deleted by peer");
  EXPECT_EQ(net.log_b.removed[0].reason, "deleted by local request");
  EXPECT_TRUE(net.only_sa(net.a)->children.empty());
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
}

// A test task: an INFORMATIONAL request with a Delete for an SPI of our choice.
class DeleteSpi final : public Task {
 public:
  explicit DeleteSpi(uint32_t spi, std::optional<IkeMessage>* answer)
      : Task(Role::initiator), spi_(spi), answer_(answer) {}
  TaskType type() const override { return TaskType::other; }
  TaskStatus build(TaskContext&, IkeMessage& msg) override {
    msg.add(wire::PayloadType::Delete, wire::DeletePayload{wire::ProtocolId::ESP, 4, {spi_bytes(spi_)}});
    return TaskStatus::need_more;
  }
  TaskStatus process(TaskContext&, const IkeMessage& msg) override {
    *answer_ = msg;
    return TaskStatus::done;
  }

 private:
  uint32_t spi_;
  std::optional<IkeMessage>* answer_;
};

TEST(ChildDelete, ADeleteForAnUnknownSpiIsAnsweredWithAnEmptyInformational) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  std::optional<IkeMessage> answer;
  // HDR, SK {D(ESP, 0xdeadbeef)}  -->
  EndpointPeer::start_task(net.a, net.only_sa(net.a)->id, std::make_unique<DeleteSpi>(0xdeadbeef, &answer),
                           net.now);
  net.collect();
  net.deliver_all();
  // <--  HDR, SK {}
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->payloads.empty());
  EXPECT_EQ(net.b.counters().delete_unknown_spi, 1u);
  EXPECT_TRUE(net.log_b.removed.empty());
  EXPECT_TRUE(net.log_a.removed.empty());
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
}

TEST(ChildDelete, CrossingDeletesRemoveThePairOnceAndTheAnswersNameNoSpi) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  ASSERT_TRUE(net.b.command(DownChild{"b-a", "net"}, net.now).has_value());
  net.collect();
  // HDR, SK {D(ESP, a)}  -->   and   <--  HDR, SK {D(ESP, b)}   cross in the network.
  ASSERT_EQ(net.wire.size(), 2u);
  ASSERT_TRUE(net.deliver_one());  // A's request at B: B was deleting it already
  ASSERT_TRUE(net.deliver_one());  // B's request at A: likewise
  // §1.4.1: the answers MUST NOT name the already-deleted SAs.
  ASSERT_EQ(net.wire.size(), 2u);
  for (const Datagram& d : net.wire) {
    Endpoint& receiver = d.to.same_ip(kAddrB) ? net.b : net.a;
    Result<IkeMessage> answer = EndpointPeer::open(receiver, d.bytes);
    ASSERT_TRUE(answer.has_value());
    EXPECT_TRUE(answer->response);
    EXPECT_TRUE(esp_deletes(*answer).empty());
  }
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
}

TEST(ChildDelete, UnknownChildNameIsAnError) {
  TwoPeers net(config_a(), config_b());
  EXPECT_FALSE(net.a.command(DownChild{"a-b", "nope"}, net.now).has_value());
  EXPECT_FALSE(net.a.command(DownChild{"nope", "net"}, net.now).has_value());
}

TEST(ChildDelete, DownOfTheIkeSaRemovesItsChildrenWithTheReason) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  net.down(net.a, "a-b");
  net.deliver_all();
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].spi_in, net.log_a.installed[0].spi_in);
  EXPECT_EQ(net.log_a.removed[0].reason, "deleted by local request");
  EXPECT_FALSE(net.log_a.removed[0].inbound_grace);
  EXPECT_EQ(net.log_b.removed[0].spi_in, net.log_b.installed[0].spi_in);
  EXPECT_EQ(net.log_b.removed[0].reason, "deleted by peer");
  EXPECT_TRUE(net.log_b.removed[0].inbound_grace) << "the peer deleted the IKE SA: its ESP may still arrive";
}

// A test task: CREATE_CHILD_SA asking for another CHILD_SA, for selectors
// (10.7.0.0/24 - 10.8.0.0/24) no child of B's connection covers.
//   HDR, SK {SA, Ni, TSi, TSr}  -->
class AskForAnotherChild final : public Task {
 public:
  explicit AskForAnotherChild(std::optional<IkeMessage>* answer) : Task(Role::initiator), answer_(answer) {}
  TaskType type() const override { return TaskType::other; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::CREATE_CHILD_SA; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override {
    msg.add(wire::PayloadType::SA, wire::SaPayload{esp_proposals(std::vector{kEspAes128Gcm}, 0x12345678)});
    msg.add(wire::PayloadType::Nonce, wire::NoncePayload{ctx.random.bytes(32)});
    msg.add(wire::PayloadType::TSi, wire::TsPayload{{subnet24(10, 7, 0)}});
    msg.add(wire::PayloadType::TSr, wire::TsPayload{{subnet24(10, 8, 0)}});
    return TaskStatus::need_more;
  }
  TaskStatus process(TaskContext&, const IkeMessage& msg) override {
    *answer_ = msg;
    return TaskStatus::done;
  }

 private:
  std::optional<IkeMessage>* answer_;
};

TEST(CreateChildSa, ForSelectorsNoChildCoversIsAnsweredTsUnacceptableAndChangesNothing) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  std::optional<IkeMessage> answer;
  EndpointPeer::start_task(net.a, net.only_sa(net.a)->id, std::make_unique<AskForAnotherChild>(&answer),
                           net.now);
  net.collect();
  ASSERT_EQ(wire::parse_message(net.wire.front().bytes)->header.exchange,
            wire::ExchangeType::CREATE_CHILD_SA);
  net.deliver_all();
  // <--  HDR, SK {N(TS_UNACCEPTABLE)}
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->exchange, wire::ExchangeType::CREATE_CHILD_SA);
  ASSERT_EQ(answer->payloads.size(), 1u);
  EXPECT_NE(answer->find_notify(wire::NotifyType::TS_UNACCEPTABLE), nullptr);
  EXPECT_EQ(net.b.counters().create_child_sa_refused, 1u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "TS_UNACCEPTABLE"));
  EXPECT_EQ(net.log_b.installed.size(), 1u);
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
  // The Message IDs stay in step: a child delete still works.
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed.size(), 1u);
}

}  // namespace
}  // namespace tern::ike::testing

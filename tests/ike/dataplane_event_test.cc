// What the data plane reports to the engine (Endpoint::on_dataplane_event,
// ike/dataplane_event.h): authenticated ESP counts as proof of life for dead
// peer detection (RFC 7296 §2.4); a soft lifetime limit rekeys the CHILD_SA
// once (CREATE_CHILD_SA, tasks/child_rekey.h); a hard one deletes the CHILD_SA with an
// INFORMATIONAL exchange (§1.4.1) while the IKE SA stays; SPIs the engine
// does not know are ignored.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

using Limit = ChildLimitReached::Limit;
using Cause = ChildLimitReached::Cause;

ConnectionConfig with_limits(ConnectionConfig c) {
  c.children[0].limits = ChildLimits{0, 0, 40, 50};  // rekey_packets = 40, life_packets = 50
  return c;
}

std::vector<Bytes> esp_deletes(const IkeMessage& msg) {
  std::vector<Bytes> spis;
  for (const wire::Payload& p : msg.payloads) {
    if (const auto* d = std::get_if<wire::DeletePayload>(&p.body); d && d->protocol == wire::ProtocolId::ESP)
      spis.insert(spis.end(), d->spis.begin(), d->spis.end());
  }
  return spis;
}

size_t events_of(const PeerLog& log, EventKind kind) {
  return static_cast<size_t>(
      std::count_if(log.events.begin(), log.events.end(), [&](const Event& e) { return e.kind == kind; }));
}

void report(TwoPeers& net, Endpoint& e, const DataplaneEvent& event) {
  e.on_dataplane_event(event, net.now);
  net.collect();
}

TEST(DataplaneEvent, TheChildsVolumeLimitsReachTheDataPlane) {
  TwoPeers net(with_limits(config_a()), config_b());
  establish_one_child(net);
  EXPECT_EQ(net.log_a.installed[0].limits, (ChildLimits{0, 0, 40, 50}));
  EXPECT_EQ(net.log_b.installed[0].limits, ChildLimits{});  // B configured none
}

TEST(DataplaneEvent, EspTrafficSeenSuppressesTheLivenessCheckOfABusyTunnel) {
  ConnectionConfig a = config_a();
  a.dpd_delay = seconds(30);
  TwoPeers net(a, config_b());
  establish_one_child(net);
  const uint32_t spi_in = net.log_a.installed[0].spi_in;
  const Timestamp established_at = net.now;
  ASSERT_EQ(net.a.next_deadline(), established_at + seconds(30));
  // ESP from B arrives all the time; the data plane says so once a second.
  // At dpd_delay and long after it no INFORMATIONAL goes out.
  for (int i = 1; i <= 90; ++i) {
    net.now = established_at + seconds(i);
    report(net, net.a, ChildTrafficSeen{spi_in});
    net.a.on_timer(net.now);
    net.collect();
    ASSERT_TRUE(net.wire.empty()) << "second " << i;
  }
  EXPECT_EQ(net.a.counters().liveness_checks_sent, 0u);
  EXPECT_EQ(net.a.next_deadline(), net.now + seconds(30));
  // The tunnel falls idle: dpd_delay after the last ESP, the check goes out.
  const Timestamp last_esp = net.now;
  ASSERT_TRUE(net.advance_to_next_deadline());
  EXPECT_EQ(net.now, last_esp + seconds(30));
  // HDR, SK {}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> check = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(check.has_value());
  EXPECT_EQ(check->exchange, wire::ExchangeType::INFORMATIONAL);
  EXPECT_TRUE(check->payloads.empty());
  EXPECT_EQ(net.a.counters().liveness_checks_sent, 1u);
}

TEST(DataplaneEvent, ASoftLimitRekeysTheChildOnce) {
  TwoPeers net(with_limits(config_a()), config_b());
  establish_one_child(net);
  const uint32_t spi_in = net.log_a.installed[0].spi_in;
  report(net, net.a, ChildLimitReached{spi_in, Limit::soft, Cause::packets});
  report(net, net.a, ChildLimitReached{spi_in, Limit::soft, Cause::packets});  // once per child
  report(net, net.a, ChildLimitReached{spi_in, Limit::soft, Cause::sequence_numbers});
  // HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->   (one, not three)
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> request = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->exchange, wire::ExchangeType::CREATE_CHILD_SA);
  EXPECT_NE(request->find_notify(wire::NotifyType::REKEY_SA), nullptr);
  EXPECT_TRUE(net.log_a.has_event(
      EventKind::child_sa_limit,
      fmt::format(
          "CHILD_SA a-b/net (SPI in 0x{:08x}) reached its soft limit (rekey_packets = 40): rekeying it",
          spi_in)));
  EXPECT_EQ(net.a.counters().child_soft_limits, 1u);
  EXPECT_EQ(net.a.counters().child_rekeys_started, 1u);
  net.deliver_all();
  // The new child replaced the old one on both ends.
  ASSERT_EQ(net.log_a.installed.size(), 2u);
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].spi_in, spi_in);
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.a)->children[0].spi_in, net.log_a.installed[1].spi_in);
  ASSERT_EQ(net.only_sa(net.b)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.b)->children[0].spi_in, net.log_a.installed[1].spi_out);
}

TEST(DataplaneEvent, SequenceNumbersNearlyExhaustedIsASoftLimitToo) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  report(net, net.b, ChildLimitReached{net.log_b.installed[0].spi_in, Limit::soft, Cause::sequence_numbers});
  EXPECT_TRUE(
      net.log_b.has_event(EventKind::child_sa_limit,
                          "reached its soft limit (sequence numbers nearly exhausted: fewer than 2^20 "
                          "of 2^32 left)"));
  // <--  HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}   (B, the original responder, rekeys)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.b.counters().child_rekeys_started, 1u);
}

TEST(DataplaneEvent, AHardLimitDeletesTheChildAndTheIkeSaStays) {
  TwoPeers net(with_limits(config_a()), config_b());
  establish_one_child(net);
  const InstallChildSa child_a = net.log_a.installed[0];
  const InstallChildSa child_b = net.log_b.installed[0];
  report(net, net.a, ChildLimitReached{child_a.spi_in, Limit::hard, Cause::packets});
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_limit, "reached its hard limit (life_packets = 50)"));
  EXPECT_EQ(net.a.counters().child_hard_limits, 1u);

  // HDR, SK {D(ESP, SPI_in of A)}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> request = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->exchange, wire::ExchangeType::INFORMATIONAL);
  EXPECT_FALSE(request->response);
  EXPECT_EQ(esp_deletes(*request), std::vector<Bytes>{spi_bytes(child_a.spi_in)});
  // A second report of the same limit (or a soft one) changes nothing.
  report(net, net.a, ChildLimitReached{child_a.spi_in, Limit::hard, Cause::packets});
  report(net, net.a, ChildLimitReached{child_a.spi_in, Limit::soft, Cause::packets});
  EXPECT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.a.counters().child_hard_limits, 1u);
  EXPECT_EQ(net.a.counters().child_soft_limits, 0u);

  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {D(ESP, SPI_in of B)}
  ASSERT_EQ(net.wire.size(), 1u);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());

  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].spi_in, child_a.spi_in);
  EXPECT_EQ(net.log_a.removed[0].reason, "CHILD_SA lifetime reached (life_packets = 50)");
  EXPECT_FALSE(net.log_a.removed[0].inbound_grace)
      << "not one packet past the hard limit (RFC 4301 §4.4.2.1)";
  EXPECT_TRUE(
      net.log_a.has_event(EventKind::child_sa_removed, "CHILD_SA lifetime reached (life_packets = 50)"));
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].spi_in, child_b.spi_in);
  EXPECT_EQ(net.log_b.removed[0].reason, "deleted by peer");
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_TRUE(net.only_sa(net.a)->children.empty());
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
  EXPECT_EQ(events_of(net.log_a, EventKind::ike_sa_destroyed), 0u);
  EXPECT_EQ(events_of(net.log_b, EventKind::ike_sa_destroyed), 0u);
}

TEST(DataplaneEvent, TheResponderDeletesAChildWhoseSequenceNumbersRanOut) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  const InstallChildSa child_b = net.log_b.installed[0];
  report(net, net.b, ChildLimitReached{child_b.spi_in, Limit::hard, Cause::sequence_numbers});
  // <--  HDR, SK {D(ESP, SPI_in of B)}   (B is the original responder; either end may delete)
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> request = EndpointPeer::open(net.a, net.wire.front().bytes);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(esp_deletes(*request), std::vector<Bytes>{spi_bytes(child_b.spi_in)});
  net.deliver_all();
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].reason, "CHILD_SA lifetime reached (all 2^32 sequence numbers used)");
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].reason, "deleted by peer");
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(DataplaneEvent, EventsForUnknownSpisAreIgnored) {
  ConnectionConfig a = with_limits(config_a());
  a.dpd_delay = seconds(30);
  TwoPeers net(a, config_b());
  establish_one_child(net);
  const uint32_t unknown = net.log_a.installed[0].spi_in ^ 0x01010101u;
  const size_t events_before = net.log_a.events.size();
  const std::optional<Timestamp> deadline = net.a.next_deadline();
  net.now += seconds(10);
  report(net, net.a, ChildTrafficSeen{unknown});
  report(net, net.a, ChildLimitReached{unknown, Limit::soft, Cause::bytes});
  report(net, net.a, ChildLimitReached{unknown, Limit::hard, Cause::bytes});
  // Nor once the child is gone: the data plane may report after the removal.
  report(net, net.a, ChildTrafficSeen{net.log_b.installed[0].spi_in});  // B's SPI: not A's child
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.log_a.events.size(), events_before);
  EXPECT_EQ(net.a.next_deadline(), deadline);  // no proof of life from an SPI that is not ours
  EXPECT_EQ(net.a.counters().child_soft_limits, 0u);
  EXPECT_EQ(net.a.counters().child_hard_limits, 0u);

  // After a child's deletion its SPI is unknown too.
  const uint32_t spi_in = net.log_a.installed[0].spi_in;
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  const size_t after_delete = net.log_a.events.size();
  report(net, net.a, ChildLimitReached{spi_in, Limit::hard, Cause::packets});
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.log_a.events.size(), after_delete);
}

}  // namespace
}  // namespace tern::ike::testing

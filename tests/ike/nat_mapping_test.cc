// A NAT in front of the initiator maps it anew (RFC 7296 §2.23, RFC 3948):
// the responder, not behind a NAT itself, follows the peer's new address and
// port for IKE and for ESP (UpdateChildSa), but only on an authenticated,
// new IKE message; ESP from a new address (EspSourceChanged from the data
// plane) only makes it ask there with a liveness check.
//
//   A 198.51.100.10 --NAT (203.0.113.7, later 203.0.113.8)--> B 192.0.2.2
#include <gtest/gtest.h>

#include "exchange_harness.h"

namespace tern::ike::testing {
namespace {

const Address kInside = Address::ipv4({198, 51, 100, 10}, 500);
const Address kOutside = Address::ipv4({203, 0, 113, 7}, 500);
const Address kNewOutside = Address::ipv4({203, 0, 113, 8}, 500);

ConnectionConfig a_inside() {
  ConnectionConfig a = config_a();
  a.local = kInside;
  return a;
}

ConnectionConfig b_facing_the_nat() {
  ConnectionConfig b = config_b();
  b.remote = kOutside;
  return b;
}

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->remote, kOutside.with_port(4500));
  ASSERT_EQ(net.log_b.installed.size(), 1u);
}

// The NAT lost its old mapping: what is sent to it is dropped.
void deliver_all_but_to(TwoPeers& net, const Address& gone) {
  for (int i = 0; i < 100 && !net.wire.empty(); ++i) {
    if (net.wire.front().to.same_ip(gone)) {
      net.drop_one();
    } else {
      net.deliver_one();
    }
  }
  EXPECT_TRUE(net.wire.empty());
}

TEST(NatMapping, AnAuthenticatedRequestFromANewMappingMovesIkeAndEsp) {
  TwoPeers net(a_inside(), b_facing_the_nat());
  net.nat = {kInside, kOutside};
  establish(net);
  net.nat = {kInside, kNewOutside};  // the NAT rebooted: A now appears as 203.0.113.8
  // HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->   A rekeys its child, from 203.0.113.8:4500
  ASSERT_TRUE(net.a.command(Rekey{"a-b", "net"}, net.now).has_value());
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_TRUE(net.wire.front().from.same_ip(kNewOutside));
  net.deliver_one();
  // B moved the IKE SA and told the data plane to move the CHILD_SA.
  EXPECT_EQ(net.only_sa(net.b)->remote, kNewOutside.with_port(4500));
  ASSERT_EQ(net.log_b.updated.size(), 1u);
  const UpdateChildSa& moved = net.log_b.updated.front();
  EXPECT_EQ(moved.spi_in, net.log_b.installed.front().spi_in);
  EXPECT_EQ(moved.spi_out, net.log_b.installed.front().spi_out);
  EXPECT_EQ(moved.remote, kNewOutside.with_port(4500));
  EXPECT_EQ(moved.local, kAddrB.with_port(4500));
  EXPECT_TRUE(moved.encap);
  EXPECT_EQ(net.b.counters().nat_mapping_changes, 1u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::nat_mapping_changed, "203.0.113.8:4500"));
  // <--  HDR, SK {SA, Nr, TSi, TSr}   the answer goes to the new mapping; the rekey completes.
  deliver_all_but_to(net, kOutside);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_installed)) << net.dump_events();
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 1u);
  // The new CHILD_SA is installed for the new address at once.
  EXPECT_EQ(net.log_b.installed.back().remote, kNewOutside.with_port(4500));
}

TEST(NatMapping, EspFromANewAddressIsCheckedWithALivenessCheckWhoseAnswerMovesEverything) {
  TwoPeers net(a_inside(), b_facing_the_nat());
  net.nat = {kInside, kOutside};
  establish(net);
  const uint32_t b_spi_in = net.log_b.installed.front().spi_in;
  net.nat = {kInside, kNewOutside};
  // The data plane saw authenticated ESP from 203.0.113.8:4500.
  net.b.on_dataplane_event(EspSourceChanged{b_spi_in, kNewOutside.with_port(4500)}, net.now);
  net.collect();
  // ESP alone moves nothing (§2.23)...
  EXPECT_EQ(net.only_sa(net.b)->remote, kOutside.with_port(4500));
  EXPECT_TRUE(net.log_b.updated.empty());
  EXPECT_EQ(net.b.counters().esp_source_changes, 1u);
  // ...but  <--  HDR, SK {}  goes to the old address and to the new one.
  ASSERT_EQ(net.wire.size(), 2u);
  EXPECT_EQ(net.wire[0].to, kOutside.with_port(4500));
  EXPECT_EQ(net.wire[1].to, kNewOutside.with_port(4500));
  EXPECT_EQ(net.b.counters().liveness_checks_sent, 1u);
  // The old mapping is gone; A answers the copy that reached it:  HDR, SK {}  -->  from 203.0.113.8.
  deliver_all_but_to(net, kOutside);
  EXPECT_EQ(net.only_sa(net.b)->remote, kNewOutside.with_port(4500));
  ASSERT_EQ(net.log_b.updated.size(), 1u);
  EXPECT_EQ(net.log_b.updated.front().spi_in, b_spi_in);
  EXPECT_EQ(net.log_b.updated.front().remote, kNewOutside.with_port(4500));
  EXPECT_EQ(net.b.counters().nat_mapping_changes, 1u);
  // From now on B sends to the new address only.
  ASSERT_TRUE(net.b.command(Rekey{"b-a", "net"}, net.now).has_value());
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().to, kNewOutside.with_port(4500));
}

TEST(NatMapping, AnAnswerFromTheOldAddressEndsTheCheckAndNothingMoves) {
  TwoPeers net(a_inside(), b_facing_the_nat());
  net.nat = {kInside, kOutside};
  establish(net);
  const uint32_t b_spi_in = net.log_b.installed.front().spi_in;
  // Someone replays authenticated ESP with a forged source: the mapping did not change.
  const Address forged = Address::ipv4({203, 0, 113, 99}, 4500);
  net.b.on_dataplane_event(EspSourceChanged{b_spi_in, forged}, net.now);
  net.collect();
  ASSERT_EQ(net.wire.size(), 2u);
  // The copy to the forged address goes nowhere; A answers the one it got, from its real address.
  deliver_all_but_to(net, forged);
  EXPECT_EQ(net.only_sa(net.b)->remote, kOutside.with_port(4500));
  EXPECT_TRUE(net.log_b.updated.empty());
  EXPECT_EQ(net.b.counters().nat_mapping_changes, 0u);
  // The check is over: the next request goes to the old address alone.
  ASSERT_TRUE(net.b.command(Rekey{"b-a", "net"}, net.now).has_value());
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().to, kOutside.with_port(4500));
}

TEST(NatMapping, TheEndBehindTheNatDoesNotFollowItsPeer) {
  TwoPeers net(a_inside(), b_facing_the_nat());
  net.nat = {kInside, kOutside};
  establish(net);
  const uint32_t a_spi_in = net.log_a.installed.front().spi_in;
  net.a.on_dataplane_event(EspSourceChanged{a_spi_in, Address::ipv4({192, 0, 2, 77}, 4500)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.a.counters().esp_source_changes_ignored, 1u);
  EXPECT_EQ(net.only_sa(net.a)->remote, kAddrB.with_port(4500));
}

TEST(NatMapping, WithoutANatNothingFollows) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  const uint32_t b_spi_in = net.log_b.installed.front().spi_in;
  net.b.on_dataplane_event(EspSourceChanged{b_spi_in, Address::ipv4({192, 0, 2, 77}, 4500)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().esp_source_changes_ignored, 1u);
  EXPECT_EQ(net.only_sa(net.b)->remote, kAddrA);
}

TEST(NatMapping, AnUnknownSpiIsIgnored) {
  TwoPeers net(a_inside(), b_facing_the_nat());
  net.nat = {kInside, kOutside};
  establish(net);
  net.b.on_dataplane_event(EspSourceChanged{0x12345678, kNewOutside.with_port(4500)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().esp_source_changes, 0u);
}

}  // namespace
}  // namespace tern::ike::testing

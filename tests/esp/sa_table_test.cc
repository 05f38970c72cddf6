// The SA table: CHILD_SAs installed and removed as the engine's
// InstallChildSa / RemoveChildSa say (both directions at once), inbound
// lookup by SPI, and the outbound policy lookup: the child SAs' traffic
// selectors, most specific first (longest destination prefix, then source
// prefix, then protocol and ports; the newest among equals), nullptr when no
// selector covers the packet.
#include "esp/sa_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "esp/esp_packet.h"
#include "esp/ip_protocol.h"
#include "esp_test_support.h"

namespace tern::esp {
namespace {

using namespace test;
using wire::TrafficSelector;

const ike::EspSuite kGcm{wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, wire::EsnId::NO_ESN};

TrafficSelector v4(std::array<uint8_t, 4> start, std::array<uint8_t, 4> end, uint8_t protocol = 0,
                   uint16_t start_port = 0, uint16_t end_port = 65535) {
  return TrafficSelector::ipv4_range(start, end, protocol, start_port, end_port);
}

// The names the tests give their CHILD_SAs, by inbound SPI (the table keeps
// no names: the engine has them).
std::map<uint32_t, std::string>& names() {
  static std::map<uint32_t, std::string> by_spi_in;
  return by_spi_in;
}

ike::InstallChildSa child(const char* name, uint32_t spi_in, uint32_t spi_out,
                          std::vector<TrafficSelector> local, std::vector<TrafficSelector> remote) {
  ike::InstallChildSa sa = child_sa(true, kGcm, {Bytes(20, 1), {}}, {Bytes(20, 2), {}});
  sa.child = name;
  names()[spi_in] = name;
  sa.spi_in = spi_in;
  sa.spi_out = spi_out;
  sa.local_ts = std::move(local);
  sa.remote_ts = std::move(remote);
  return sa;
}

ike::RemoveChildSa removal(uint32_t spi_in, uint32_t spi_out) {
  ike::RemoveChildSa r;
  r.spi_in = spi_in;
  r.spi_out = spi_out;
  r.reason = "test";
  return r;
}

// The child name of the outbound SA chosen for `p`, or "none".
std::string chosen(SaTable& table, const PacketSelector& p) {
  const OutboundSa* sa = table.lookup_outbound(p);
  if (sa == nullptr) return "none";
  for (const auto& [spi, c] : table.children())
    if (&c.outbound == sa) return names()[spi];
  return "?";
}

class Policy : public testing::Test {
 protected:
  void SetUp() override {
    const TrafficSelector our_16 = v4({10, 1, 0, 0}, {10, 1, 255, 255});
    ASSERT_TRUE(
        table.install(child("wide", 0x101, 0x201, {our_16}, {v4({10, 0, 0, 0}, {10, 255, 255, 255})})));
    ASSERT_TRUE(table.install(child("narrow", 0x102, 0x202, {our_16}, {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
    ASSERT_TRUE(table.install(child("https-host", 0x103, 0x203, {our_16},
                                    {v4({10, 2, 0, 5}, {10, 2, 0, 5}, kIpProtoTcp, 443, 443)})));
    ASSERT_TRUE(table.install(child("from-lab", 0x104, 0x204, {v4({10, 1, 1, 0}, {10, 1, 1, 255})},
                                    {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
    ASSERT_TRUE(table.install(
        child("udp-only", 0x105, 0x205, {our_16}, {v4({10, 2, 0, 0}, {10, 2, 0, 255}, kIpProtoUdp)})));
  }
  crypto::SeededRandom random{3};
  SaTable table{random};
};

TEST_F(Policy, MostSpecificWins) {
  // 10.1.0.1 -> 10.3.0.1: only 10.0.0.0/8 covers it.
  EXPECT_EQ(chosen(table, packet4({10, 1, 0, 1}, {10, 3, 0, 1})), "wide");
  // /24 beats /8 on the destination.
  EXPECT_EQ(chosen(table, packet4({10, 1, 0, 1}, {10, 2, 0, 9})), "narrow");
  // Same destination prefix: the longer source prefix (10.1.1.0/24) wins.
  EXPECT_EQ(chosen(table, packet4({10, 1, 1, 1}, {10, 2, 0, 9})), "from-lab");
  // A /32 with TCP port 443 beats every /24.
  EXPECT_EQ(chosen(table, packet4({10, 1, 1, 1}, {10, 2, 0, 5})), "https-host");
  // ... but not for port 80, nor for UDP.
  EXPECT_EQ(chosen(table, packet4({10, 1, 0, 1}, {10, 2, 0, 5}, kIpProtoTcp, 33000, 80)), "narrow");
  // Equal prefixes: a named protocol (UDP) beats "any".
  EXPECT_EQ(chosen(table, packet4({10, 1, 0, 1}, {10, 2, 0, 5}, kIpProtoUdp, 33000, 443)), "udp-only");
}

TEST_F(Policy, NoMatchIsNullptr) {
  EXPECT_EQ(chosen(table, packet4({192, 168, 0, 1}, {10, 2, 0, 1})), "none");  // source outside 10.1/16
  EXPECT_EQ(chosen(table, packet4({10, 1, 0, 1}, {11, 0, 0, 1})), "none");     // destination outside 10/8
  PacketSelector v6 = packet4({10, 1, 0, 1}, {10, 2, 0, 1});
  v6.family = ike::AddressFamily::ipv6;  // the same octets, but IPv6: no IPv6 selector
  EXPECT_EQ(chosen(table, v6), "none");
  const SaTable& const_table = table;
  EXPECT_EQ(const_table.lookup_outbound(packet4({10, 1, 0, 1}, {11, 0, 0, 1})), nullptr);
}

TEST_F(Policy, RemoveTakesBothDirectionsAndItsPolicies) {
  ASSERT_NE(table.lookup_inbound(0x102), nullptr);
  EXPECT_TRUE(table.remove(removal(0x102, 0x202)));
  EXPECT_EQ(table.lookup_inbound(0x102), nullptr);
  EXPECT_EQ(table.find(0x102), nullptr);
  EXPECT_EQ(table.size(), 4u);
  EXPECT_EQ(chosen(table, packet4({10, 1, 0, 1}, {10, 2, 0, 9})), "wide");
  EXPECT_FALSE(table.remove(removal(0x102, 0x202))) << "already gone";
  EXPECT_FALSE(table.remove(removal(0x101, 0x999))) << "outbound SPI does not match";
  EXPECT_NE(table.lookup_inbound(0x101), nullptr);
}

TEST_F(Policy, ARekeyedChildTakesOverAtOnce) {
  // RFC 7296 §2.8: the new CHILD_SA is installed before the old one is
  // deleted; with the same selectors, traffic moves to the newest.
  ASSERT_TRUE(table.install(child("narrow", 0x112, 0x212, {v4({10, 1, 0, 0}, {10, 1, 255, 255})},
                                  {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
  const OutboundSa* sa = table.lookup_outbound(packet4({10, 1, 0, 1}, {10, 2, 0, 9}));
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->spi(), 0x212u);
  EXPECT_TRUE(table.remove(removal(0x102, 0x202)));
  sa = table.lookup_outbound(packet4({10, 1, 0, 1}, {10, 2, 0, 9}));
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->spi(), 0x212u);
}

TEST_F(Policy, TheResponderOfARekeySendsOnTheNewPairOnlyOnceThePeerUsesIt) {
  // The responder installs the new pair before its answer goes out; the
  // initiator installs its inbound half only when it reads that answer. So
  // the responder keeps sending on the old pair until ESP arrives on the new
  // inbound SA ...
  ike::InstallChildSa rekeyed = child("narrow", 0x112, 0x212, {v4({10, 1, 0, 0}, {10, 1, 255, 255})},
                                      {v4({10, 2, 0, 0}, {10, 2, 0, 255})});
  rekeyed.defer_outbound = true;
  ASSERT_TRUE(table.install(rekeyed));
  const PacketSelector p = packet4({10, 1, 0, 1}, {10, 2, 0, 9});
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x202u);
  table.inbound_authenticated(0x102);  // ESP on the old pair changes nothing
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x202u);
  table.inbound_authenticated(0x112);
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x212u);
  // ... or until the old pair is removed (the initiator's Delete), whichever comes first.
  ike::InstallChildSa again = child("narrow", 0x122, 0x222, {v4({10, 1, 0, 0}, {10, 1, 255, 255})},
                                    {v4({10, 2, 0, 0}, {10, 2, 0, 255})});
  again.defer_outbound = true;
  ASSERT_TRUE(table.install(again));
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x212u);
  EXPECT_TRUE(table.remove(removal(0x112, 0x212)));
  EXPECT_TRUE(table.remove(removal(0x102, 0x202)));
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x222u);  // the wide /8 child does not take it
}

// A CHILD_SA whose traffic moved to its successor (RemoveChildSa::inbound_grace):
// nothing is sent on it from now on, but ESP the peer sent before it switched
// still decapsulates until the grace period is over.
TEST_F(Policy, ARetiredChildTakesInboundEspUntilItsGracePeriodEnds) {
  ASSERT_TRUE(table.install(child("narrow", 0x112, 0x212, {v4({10, 1, 0, 0}, {10, 1, 255, 255})},
                                  {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
  const Timestamp t0 = timestamp_from_us(1'000'000);
  EXPECT_TRUE(table.retire(removal(0x102, 0x202), t0 + std::chrono::seconds(5)));
  EXPECT_EQ(table.retired(), 1u);
  const PacketSelector p = packet4({10, 1, 0, 1}, {10, 2, 0, 9});
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x212u);
  ASSERT_TRUE(table.remove(removal(0x112, 0x212)));
  EXPECT_EQ(chosen(table, p), "wide") << "a retired CHILD_SA has no policies left";
  ASSERT_NE(table.lookup_inbound(0x102), nullptr);
  EXPECT_TRUE(table.find(0x102)->retired);
  std::vector<ike::DataplaneEvent> events;
  table.poll_watches(events);
  EXPECT_TRUE(events.empty()) << "the engine has forgotten a retired CHILD_SA: no events for it";

  EXPECT_TRUE(table.retire(removal(0x102, 0x202), t0 + std::chrono::seconds(9))) << "already retired";
  EXPECT_FALSE(table.retire(removal(0x102, 0x999), t0)) << "outbound SPI does not match";
  EXPECT_EQ(table.expire_retired(t0 + std::chrono::seconds(4)), 0u);
  EXPECT_NE(table.lookup_inbound(0x102), nullptr);
  EXPECT_EQ(table.expire_retired(t0 + std::chrono::seconds(5)), 1u);
  EXPECT_EQ(table.lookup_inbound(0x102), nullptr);
  EXPECT_EQ(table.retired(), 0u);
  EXPECT_EQ(table.size(), 4u);
}

TEST_F(Policy, AnInstallOfARetiredSpiReplacesTheRetiredChild) {
  const Timestamp t0 = timestamp_from_us(1'000'000);
  ASSERT_TRUE(table.retire(removal(0x102, 0x202), t0 + std::chrono::seconds(5)));
  ASSERT_TRUE(table.install(child("narrow", 0x102, 0x302, {v4({10, 1, 0, 0}, {10, 1, 255, 255})},
                                  {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
  EXPECT_FALSE(table.find(0x102)->retired);
  EXPECT_EQ(table.lookup_outbound(packet4({10, 1, 0, 1}, {10, 2, 0, 9}))->spi(), 0x302u);
  EXPECT_EQ(table.expire_retired(t0 + std::chrono::seconds(6)), 0u) << "the new CHILD_SA stays";
  EXPECT_NE(table.lookup_inbound(0x102), nullptr);
  EXPECT_TRUE(table.remove(removal(0x102, 0x302)));
}

TEST_F(Policy, RetiringADeferredRekeyLeavesNothingDeferred) {
  // The responder's new pair (deferred) retired before the peer used it (a
  // lost rekey collision): the old pair, still installed, carries the traffic.
  ike::InstallChildSa rekeyed = child("narrow", 0x112, 0x212, {v4({10, 1, 0, 0}, {10, 1, 255, 255})},
                                      {v4({10, 2, 0, 0}, {10, 2, 0, 255})});
  rekeyed.defer_outbound = true;
  ASSERT_TRUE(table.install(rekeyed));
  ASSERT_TRUE(table.retire(removal(0x112, 0x212), timestamp_from_us(5'000'000)));
  const PacketSelector p = packet4({10, 1, 0, 1}, {10, 2, 0, 9});
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x202u);
  table.inbound_authenticated(0x112);  // ESP on the retired pair activates nothing
  EXPECT_EQ(table.lookup_outbound(p)->spi(), 0x202u);
}

TEST(SaTable, InstallRefusesDuplicateAndZeroSpis) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  const TrafficSelector any = v4({0, 0, 0, 0}, {255, 255, 255, 255});
  ASSERT_TRUE(table.install(child("a", 0x1, 0x2, {any}, {any})));
  auto again = table.install(child("b", 0x1, 0x3, {any}, {any}));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Errc::bad_spi);
  auto zero = table.install(child("c", 0, 0x4, {any}, {any}));
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().code, Errc::bad_spi);
  EXPECT_EQ(table.size(), 1u);
}

// The peer's NAT mapped it anew (ike::UpdateChildSa, RFC 7296 §2.23): both
// halves take the new outer addresses; keys, sequence numbers and the policy stay.
TEST(SaTable, UpdateMovesBothHalvesToTheNewAddresses) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  const TrafficSelector any = v4({0, 0, 0, 0}, {255, 255, 255, 255});
  ASSERT_TRUE(table.install(child("a", 0x1, 0x2, {any}, {any})));
  ike::UpdateChildSa moved;
  moved.spi_in = 0x1;
  moved.spi_out = 0x2;
  moved.local = ike::Address::ipv4({192, 0, 2, 2}, 4500);
  moved.remote = ike::Address::ipv4({203, 0, 113, 8}, 20001);
  moved.encap = true;
  ASSERT_TRUE(table.update(moved));
  const ChildSa* c = table.find(0x1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->remote, moved.remote);  // one copy for both directions
  EXPECT_EQ(c->local, moved.local);
  EXPECT_TRUE(c->encap);
  EXPECT_EQ(table.lookup_outbound(packet4({10, 0, 0, 1}, {10, 0, 0, 2}))->spi(), 0x2u);
  // Another pair's SPIs, or an SPI pair that does not match: nothing moves.
  moved.spi_out = 0x3;
  EXPECT_FALSE(table.update(moved));
  moved.spi_in = 0x9;
  EXPECT_FALSE(table.update(moved));
}

TEST(SaTable, FailedInstallLeavesNothingBehind) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  const TrafficSelector any = v4({0, 0, 0, 0}, {255, 255, 255, 255});
  ike::InstallChildSa bad_key = child("a", 0x1, 0x2, {any}, {any});
  bad_key.encr_out = SecretBytes(Bytes(7, 0));
  auto r = table.install(bad_key);
  ASSERT_FALSE(r.has_value());
  ike::InstallChildSa des = child("b", 0x1, 0x2, {any}, {any});
  des.suite.encr = wire::EncrId::DES;
  r = table.install(des);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unsupported);
  ike::InstallChildSa bad_ts = child("c", 0x1, 0x2, {any}, {any});
  bad_ts.remote_ts[0].end_address = {1, 2};
  r = table.install(bad_ts);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_syntax);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.lookup_inbound(0x1), nullptr);
  EXPECT_EQ(table.lookup_outbound(packet4({1, 1, 1, 1}, {2, 2, 2, 2})), nullptr);
}

TEST(SaTable, ReplayWindowSizeAppliesToInboundSas) {
  crypto::SeededRandom random(1);
  SaTable table(random, 4096);
  const TrafficSelector any = v4({0, 0, 0, 0}, {255, 255, 255, 255});
  ASSERT_TRUE(table.install(child("a", 0x1, 0x2, {any}, {any})));
  EXPECT_EQ(table.lookup_inbound(0x1)->replay_window().size(), 4096u);
  SaTable bad(random, 100);
  EXPECT_FALSE(bad.install(child("a", 0x1, 0x2, {any}, {any})).has_value());
}

TEST(SaTable, PacketCrossesFromAlicesTableToBobs) {
  // What io/ does per packet: read the inner packet, find the outbound SA by
  // policy, encap; on the other side find the inbound SA by SPI, decap.
  crypto::SeededRandom random(1);
  SaTable alice(random), bob(random);
  const Keys to_bob{Bytes(20, 0x0b), {}}, to_alice{Bytes(20, 0x0a), {}};
  ASSERT_TRUE(alice.install(child_sa(true, kGcm, to_bob, to_alice)));
  ASSERT_TRUE(bob.install(child_sa(false, kGcm, to_bob, to_alice)));

  for (const Bytes& inner : {inner_ipv4(), inner_ipv6()}) {
    auto ip = read_ip_packet(inner);
    ASSERT_TRUE(ip.has_value());
    OutboundSa* out = alice.lookup_outbound(ip->selector);
    ASSERT_NE(out, nullptr);
    Bytes wire(out->encapsulated_size(inner.size()));
    auto n = out->encap(inner, wire);
    ASSERT_TRUE(n.has_value());
    InboundSa* in = bob.lookup_inbound(load_be32(wire.data()));
    ASSERT_NE(in, nullptr);
    auto d = in->decap(wire);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(to_hex(d->payload), to_hex(inner));
  }
  const ChildSa* c = bob.find(kSpiToBob);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->remote, child_sa(false, kGcm, to_bob, to_alice).remote);
  EXPECT_EQ(c->inbound.counters().packets, 2u);
  EXPECT_EQ(c->inbound.counters().bytes, 32u + 52u);
}

}  // namespace
}  // namespace tern::esp

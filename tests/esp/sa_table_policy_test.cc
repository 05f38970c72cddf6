// The SaTable's outbound policies at scale (esp/sa_table.h): host policies
// (one address each side) in a hash map, the others in a ranked tree. A
// look-up must give what one scan of all policies in rank order gives:
// longest destination prefix, longest source prefix, a named protocol,
// narrower destination then source ports, the newest CHILD_SA; a deferred
// rekeyed pair yields to its predecessor. Then the active list that the
// daemon's poll reads (SaTable::poll_watches): only CHILD_SAs looked up since
// the last poll are sampled, and every ChildWatch event still comes.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "esp/esp_packet.h"
#include "esp/ip_protocol.h"
#include "esp/sa_table.h"
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
TrafficSelector v4_host(std::array<uint8_t, 4> a, uint8_t protocol = 0, uint16_t start_port = 0,
                        uint16_t end_port = 65535) {
  return v4(a, a, protocol, start_port, end_port);
}
std::array<uint8_t, 16> v6_address(uint8_t site, uint8_t host) {
  return {0x20, 0x01, 0x0d, 0xb8, 0x00, site, 0, 0, 0, 0, 0, 0, 0, 0, 0, host};
}
TrafficSelector v6_host(uint8_t site, uint8_t host, uint8_t protocol = 0) {
  return TrafficSelector::ipv6_range(v6_address(site, host), v6_address(site, host), protocol, 0, 65535);
}

ike::InstallChildSa child(uint32_t spi_in, std::vector<TrafficSelector> local,
                          std::vector<TrafficSelector> remote, bool deferred = false) {
  ike::InstallChildSa sa = child_sa(true, kGcm, {Bytes(20, 1), {}}, {Bytes(20, 2), {}});
  sa.child = "c" + std::to_string(spi_in);
  sa.spi_in = spi_in;
  sa.spi_out = spi_in | 0x80000000u;
  sa.local_ts = std::move(local);
  sa.remote_ts = std::move(remote);
  sa.defer_outbound = deferred;
  return sa;
}

ike::RemoveChildSa removal(uint32_t spi_in) {
  ike::RemoveChildSa r;
  r.spi_in = spi_in;
  r.spi_out = spi_in | 0x80000000u;
  r.reason = "test";
  return r;
}

PacketSelector packet6(std::array<uint8_t, 16> src, std::array<uint8_t, 16> dst,
                       uint8_t protocol = kIpProtoTcp) {
  PacketSelector p;
  p.family = ike::AddressFamily::ipv6;
  p.src = src;
  p.dst = dst;
  p.protocol = protocol;
  p.has_ports = true;
  p.src_port = 33000;
  p.dst_port = 443;
  return p;
}

// The inbound SPI of the CHILD_SA whose outbound SA takes `p` (0: none).
uint32_t taker(SaTable& table, const PacketSelector& p) {
  const OutboundSa* sa = table.lookup_outbound(p);
  return sa == nullptr ? 0 : sa->spi() & 0x7fffffffu;
}

// --- precedence -------------------------------------------------------------

TEST(PolicyPrecedence, AHostPolicyBeatsACoveringRangeInstalledBeforeOrAfter) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  const PacketSelector p = packet4({10, 1, 0, 1}, {10, 2, 0, 5});
  // the range first, the host pair after ...
  ASSERT_TRUE(
      table.install(child(1, {v4({10, 1, 0, 0}, {10, 1, 0, 255})}, {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
  EXPECT_EQ(taker(table, p), 1u);
  ASSERT_TRUE(table.install(child(2, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));
  EXPECT_EQ(taker(table, p), 2u);
  // ... and a newer covering range does not take it back: prefixes rank before age.
  ASSERT_TRUE(
      table.install(child(3, {v4({10, 1, 0, 0}, {10, 1, 0, 255})}, {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
  EXPECT_EQ(taker(table, p), 2u);
  // other hosts in the range go to the newest range CHILD_SA
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 1}, {10, 2, 0, 6})), 3u);
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 2}, {10, 2, 0, 5})), 3u);
}

TEST(PolicyPrecedence, AHostDestinationWithARangeSourceBeatsAHostPairOnlyByDestinationPrefix) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  // /32 -> /32 and /24 -> /32: both have the longest destination prefix; the host source wins.
  ASSERT_TRUE(table.install(child(1, {v4({10, 1, 0, 0}, {10, 1, 0, 255})}, {v4_host({10, 2, 0, 5})})));
  ASSERT_TRUE(table.install(child(2, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 1}, {10, 2, 0, 5})), 2u);
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 9}, {10, 2, 0, 5})), 1u);
  // /32 -> /24 ranks below /24 -> /32: the destination prefix decides first.
  ASSERT_TRUE(table.install(child(3, {v4_host({10, 1, 0, 9})}, {v4({10, 2, 0, 0}, {10, 2, 0, 255})})));
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 9}, {10, 2, 0, 5})), 1u);
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 9}, {10, 2, 0, 7})), 3u);
}

TEST(PolicyPrecedence, PortSpecificHostPolicyBeatsAnyPortOnlyForItsPort) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  ASSERT_TRUE(table.install(
      child(1, {v4_host({10, 1, 0, 1}, kIpProtoTcp, 443, 443)}, {v4_host({10, 2, 0, 5}, kIpProtoTcp)})));
  ASSERT_TRUE(table.install(child(2, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));  // newer, any
  ASSERT_TRUE(
      table.install(child(3, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5}, kIpProtoTcp, 443, 443)})));
  // TCP to port 443: the narrower destination port wins over the named protocol with any port
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 1}, {10, 2, 0, 5}, kIpProtoTcp, 443, 443)), 3u);
  // TCP from port 443 to 80: the named protocol (child 1) wins over "any" (child 2)
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 1}, {10, 2, 0, 5}, kIpProtoTcp, 443, 80)), 1u);
  // UDP: only the any-protocol pair
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 1}, {10, 2, 0, 5}, kIpProtoUdp, 443, 443)), 2u);
}

TEST(PolicyPrecedence, Ipv6HostsAndRangesAndNoCrossFamilyMatch) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  ASSERT_TRUE(table.install(child(1, {v6_net(1)}, {v6_net(2)})));
  ASSERT_TRUE(table.install(child(2, {v6_host(1, 1)}, {v6_host(2, 1)})));
  ASSERT_TRUE(table.install(child(3, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 1})})));
  EXPECT_EQ(taker(table, packet6(v6_address(1, 1), v6_address(2, 1))), 2u);
  EXPECT_EQ(taker(table, packet6(v6_address(1, 1), v6_address(2, 2))), 1u);
  // IPv4 packet: only the IPv4 host pair; IPv6 packet with the v4 octets up front: none of the v4
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 1}, {10, 2, 0, 1})), 3u);
  PacketSelector odd = packet4({10, 1, 0, 1}, {10, 2, 0, 1});
  odd.family = ike::AddressFamily::ipv6;
  EXPECT_EQ(taker(table, odd), 0u);
}

TEST(PolicyPrecedence, InstallRemoveReinstall) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  const PacketSelector p = packet4({10, 1, 0, 1}, {10, 2, 0, 5});
  ASSERT_TRUE(table.install(child(1, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));
  ASSERT_TRUE(table.install(child(2, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));  // a rekey
  ASSERT_TRUE(table.install(
      child(3, {v4({10, 0, 0, 0}, {10, 255, 255, 255})}, {v4({10, 0, 0, 0}, {10, 255, 255, 255})})));
  EXPECT_EQ(taker(table, p), 2u);
  EXPECT_TRUE(table.remove(removal(2)));
  EXPECT_EQ(taker(table, p), 1u);
  EXPECT_TRUE(table.remove(removal(1)));
  EXPECT_EQ(taker(table, p), 3u) << "the host bucket is gone, the range takes it";
  ASSERT_TRUE(
      table.install(child(1, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));  // the same SPI again
  EXPECT_EQ(taker(table, p), 1u);
  EXPECT_TRUE(table.remove(removal(3)));
  EXPECT_EQ(taker(table, packet4({10, 1, 0, 2}, {10, 2, 0, 5})), 0u);
  EXPECT_TRUE(table.remove(removal(1)));
  EXPECT_EQ(taker(table, p), 0u);
  EXPECT_EQ(table.size(), 0u);
}

TEST(PolicyPrecedence, DeferredRekeyOfAHostPairYieldsToItsPredecessor) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  const PacketSelector p = packet4({10, 1, 0, 1}, {10, 2, 0, 5});
  ASSERT_TRUE(table.install(child(1, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})})));
  ASSERT_TRUE(table.install(child(2, {v4_host({10, 1, 0, 1})}, {v4_host({10, 2, 0, 5})}, true)));
  EXPECT_EQ(taker(table, p), 1u);
  table.inbound_authenticated(2);
  EXPECT_EQ(taker(table, p), 2u);
}

// --- randomized equivalence against one ranked scan ---------------------------

// What the table must answer, computed the slow way: every policy in one
// list, sorted by the rank on every look-up, scanned from the top.
class ReferenceScan {
 public:
  void install(uint32_t spi, const ike::InstallChildSa& sa) {
    ++order_;
    size_t index = 0;
    for (const TrafficSelector& l : sa.local_ts)
      for (const TrafficSelector& r : sa.remote_ts)
        policies_.push_back(P{*Selector::compile(l), *Selector::compile(r), spi, order_, index++});
    deferred_[spi] = sa.defer_outbound;
  }
  void remove(uint32_t spi) {
    std::erase_if(policies_, [&](const P& p) { return p.spi == spi; });
    deferred_.erase(spi);
  }
  void authenticated(uint32_t spi) {
    if (auto it = deferred_.find(spi); it != deferred_.end()) it->second = false;
  }
  uint32_t lookup(const PacketSelector& packet) {
    std::vector<P> ranked = policies_;
    std::sort(ranked.begin(), ranked.end(), [](const P& a, const P& b) {
      const auto key = [](const P& p) {
        return std::make_tuple(
            p.remote.prefix_length(), p.local.prefix_length(),
            p.local.protocol != 0 || p.remote.protocol != 0, -static_cast<int64_t>(p.remote.port_count()),
            -static_cast<int64_t>(p.local.port_count()), p.order, -static_cast<int64_t>(p.index));
      };
      return key(a) > key(b);
    });
    for (size_t i = 0; i < ranked.size(); ++i) {
      const P& p = ranked[i];
      if (!p.remote.matches_destination(packet) || !p.local.matches_source(packet)) continue;
      if (!deferred_.at(p.spi)) return p.spi;
      for (size_t j = i + 1; j < ranked.size(); ++j)
        if (ranked[j].local == p.local && ranked[j].remote == p.remote && !deferred_.at(ranked[j].spi))
          return ranked[j].spi;
      return p.spi;
    }
    return 0;
  }

 private:
  struct P {
    Selector local, remote;
    uint32_t spi;
    uint64_t order;
    size_t index;
  };
  std::vector<P> policies_;
  std::map<uint32_t, bool> deferred_;
  uint64_t order_ = 0;
};

// Small address and port spaces, so that policies overlap and tie often.
class RandomTraffic {
 public:
  explicit RandomTraffic(uint32_t seed) : rng_(seed) {}

  TrafficSelector selector(bool v6) {
    const uint8_t protocol = pick({0, 0, 0, kIpProtoTcp, kIpProtoUdp});
    uint16_t start_port = 0, end_port = 65535;
    switch (below(6)) {
      case 0: start_port = end_port = pick16({53, 80, 443}); break;
      case 1: start_port = 1000, end_port = 2000; break;
      default: break;
    }
    if (protocol == 0) start_port = 0, end_port = 65535;
    const uint8_t host = static_cast<uint8_t>(below(8));
    const unsigned kind = below(5);  // 0-2: a host (the common case), 3: /29, 4: everything
    if (v6) {
      std::array<uint8_t, 16> start = v6_address(1, host), end = start;
      if (kind == 3) start[15] &= 0xf8, end[15] |= 0x07;
      if (kind == 4) start = {}, end.fill(0xff);
      return TrafficSelector::ipv6_range(start, end, protocol, start_port, end_port);
    }
    std::array<uint8_t, 4> start{10, 0, 0, host}, end = start;
    if (kind == 3) start[3] &= 0xf8, end[3] |= 0x07;
    if (kind == 4) start = {0, 0, 0, 0}, end = {255, 255, 255, 255};
    return v4(start, end, protocol, start_port, end_port);
  }
  PacketSelector packet() {
    const bool v6 = below(4) == 0;
    PacketSelector p =
        v6 ? packet6(v6_address(1, static_cast<uint8_t>(below(8))),
                     v6_address(1, static_cast<uint8_t>(below(8))))
           : packet4({10, 0, 0, static_cast<uint8_t>(below(8))}, {10, 0, 0, static_cast<uint8_t>(below(8))});
    p.protocol = pick({kIpProtoTcp, kIpProtoUdp, kIpProtoIcmp});
    p.has_ports = p.protocol != kIpProtoIcmp;
    p.src_port = pick16({53, 80, 443, 1500, 40000});
    p.dst_port = pick16({53, 80, 443, 1500, 40000});
    return p;
  }
  unsigned below(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

 private:
  uint8_t pick(std::initializer_list<uint8_t> l) {
    return *(l.begin() + below(static_cast<unsigned>(l.size())));
  }
  uint16_t pick16(std::initializer_list<uint16_t> l) {
    return *(l.begin() + below(static_cast<unsigned>(l.size())));
  }
  std::mt19937 rng_;
};

TEST(PolicyEquivalence, RandomInstallsRemovesAndPacketsMatchOneRankedScan) {
  crypto::SeededRandom random(1);
  SaTable table(random);
  ReferenceScan reference;
  RandomTraffic gen(20261201);
  std::vector<uint32_t> installed;
  uint32_t next_spi = 1;
  size_t checked = 0, matched = 0;
  for (int step = 0; step < 3000; ++step) {
    const unsigned what = gen.below(10);
    if (what < 5 || installed.empty()) {
      const bool v6 = gen.below(4) == 0;
      std::vector<TrafficSelector> local{gen.selector(v6)}, remote{gen.selector(v6)};
      if (gen.below(5) == 0) local.push_back(gen.selector(v6));
      if (gen.below(5) == 0) remote.push_back(gen.selector(v6));
      const ike::InstallChildSa sa = child(next_spi, local, remote, gen.below(6) == 0);
      ASSERT_TRUE(table.install(sa));
      reference.install(next_spi, sa);
      installed.push_back(next_spi++);
    } else if (what < 7) {
      const size_t i = gen.below(static_cast<unsigned>(installed.size()));
      ASSERT_TRUE(table.remove(removal(installed[i])));
      reference.remove(installed[i]);
      installed.erase(installed.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (what == 7) {
      const uint32_t spi = installed[gen.below(static_cast<unsigned>(installed.size()))];
      table.inbound_authenticated(spi);
      reference.authenticated(spi);
    } else {
      for (int k = 0; k < 5; ++k) {
        const PacketSelector p = gen.packet();
        const uint32_t want = reference.lookup(p);
        ASSERT_EQ(taker(table, p), want) << "step " << step;
        ++checked;
        matched += want != 0;
      }
    }
  }
  EXPECT_GT(checked, 2000u);
  EXPECT_GT(matched, checked / 4) << "the packets should hit policies often";
}

// --- the active list and the poll ------------------------------------------------

std::vector<ike::DataplaneEvent> poll(SaTable& table) {
  std::vector<ike::DataplaneEvent> out;
  table.poll_watches(out);
  return out;
}

class ActiveList : public testing::Test {
 protected:
  void SetUp() override {
    for (uint32_t spi : {1u, 2u, 3u}) {
      ike::InstallChildSa sa = child(spi, {v4_host({10, 1, 0, static_cast<uint8_t>(spi)})},
                                     {v4_host({10, 2, 0, static_cast<uint8_t>(spi)})});
      sa.limits = ike::ChildLimits{1000, 2000, 10, 20};  // rekey/life bytes, rekey/life packets
      ASSERT_TRUE(alice.install(sa));
      ASSERT_TRUE(bob.install(mirror(sa)));
    }
  }
  // Bob's view of alice's CHILD_SA: the SPIs, keys and selectors swapped.
  static ike::InstallChildSa mirror(ike::InstallChildSa sa) {
    std::swap(sa.spi_in, sa.spi_out);
    std::swap(sa.encr_in, sa.encr_out);
    std::swap(sa.local_ts, sa.remote_ts);
    return sa;
  }
  // Alice sends one packet of `size` octets on CHILD_SA `spi`; bob takes it.
  void send(uint8_t spi, size_t size) {
    Bytes inner = inner_ipv4();
    inner.resize(std::max(inner.size(), size), 0);
    inner[2] = static_cast<uint8_t>(inner.size() >> 8), inner[3] = static_cast<uint8_t>(inner.size());
    inner[15] = spi, inner[19] = spi;  // 10.1.0.spi -> 10.2.0.spi
    OutboundSa* out = alice.lookup_outbound(packet4({10, 1, 0, spi}, {10, 2, 0, spi}, kIpProtoUdp));
    ASSERT_NE(out, nullptr);
    Bytes wire(out->encapsulated_size(inner.size()));
    ASSERT_TRUE(out->encap(inner, wire));
    InboundSa* in = bob.lookup_inbound(load_be32(wire.data()));
    ASSERT_NE(in, nullptr);
    auto d = in->decap(wire);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
  }
  crypto::SeededRandom random{5};
  SaTable alice{random}, bob{random};
};

using ike::ChildLimitReached;
using ike::ChildTrafficSeen;
using V = std::vector<ike::DataplaneEvent>;
using Limit = ChildLimitReached::Limit;
using Cause = ChildLimitReached::Cause;

TEST_F(ActiveList, OnlyChildSasLookedUpSinceTheLastPollAreSampled) {
  EXPECT_EQ(alice.active(), 0u);
  EXPECT_EQ(poll(alice), V{}) << "idle: nothing, and nothing was sampled";
  send(2, 100);
  EXPECT_EQ(alice.active(), 1u);
  EXPECT_EQ(bob.active(), 1u);
  EXPECT_EQ(poll(bob), (V{ChildTrafficSeen{0x80000002u}})) << "bob's inbound SA is alice's spi_out";
  EXPECT_EQ(poll(alice), V{}) << "outbound traffic alone is not 'traffic seen'";
  EXPECT_EQ(bob.active(), 0u);
  // Idle since: no events, no samples (the idle/DPD logic sees no inbound traffic).
  EXPECT_EQ(poll(bob), V{});
  send(2, 100);
  send(2, 100);
  send(3, 100);
  EXPECT_EQ(bob.active(), 2u) << "each CHILD_SA once";
  const V events = poll(bob);
  EXPECT_EQ(events.size(), 2u);
  EXPECT_NE(std::find(events.begin(), events.end(), ike::DataplaneEvent{ChildTrafficSeen{0x80000003u}}),
            events.end());
}

TEST_F(ActiveList, SoftAndHardLimitsByPackets) {
  for (int i = 0; i < 9; ++i) send(1, 40);
  EXPECT_EQ(poll(alice), V{});
  send(1, 40);  // the 10th: rekey_packets
  EXPECT_EQ(poll(alice), (V{ChildLimitReached{1, Limit::soft, Cause::packets}}));
  for (int i = 0; i < 10; ++i) send(1, 40);  // the 20th: life_packets
  EXPECT_EQ(poll(alice), (V{ChildLimitReached{1, Limit::hard, Cause::packets}}));
  send(1, 40);
  EXPECT_EQ(poll(alice), V{}) << "each limit once";
}

TEST_F(ActiveList, SoftAndHardLimitsByBytesOnEitherSide) {
  send(3, 600);
  EXPECT_EQ(poll(bob), (V{ChildTrafficSeen{0x80000003u}}));
  send(3, 600);  // 1,200 octets: past rekey_bytes on both sides
  EXPECT_EQ(poll(alice), (V{ChildLimitReached{3, Limit::soft, Cause::bytes}}));
  EXPECT_EQ(poll(bob),
            (V{ChildTrafficSeen{0x80000003u}, ChildLimitReached{0x80000003u, Limit::soft, Cause::bytes}}));
  send(3, 900);  // 2,100: past life_bytes
  EXPECT_EQ(poll(alice), (V{ChildLimitReached{3, Limit::hard, Cause::bytes}}));
  EXPECT_EQ(poll(bob),
            (V{ChildTrafficSeen{0x80000003u}, ChildLimitReached{0x80000003u, Limit::hard, Cause::bytes}}));
}

TEST_F(ActiveList, SequenceNumbersNearTheirEndStillReport) {
  OutboundSa* out = alice.lookup_outbound(packet4({10, 1, 0, 1}, {10, 2, 0, 1}));
  ASSERT_NE(out, nullptr);
  OutboundSaPeer::set_last_sent(*out, out->last_seq() - 1);
  // looked up: the counter (set just now) is within kRekeyMargin of its end
  EXPECT_EQ(poll(alice), (V{ChildLimitReached{1, Limit::soft, Cause::sequence_numbers}}));
  send(1, 40);  // the last sequence number
  EXPECT_EQ(poll(alice), (V{ChildLimitReached{1, Limit::hard, Cause::sequence_numbers}}));
}

TEST_F(ActiveList, ARemovedChildSaLeavesTheList) {
  send(1, 40);
  send(2, 40);
  EXPECT_EQ(bob.active(), 2u);
  ike::RemoveChildSa gone;
  gone.spi_in = 0x80000001u;
  gone.spi_out = 1;
  ASSERT_TRUE(bob.remove(gone));
  EXPECT_EQ(bob.active(), 1u);
  EXPECT_EQ(poll(bob), (V{ChildTrafficSeen{0x80000002u}}));
}

}  // namespace
}  // namespace tern::esp

// The engine's bookkeeping is O(1) per input (endpoint.h "Bookkeeping"):
// with many IKE SAs in the table, a datagram makes the engine look at the
// one SA it goes to, a timer at the SAs that are due, and next_deadline() is
// the earliest of them without a walk. The half-open count of the cookie gate
// follows the SAs as they are set up, established and destroyed.
#include <gtest/gtest.h>

#include <memory>

#include "endpoint_peer.h"
#include "exchange_harness.h"

namespace tern::ike::testing {
namespace {

constexpr size_t kSas = 300;

// One IP address for every throwaway initiator, a port each.
Address flood_source(size_t n) {
  return Address::ipv4({198, 51, 100, 7}, static_cast<uint16_t>(1000 + n));
}

// HDR(SPIi, 0), SAi1, KEi, Ni  from a throwaway initiator at `from`.
Datagram ike_sa_init_from(const Address& from, uint64_t seed, Timestamp now) {
  ConnectionConfig c = config_a();
  c.name = "fake";
  c.local = from;
  EndpointConfig settings;
  settings.connections.push_back(std::make_shared<const ConnectionConfig>(std::move(c)));
  crypto::SeededRandom random(seed);
  Endpoint fake(settings, random);
  EXPECT_TRUE(fake.command(Up{"fake"}, now).has_value());
  for (Effect& e : fake.take_effects()) {
    if (auto* send = std::get_if<Send>(&e))
      return Datagram{send->local, send->remote, std::move(send->bytes)};
  }
  ADD_FAILURE() << "the fake initiator sent nothing";
  return {};
}

// B answers anyone at 198.51.100.7 and never asks for cookies in these tests.
struct Responder {
  crypto::SeededRandom random{7};
  EndpointConfig settings = [] {
    EndpointConfig s;
    s.cookie_threshold = 1'000'000;
    s.cookie_threshold_ip = 1'000'000;
    ConnectionConfig c = config_b();
    c.remote = flood_source(0);
    s.connections.push_back(std::make_shared<const ConnectionConfig>(std::move(c)));
    return s;
  }();
  Endpoint b{settings, random};
};

TEST(EngineScaling, EachIkeSaInitTouchesOneIkeSaWhateverTheTableSize) {
  Responder r;
  const Timestamp t0 = timestamp_from_us(1'000'000);
  for (size_t i = 0; i < kSas; ++i) {
    const Datagram d = ike_sa_init_from(flood_source(i), i + 1, t0);
    //   HDR(SPIi, 0), SAi1, KEi, Ni  -->
    r.b.on_datagram(kAddrB, d.from, d.bytes, t0);
    //                               <--  HDR(SPIi, SPIr), SAr1, KEr, Nr
    ASSERT_EQ(EndpointPeer::last_reap_visits(r.b), 1u) << "request " << i;
  }
  ASSERT_EQ(r.b.status().size(), kSas);
  EXPECT_EQ(EndpointPeer::half_open(r.b), kSas);
  // Every SA is half-open until t0 + half_open_timeout: that is the next deadline.
  EXPECT_EQ(r.b.next_deadline(), t0 + r.settings.half_open_timeout);

  // A timer before that visits no SA at all.
  r.b.on_timer(t0 + seconds(1));
  EXPECT_EQ(EndpointPeer::last_reap_visits(r.b), 0u);
  EXPECT_EQ(r.b.status().size(), kSas);

  // A retransmitted IKE_SA_INIT (the same request again) touches its own SA only.
  const Datagram again = ike_sa_init_from(flood_source(5), 6, t0);
  r.b.on_datagram(kAddrB, again.from, again.bytes, t0 + seconds(2));
  EXPECT_EQ(EndpointPeer::last_reap_visits(r.b), 1u);
  EXPECT_EQ(r.b.status().size(), kSas);

  // At the timeout all of them are due, are visited once, and go.
  r.b.on_timer(t0 + r.settings.half_open_timeout);
  EXPECT_EQ(EndpointPeer::last_reap_visits(r.b), kSas);
  EXPECT_TRUE(r.b.status().empty());
  EXPECT_EQ(EndpointPeer::half_open(r.b), 0u);
  EXPECT_EQ(r.b.next_deadline(), std::nullopt);
}

TEST(EngineScaling, AnEstablishedSaAmongManyHalfOpenOnesIsTouchedAloneAndLeavesTheHalfOpenCount) {
  ConnectionConfig b_config = config_b();
  EndpointConfig b_settings;
  b_settings.cookie_threshold = 1'000'000;
  b_settings.cookie_threshold_ip = 1'000'000;
  ConnectionConfig flood = config_b();
  flood.name = "flood";
  flood.remote = flood_source(0);
  TwoPeers net({config_a()}, {b_config, flood}, EndpointConfig{}, b_settings);
  for (size_t i = 0; i < kSas; ++i) {
    const Datagram d = ike_sa_init_from(flood_source(i), i + 1, net.now);
    net.b.on_datagram(kAddrB, d.from, d.bytes, net.now);
  }
  (void)net.b.take_effects();
  ASSERT_EQ(EndpointPeer::half_open(net.b), kSas);

  // A's IKE SA:  IKE_SA_INIT, then IKE_AUTH; each of B's inputs touches B's one SA of A.
  net.up();
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT request to B
  EXPECT_EQ(EndpointPeer::last_reap_visits(net.b), 1u);
  EXPECT_EQ(EndpointPeer::half_open(net.b), kSas + 1);
  net.deliver_all();
  EXPECT_EQ(net.log_b.installed.size(), 1u);
  EXPECT_EQ(EndpointPeer::last_reap_visits(net.b), 1u);
  // Established: no longer half-open; the flood's SAs still are.
  EXPECT_EQ(EndpointPeer::half_open(net.b), kSas);
}

}  // namespace
}  // namespace tern::ike::testing

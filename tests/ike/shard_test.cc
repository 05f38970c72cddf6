// An Endpoint that is one shard of several (EndpointConfig::shard_index /
// shard_count, ike/shard_spi.h): every IKE SPI it allocates — as initiator,
// as responder, and for the new IKE SA of a rekey (RFC 7296 §1.3.2) — carries
// its shard index in the top octet, and its IkeSaIds are spaced shard_count
// apart, so that ternd can route by SPI and name IKE SAs uniquely.
#include <gtest/gtest.h>

#include "exchange_harness.h"
#include "ike/shard_spi.h"

namespace tern::ike::testing {
namespace {

EndpointConfig shard(uint32_t index, uint32_t count) {
  EndpointConfig c;
  c.shard_index = index;
  c.shard_count = count;
  return c;
}

TEST(ShardSpi, TopOctetCarriesTheShardTheRestStays) {
  EXPECT_EQ(shard_spi(0x0123456789abcdefULL, 5), 0x0523456789abcdefULL);
  EXPECT_EQ(shard_spi(0xffffffffffffffffULL, 0), 0x00ffffffffffffffULL);
  EXPECT_EQ(shard_of_spi(shard_spi(0xfedcba9876543210ULL, 63)), 63u);
  EXPECT_EQ(shard_of_spi(shard_spi(0, 255)), 255u);
}

TEST(ShardedEndpoint, SpisOfBothEndsCarryTheirShardAndIdsAreSpaced) {
  // A is shard 2 of 4, B shard 1 of 3.
  TwoPeers net({config_a()}, {config_b()}, shard(2, 4), shard(1, 3));
  net.up();
  // HDR(SPIi = shard 2), SAi1, KEi, Ni  -->
  // <--  HDR(SPIi, SPIr = shard 1), SAr1, KEr, Nr ... IKE_AUTH both ways
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u);
  ASSERT_EQ(net.b.status().size(), 1u);
  const IkeSaStatus a = net.a.status()[0];
  const IkeSaStatus b = net.b.status()[0];
  ASSERT_EQ(a.state, IkeSaState::established) << net.dump_events();
  EXPECT_EQ(shard_of_spi(a.spi_i), 2u);
  EXPECT_EQ(shard_of_spi(b.spi_r), 1u);
  EXPECT_EQ(a.spi_i, b.spi_i);
  EXPECT_EQ(a.spi_r, b.spi_r);
  EXPECT_EQ(static_cast<uint64_t>(a.id), 3u);  // shard 2: 3, 7, 11, ...
  EXPECT_EQ(static_cast<uint64_t>(b.id), 2u);  // shard 1 of 3: 2, 5, 8, ...

  // The rekeyed IKE SA (§1.3.2: new SPIs in the SA payloads) stays in its shards.
  //   HDR, SK {SA, Ni, KEi}  -->   <--  HDR, SK {SA, Nr, KEr}, then the old one is deleted
  ASSERT_TRUE(net.a.command(Rekey{"a-b", ""}, net.now).has_value());
  net.collect();
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u) << net.dump_events();
  ASSERT_EQ(net.b.status().size(), 1u) << net.dump_events();
  const IkeSaStatus a2 = net.a.status()[0];
  const IkeSaStatus b2 = net.b.status()[0];
  EXPECT_NE(a2.spi_i, a.spi_i);
  EXPECT_EQ(shard_of_spi(a2.spi_i), 2u);
  EXPECT_EQ(shard_of_spi(b2.spi_r), 1u);
  EXPECT_EQ(static_cast<uint64_t>(a2.id), 7u);
  EXPECT_EQ(static_cast<uint64_t>(b2.id), 5u);
}

TEST(ShardedEndpoint, OneShardKeepsRandomSpisAndConsecutiveIds) {
  TwoPeers net(config_a(), config_b());
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u);
  EXPECT_EQ(static_cast<uint64_t>(net.a.status()[0].id), 1u);
  EXPECT_EQ(static_cast<uint64_t>(net.b.status()[0].id), 1u);
  // The seeded Random's SPIs are used as drawn: all 64 bits.
  EXPECT_NE(shard_of_spi(net.a.status()[0].spi_i), 0u);
}

}  // namespace
}  // namespace tern::ike::testing

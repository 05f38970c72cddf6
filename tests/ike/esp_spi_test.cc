// Inbound ESP SPIs are the receiver's choice (RFC 4301 §4.1, RFC 7296 §3.3.1)
// and name one CHILD_SA each, so the Endpoint draws them fresh: never one a
// CHILD_SA in its table uses, and, as one shard of several (ternd's workers),
// with its shard index in the top octet so that shards never collide. The
// Endpoint files each CHILD_SA's SPI under its IKE SA as it is installed,
// moved by an IKE SA rekey and deleted.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/shard_spi.h"

namespace tern::ike::testing {
namespace {

TEST(EspSpi, ASpiInUseIsNeverDrawnAgain) {
  crypto::SeededRandom random(7);
  EndpointConfig config;
  Endpoint e(config, random);
  // What the Endpoint's next two draws will be (the generator is a value).
  crypto::SeededRandom peek = random;
  const auto first = static_cast<uint32_t>(peek.u64());
  const auto second = static_cast<uint32_t>(peek.u64());
  ASSERT_GE(first, 256u);
  ASSERT_GE(second, 256u);
  ASSERT_NE(first, second);

  EndpointPeer::file_child_spi(e, first, IkeSaId{1});  // a CHILD_SA already has `first`
  EXPECT_EQ(EndpointPeer::allocate_esp_spi(e), second);
}

TEST(EspSpi, TheIndexFollowsTheChildThroughAnIkeRekeyAndItsDelete) {
  TwoPeers net(config_a(), config_b());
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u);
  const IkeSaStatus before = net.a.status()[0];
  ASSERT_EQ(before.state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(before.children.size(), 1u);
  const uint32_t spi_in = before.children[0].spi_in;
  EXPECT_EQ(EndpointPeer::child_spi_owner(net.a, spi_in), before.id);

  // HDR, SK {SA, Ni, KEi} -->  <-- HDR, SK {SA, Nr, KEr}: the CHILD_SA moves to the new IKE SA.
  ASSERT_TRUE(net.a.command(Rekey{"a-b", ""}, net.now).has_value());
  net.collect();
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u) << net.dump_events();
  const IkeSaStatus after = net.a.status()[0];
  ASSERT_NE(after.id, before.id);
  ASSERT_EQ(after.children.size(), 1u);
  EXPECT_EQ(after.children[0].spi_in, spi_in);
  EXPECT_EQ(EndpointPeer::child_spi_owner(net.a, spi_in), after.id);

  // HDR, SK {D(ESP, SPI)} -->  <-- HDR, SK {D(ESP, SPI)}: the SPI is free again.
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  EXPECT_EQ(EndpointPeer::child_spi_owner(net.a, spi_in), std::nullopt) << net.dump_events();
}

TEST(EspSpi, AnIkeSaThatGoesTakesItsChildrenSpisWithIt) {
  TwoPeers net(config_a(), config_b());
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.b.status().size(), 1u);
  ASSERT_EQ(net.b.status()[0].children.size(), 1u);
  const uint32_t spi_in = net.b.status()[0].children[0].spi_in;
  ASSERT_TRUE(EndpointPeer::child_spi_owner(net.b, spi_in).has_value());

  // HDR, SK {D(IKE)} -->  <-- HDR, SK {}
  ASSERT_TRUE(net.a.command(Down{"a-b"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  EXPECT_TRUE(net.b.status().empty()) << net.dump_events();
  EXPECT_EQ(EndpointPeer::child_spi_owner(net.b, spi_in), std::nullopt);
}

TEST(EspSpi, AShardPutsItsIndexInTheTopOctet) {
  EndpointConfig a_shard;
  a_shard.shard_index = 2;
  a_shard.shard_count = 4;
  EndpointConfig b_shard;
  b_shard.shard_index = 1;
  b_shard.shard_count = 3;
  TwoPeers net({config_a()}, {config_b()}, a_shard, b_shard);
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u);
  ASSERT_EQ(net.b.status().size(), 1u);
  ASSERT_EQ(net.a.status()[0].children.size(), 1u) << net.dump_events();
  EXPECT_EQ(net.a.status()[0].children[0].spi_in >> 24, 2u);
  EXPECT_EQ(net.b.status()[0].children[0].spi_in >> 24, 1u);
  EXPECT_EQ(shard_esp_spi(0xabcdef12U, 5), 0x05cdef12U);
}

}  // namespace
}  // namespace tern::ike::testing

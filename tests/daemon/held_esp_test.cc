// ESP for an SPI not installed yet (held_esp.h): kept in arrival order until
// its CHILD_SA is installed, for one to two polls at most, and never more
// than kMaxPackets packets of at most kMaxOctets.
#include "daemon/held_esp.h"

#include <gtest/gtest.h>

namespace tern::daemon {
namespace {

Bytes esp(uint32_t spi, uint8_t seq) {
  return {static_cast<uint8_t>(spi >> 24),
          static_cast<uint8_t>(spi >> 16),
          static_cast<uint8_t>(spi >> 8),
          static_cast<uint8_t>(spi),
          0,
          0,
          0,
          seq};
}

TEST(HeldEsp, ThePacketsOfAnSpiComeBackInArrivalOrderOnceItsSaIsInstalled) {
  HeldEsp held;
  EXPECT_EQ(held.hold(0x01608975, esp(0x01608975, 1)), 0u);
  EXPECT_EQ(held.hold(0x0aaaaaaa, esp(0x0aaaaaaa, 1)), 0u);
  EXPECT_EQ(held.hold(0x01608975, esp(0x01608975, 2)), 0u);
  EXPECT_EQ(held.take(0x01608975), (std::vector<Bytes>{esp(0x01608975, 1), esp(0x01608975, 2)}));
  EXPECT_TRUE(held.take(0x01608975).empty()) << "taken once";
  EXPECT_EQ(held.size(), 1u) << "the other SPI's packet stays";
  EXPECT_TRUE(held.take(0x0bbbbbbb).empty());
}

TEST(HeldEsp, APacketIsDroppedAtTheSecondPollAfterItCame) {
  HeldEsp held;
  held.hold(1, esp(1, 1));
  EXPECT_EQ(held.age(), 0u) << "a packet that came just before a poll survives it";
  held.hold(1, esp(1, 2));
  EXPECT_EQ(held.age(), 1u) << "the first packet goes at the second poll";
  EXPECT_EQ(held.take(1), std::vector<Bytes>{esp(1, 2)});
  EXPECT_EQ(held.age(), 0u);
}

TEST(HeldEsp, AFloodOfUnknownSpisKeepsOnlyTheNewestPackets) {
  HeldEsp held;
  size_t dropped = 0;
  for (uint32_t spi = 1; spi <= 1000; ++spi) dropped += held.hold(spi, esp(spi, 0));
  EXPECT_EQ(held.size(), HeldEsp::kMaxPackets);
  EXPECT_EQ(dropped, 1000 - HeldEsp::kMaxPackets);
  EXPECT_TRUE(held.take(1).empty()) << "the oldest went first";
  EXPECT_EQ(held.take(1000).size(), 1u);
}

TEST(HeldEsp, APacketLargerThanTheLimitIsNotKept) {
  HeldEsp held;
  EXPECT_EQ(held.hold(7, Bytes(HeldEsp::kMaxOctets + 1, 0)), 1u);
  EXPECT_EQ(held.size(), 0u);
  EXPECT_EQ(held.hold(7, Bytes(HeldEsp::kMaxOctets, 0)), 0u);
  EXPECT_EQ(held.size(), 1u);
}

}  // namespace
}  // namespace tern::daemon

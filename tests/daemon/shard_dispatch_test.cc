// Which worker a received IKE datagram goes to (daemon/shard_dispatch.h):
// the IKE header only (RFC 7296 §3.1), by our SPI when it is set, by SPIi
// folded to 32 bits when it is not (IKE_SA_INIT requests, their retransmits
// and the repeat with a cookie).
#include "daemon/shard_dispatch.h"

#include <gtest/gtest.h>

#include <set>

#include "ike/shard_spi.h"

namespace tern::daemon {
namespace {

constexpr uint8_t kInitiator = 0x08;
constexpr uint8_t kResponse = 0x20;

// A bare IKE header: SPIi, SPIr, Next Payload, Version, Exchange Type, Flags, Message ID, Length.
Bytes header(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flags) {
  Bytes b(28, 0);
  for (size_t i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(spi_i >> (56 - 8 * i));
    b[8 + i] = static_cast<uint8_t>(spi_r >> (56 - 8 * i));
  }
  b[17] = 0x20;  // IKEv2
  b[18] = exchange;
  b[19] = flags;
  b[27] = 28;
  return b;
}

constexpr uint8_t kIkeSaInit = 34, kIkeAuth = 35, kInformational = 37;

TEST(ShardDispatch, RequestFromTheOriginalInitiatorGoesByOurResponderSpi) {
  // HDR(SPIi = theirs, SPIr = ours, shard 3), SK {...}  -->
  const uint64_t ours = ike::shard_spi(0x1122334455667788ULL, 3);
  EXPECT_EQ(shard_for_datagram(header(0xaaaaaaaaaaaaaaaaULL, ours, kIkeAuth, kInitiator), 4), 3u);
  // ... and its response to our request on that SA (Initiator flag still set: it is the original initiator).
  EXPECT_EQ(
      shard_for_datagram(header(0xaaaaaaaaaaaaaaaaULL, ours, kInformational, kInitiator | kResponse), 4), 3u);
}

TEST(ShardDispatch, MessageFromTheOriginalResponderGoesByOurInitiatorSpi) {
  // <--  HDR(SPIi = ours, shard 1, SPIr = theirs), SAr1, KEr, Nr   (our IKE_SA_INIT answered)
  const uint64_t ours = ike::shard_spi(0x0102030405060708ULL, 1);
  EXPECT_EQ(shard_for_datagram(header(ours, 0xbbbbbbbbbbbbbbbbULL, kIkeSaInit, kResponse), 2), 1u);
  // <--  HDR, SK {D}: the peer's own request on an SA we initiated (no flags).
  EXPECT_EQ(shard_for_datagram(header(ours, 0xbbbbbbbbbbbbbbbbULL, kInformational, 0), 2), 1u);
}

TEST(ShardDispatch, IkeSaInitRequestAndItsRetransmitsReachTheSameWorker) {
  // HDR(SPIi, SPIr = 0), SAi1, KEi, Ni  -->   (sent again: the same worker)
  const Bytes request = header(0x5555555555555555ULL, 0, kIkeSaInit, kInitiator);
  const uint32_t first = shard_for_datagram(request, 2);
  EXPECT_LT(first, 2u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(shard_for_datagram(request, 2), first);
}

TEST(ShardDispatch, IkeSaInitRequestsSpreadOverTheWorkers) {
  // Random initiator SPIs from one address (a load generator) use every worker, about evenly.
  std::vector<size_t> per_worker(4, 0);
  uint64_t spi = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 4000; ++i) {
    spi = spi * 6364136223846793005ULL + 1442695040888963407ULL;
    ++per_worker[shard_for_datagram(header(spi, 0, kIkeSaInit, kInitiator), 4)];
  }
  for (size_t n : per_worker) {
    EXPECT_GT(n, 800u);
    EXPECT_LT(n, 1200u);
  }
}

TEST(ShardDispatch, IkeSaInitRequestGoesBySpiiAlone) {
  // HDR(SPIi = 0x00000001_00000007, SPIr = 0), SAi1, KEi, Ni  -->   (1 XOR 7) % 4 = 2, from any source:
  // the kernel's steering program (steering_program.h) sees no addresses, only the payload.
  EXPECT_EQ(shard_for_datagram(header(0x0000000100000007ULL, 0, kIkeSaInit, kInitiator), 4), 2u);
  // HDR(SPIi, SPIr = 0), N(COOKIE), SAi1, KEi, Ni  -->   the repeat with a cookie keeps SPIi: same worker.
  Bytes with_cookie = header(0x0000000100000007ULL, 0, kIkeSaInit, kInitiator);
  with_cookie.resize(60, 0x29);
  EXPECT_EQ(shard_for_datagram(with_cookie, 4), 2u);
}

TEST(ShardDispatch, OneWorkerTakesEverything) {
  EXPECT_EQ(shard_for_datagram(header(ike::shard_spi(1, 7), 0, kIkeSaInit, 0), 1), 0u);
  EXPECT_EQ(shard_for_datagram(header(0x42, 0, kIkeSaInit, kInitiator), 1), 0u);
}

TEST(ShardDispatch, ForeignSpiStillNamesAWorker) {
  // An SPI that is not ours (top octet 200 with 4 workers): some worker answers INVALID_IKE_SPI.
  EXPECT_EQ(shard_for_datagram(header(0x77, ike::shard_spi(9, 200), kInformational, kInitiator), 4),
            200u % 4);
}

TEST(ShardDispatch, ShorterThanAnIkeHeaderGoesToWorkerZero) {
  Bytes b = header(ike::shard_spi(1, 3), ike::shard_spi(1, 3), kIkeAuth, kInitiator);
  b.resize(27);
  EXPECT_EQ(shard_for_datagram(b, 4), 0u);
  EXPECT_EQ(shard_for_datagram(Bytes{}, 4), 0u);
}

TEST(ShardDispatch, ConnectionsHaveAFixedWorker) {
  EXPECT_EQ(shard_for_connection("site-b", 1), 0u);
  const uint32_t w = shard_for_connection("site-b", 4);
  EXPECT_LT(w, 4u);
  EXPECT_EQ(shard_for_connection("site-b", 4), w);
  std::set<uint32_t> seen;
  for (int i = 0; i < 32; ++i) seen.insert(shard_for_connection("conn-" + std::to_string(i), 4));
  EXPECT_EQ(seen.size(), 4u);
}

}  // namespace
}  // namespace tern::daemon

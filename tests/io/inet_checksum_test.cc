// The word-at-a-time Internet checksum sum against the RFC 1071 definition
// (big-endian 16-bit words, a lone last octet padded with zero), for every
// length up to 130 and every start offset within a word, on random octets
// and on all-0xff octets (the carry-heavy case).
#include "io/inet_checksum.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tern::io::inet {
namespace {

uint64_t reference_sum(const uint8_t* p, size_t n, uint64_t acc) {
  for (; n >= 2; p += 2, n -= 2) acc += static_cast<uint64_t>(p[0] << 8 | p[1]);
  if (n == 1) acc += static_cast<uint64_t>(p[0]) << 8;
  return acc;
}

TEST(InetChecksum, SumFoldsToTheRfc1071Value) {
  std::mt19937 rng(1071);
  std::vector<uint8_t> random(200), ones(200, 0xff);
  for (auto& b : random) b = static_cast<uint8_t>(rng());
  for (const auto* data : {&random, &ones}) {
    for (size_t offset = 0; offset < 4; ++offset) {
      for (size_t n = 0; n <= 130; ++n) {
        const uint64_t acc = 0x1234;  // callers add pseudo-header words first
        EXPECT_EQ(fold(sum(data->data() + offset, n, acc)),
                  fold(reference_sum(data->data() + offset, n, acc)))
            << "offset " << offset << " length " << n;
      }
    }
  }
}

TEST(InetChecksum, ALargeSegmentOfOnesDoesNotLoseCarries) {
  std::vector<uint8_t> ones(65536, 0xff);
  EXPECT_EQ(fold(sum(ones.data(), ones.size())), fold(reference_sum(ones.data(), ones.size(), 0)));
}

}  // namespace
}  // namespace tern::io::inet

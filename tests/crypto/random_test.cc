// OpenSslRandom hands out RAND_bytes output from a 256-octet buffer
// (crypto/random.h): pieces must never repeat across refills, and requests
// larger than the buffer come straight from the DRBG.
#include "crypto/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace tern::crypto {
namespace {

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

TEST(OpenSslRandom, PiecesAcrossManyRefillsAreAllDifferent) {
  OpenSslRandom random;
  std::set<Bytes> seen;
  // 8-octet SPIs, 32-octet nonces and private values, odd sizes that straddle a refill.
  for (int i = 0; i < 500; ++i) {
    for (size_t size : {8u, 32u, 32u, 3u, 13u}) {
      Bytes b = random.bytes(size);
      ASSERT_EQ(b.size(), size);
      if (size >= 8) {
        EXPECT_FALSE(all_zero(b));
        EXPECT_TRUE(seen.insert(b).second) << "repeated " << size << "-octet piece";
      }
    }
  }
}

TEST(OpenSslRandom, RequestsLargerThanTheBufferAreFilled) {
  OpenSslRandom random;
  const Bytes a = random.bytes(1000);
  const Bytes b = random.bytes(257);
  EXPECT_FALSE(all_zero(Bytes(a.begin() + 900, a.end())));  // the tail too, not only a buffer's worth
  EXPECT_FALSE(all_zero(Bytes(b.begin() + 250, b.end())));
  EXPECT_NE(Bytes(a.begin(), a.begin() + 257), b);
}

TEST(OpenSslRandom, TwoObjectsDrawIndependently) {
  OpenSslRandom one, two;
  EXPECT_NE(one.bytes(32), two.bytes(32));
  EXPECT_EQ(one.secret(0).size(), 0u);
}

}  // namespace
}  // namespace tern::crypto

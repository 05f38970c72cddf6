// constant_time_equal: equal contents, any differing octet, and lengths.
#include "crypto/constant_time.h"

#include <gtest/gtest.h>

namespace tern::crypto {
namespace {

TEST(ConstantTime, ComparesContentsAndLength) {
  const Bytes icv(16, 0x5c);
  EXPECT_TRUE(constant_time_equal(icv, Bytes(16, 0x5c)));
  for (size_t i = 0; i < icv.size(); ++i) {
    Bytes other = icv;
    other[i] ^= 0x01;
    EXPECT_FALSE(constant_time_equal(icv, other)) << i;
  }
  EXPECT_FALSE(constant_time_equal(icv, ByteView(icv).first(15)));  // a prefix is not equal
  EXPECT_FALSE(constant_time_equal({}, icv));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace tern::crypto

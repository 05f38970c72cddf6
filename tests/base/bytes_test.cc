#include "base/bytes.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace tern {
namespace {

TEST(Hex, RoundTrips) {
  auto b = from_hex("00ff10Ab");
  ASSERT_TRUE(b);
  EXPECT_EQ(to_hex(*b), "00ff10ab");
  EXPECT_EQ(from_hex("0a:1b 2c\n3d"), (Bytes{0x0a, 0x1b, 0x2c, 0x3d}));
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  EXPECT_EQ(from_hex("abc"), std::nullopt);
  EXPECT_EQ(from_hex("zz"), std::nullopt);
}

TEST(Error, NamesCodeAndDetail) {
  Error e = Error::answer(Errc::invalid_syntax, 7, "SA payload: proposal number 0");
  EXPECT_EQ(e.to_string(), "invalid_syntax: SA payload: proposal number 0");
  EXPECT_EQ(e.notify, uint16_t{7});
  EXPECT_FALSE(Error::drop(Errc::truncated, "x").notify.has_value());
}

}  // namespace
}  // namespace tern

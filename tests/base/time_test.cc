#include "base/time.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(Duration, ParsesConfigForms) {
  EXPECT_EQ(parse_duration("90s"), Duration{seconds(90)});
  EXPECT_EQ(parse_duration("30m"), Duration{minutes(30)});
  EXPECT_EQ(parse_duration("4h"), Duration{hours(4)});
  EXPECT_EQ(parse_duration("1d"), Duration{hours(24)});
  EXPECT_EQ(parse_duration("250ms"), Duration{milliseconds(250)});
  EXPECT_EQ(parse_duration("1.5s"), Duration{milliseconds(1500)});
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "s", "10", "10x", "-1s", "1.2.3s", "h4", "1e30d", " 4h"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(Duration, FormatsShortestExactForm) {
  EXPECT_EQ(format_duration(hours(4)), "4h");
  EXPECT_EQ(format_duration(seconds(90)), "90s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(hours(48)), "2d");
}

TEST(Timestamp, ArithmeticWithoutAClock) {
  Timestamp t0 = timestamp_from_us(1'000'000);
  Timestamp t1 = t0 + seconds(4);
  EXPECT_EQ(t1 - t0, Duration{seconds(4)});
  EXPECT_LT(t0, t1);
}

}  // namespace
}  // namespace tern

namespace tern {
namespace {

TEST(ParseDuration, NotANumberAndInfinityAreNotDurations) {
  EXPECT_EQ(parse_duration("nans"), std::nullopt);
  EXPECT_EQ(parse_duration("infh"), std::nullopt);
  EXPECT_EQ(parse_duration("-0.5s"), std::nullopt);
}

}  // namespace
}  // namespace tern

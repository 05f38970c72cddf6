// tern-load's latency histogram: exact below 64 µs, within 1/64 above,
// percentiles by rank (the smallest value at least p % of samples do not exceed).
#include "tools/latency_histogram.h"

#include <gtest/gtest.h>

namespace tern::tools {
namespace {

TEST(LatencyHistogram, EmptyReadsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), Duration{0});
  EXPECT_EQ(h.min(), Duration{0});
  EXPECT_EQ(h.max(), Duration{0});
  EXPECT_EQ(h.mean(), Duration{0});
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int us = 1; us <= 10; ++us) h.record(microseconds(us));
  EXPECT_EQ(h.count(), 10u);
  EXPECT_EQ(h.percentile(50), microseconds(5));
  EXPECT_EQ(h.percentile(90), microseconds(9));
  EXPECT_EQ(h.percentile(100), microseconds(10));
  EXPECT_EQ(h.percentile(0), microseconds(1));
  EXPECT_EQ(h.min(), microseconds(1));
  EXPECT_EQ(h.max(), microseconds(10));
  EXPECT_EQ(h.mean(), microseconds(5));  // 55 / 10, truncated
}

TEST(LatencyHistogram, PercentilesWithinOneSixtyFourth) {
  LatencyHistogram h;
  for (int ms = 1; ms <= 1000; ++ms) h.record(milliseconds(ms));  // 1 ms .. 1 s, uniform
  auto near = [](Duration got, Duration want) {
    const double rel =
        std::abs(static_cast<double>((got - want).count())) / static_cast<double>(want.count());
    return rel <= 1.0 / 64;
  };
  EXPECT_TRUE(near(h.percentile(50), milliseconds(500))) << h.percentile(50).count();
  EXPECT_TRUE(near(h.percentile(90), milliseconds(900))) << h.percentile(90).count();
  EXPECT_TRUE(near(h.percentile(99), milliseconds(990))) << h.percentile(99).count();
  EXPECT_EQ(h.percentile(100), milliseconds(1000));  // clamped to the exact max
  EXPECT_EQ(h.min(), milliseconds(1));
}

TEST(LatencyHistogram, OneSlowOutlierMovesOnlyTheTail) {
  LatencyHistogram h;
  for (int i = 0; i < 99; ++i) h.record(microseconds(800));
  h.record(seconds(3));  // a retransmitted setup
  EXPECT_EQ(h.percentile(50), microseconds(800));
  EXPECT_EQ(h.percentile(99), microseconds(800));
  EXPECT_EQ(h.percentile(99.5), seconds(3));
}

TEST(LatencyHistogram, NegativeAndHugeAreClamped) {
  LatencyHistogram h;
  h.record(microseconds(-5));
  h.record(hours(24 * 365 * 100));  // beyond the last bucket
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), Duration{0});
  EXPECT_EQ(h.percentile(100), hours(24 * 365 * 100));
}

}  // namespace
}  // namespace tern::tools

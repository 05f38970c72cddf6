// Setup latencies for tern-load: a log-linear histogram of microseconds
// (HDR-style): exact below 64 µs, then 64 buckets per power of two, so that
// any recorded value is known to within 1/64 (1.6 %) and memory stays fixed
// (a few KB) however many setups are recorded. Percentiles are read back as
// the middle of the bucket that holds the rank, clamped to the exact min and
// max (the buckets of the min and the max answer with them exactly).
// Nothing here fails.
#pragma once

#include <cstdint>
#include <vector>

#include "base/time.h"

namespace tern::tools {

class LatencyHistogram {
 public:
  LatencyHistogram();
  void record(Duration latency);  // negative: counted as 0
  uint64_t count() const { return count_; }
  // p in [0, 100]: the smallest recorded value (within 1.6 %) that at least
  // p % of the samples do not exceed. 0 when nothing was recorded.
  Duration percentile(double p) const;
  Duration min() const { return Duration{count_ ? min_us_ : 0}; }
  Duration max() const { return Duration{max_us_}; }
  Duration mean() const;

 private:
  static size_t bucket_of(uint64_t us);
  static uint64_t lower_bound_of(size_t bucket);
  static uint64_t width_of(size_t bucket);

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t sum_us_ = 0;
  int64_t min_us_ = 0;
  int64_t max_us_ = 0;
};

}  // namespace tern::tools

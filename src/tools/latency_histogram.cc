#include "tools/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tern::tools {
namespace {

constexpr uint64_t kSub = 64;          // buckets per power of two (and the exact range below it)
constexpr unsigned kSubBits = 6;       // log2(kSub)
constexpr unsigned kMaxExponent = 40;  // 2^40 µs, about 12.7 days: anything longer is clamped

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kSub + (kMaxExponent - kSubBits + 1) * kSub, 0) {}

size_t LatencyHistogram::bucket_of(uint64_t us) {
  if (us < kSub) return static_cast<size_t>(us);
  unsigned e = static_cast<unsigned>(std::bit_width(us)) - 1;  // >= kSubBits
  if (e > kMaxExponent) return kSub + (kMaxExponent - kSubBits + 1) * kSub - 1;
  const uint64_t sub = (us >> (e - kSubBits)) - kSub;
  return static_cast<size_t>(kSub + (e - kSubBits) * kSub + sub);
}

uint64_t LatencyHistogram::lower_bound_of(size_t bucket) {
  if (bucket < kSub) return bucket;
  const uint64_t e = (bucket - kSub) / kSub + kSubBits;
  const uint64_t sub = (bucket - kSub) % kSub;
  return (kSub + sub) << (e - kSubBits);
}

uint64_t LatencyHistogram::width_of(size_t bucket) {
  if (bucket < kSub) return 1;
  return uint64_t{1} << ((bucket - kSub) / kSub);
}

void LatencyHistogram::record(Duration latency) {
  const int64_t us = std::max<int64_t>(latency.count(), 0);
  ++buckets_[bucket_of(static_cast<uint64_t>(us))];
  if (count_ == 0 || us < min_us_) min_us_ = us;
  max_us_ = std::max(max_us_, us);
  ++count_;
  sum_us_ += static_cast<uint64_t>(us);
}

Duration LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return Duration{0};
  p = std::clamp(p, 0.0, 100.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen < rank) continue;
    // The extreme buckets answer with the exact extremes they hold.
    if (b == bucket_of(static_cast<uint64_t>(max_us_))) return Duration{max_us_};
    if (b == bucket_of(static_cast<uint64_t>(min_us_))) return Duration{min_us_};
    const auto mid = static_cast<int64_t>(lower_bound_of(b) + (width_of(b) - 1) / 2);
    return Duration{std::clamp(mid, min_us_, max_us_)};
  }
  return Duration{max_us_};
}

Duration LatencyHistogram::mean() const {
  return Duration{count_ ? static_cast<int64_t>(sum_us_ / count_) : 0};
}

}  // namespace tern::tools

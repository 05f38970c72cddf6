// Strong time types without a clock. The engine is told the time; it never
// asks for it. io/ converts a real monotonic clock into Timestamp.
//
//   Timestamp now = ...;                 // given by the caller
//   Timestamp deadline = now + seconds(4);
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern {

// A monotonic time line with an arbitrary epoch. Deliberately has no now():
// only io/ (and tests' fake clocks) make Timestamps.
struct MonotonicTime {
  using rep = int64_t;
  using period = std::micro;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<MonotonicTime, duration>;
  static constexpr bool is_steady = true;
};

using Duration = MonotonicTime::duration;
using Timestamp = MonotonicTime::time_point;

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Timestamp from microseconds since the arbitrary epoch (fake clocks, io/).
constexpr Timestamp timestamp_from_us(int64_t us) {
  return Timestamp{Duration{us}};
}

// "90s", "30m", "4h", "1d", "250ms", "1.5s". nullopt when malformed or negative.
std::optional<Duration> parse_duration(std::string_view text);
// Shortest exact form: "4h", "90s", "250ms".
std::string format_duration(Duration d);

}  // namespace tern

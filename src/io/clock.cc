#include "io/clock.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tern::io {

Clock::Clock()
    : steady_origin_(std::chrono::steady_clock::now()), wall_origin_(std::chrono::system_clock::now()) {}

Timestamp Clock::now() const {
  // The epoch is the clock's creation plus one second, so that no real time is Timestamp zero.
  auto since = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - steady_origin_);
  return Timestamp{since + seconds(1)};
}

std::string Clock::wall_text(Timestamp t) const {
  const auto since = t.time_since_epoch() - seconds(1);
  const auto wall = wall_origin_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(since);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(wall));
}

std::string Clock::wall_now() const {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

Duration Clock::wall_offset() const {
  const Timestamp mono = now();
  const auto wall = std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
  return wall - mono.time_since_epoch();
}

std::chrono::steady_clock::time_point Clock::steady(Timestamp t) const {
  const auto since = t.time_since_epoch() - seconds(1);
  return steady_origin_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(since);
}

}  // namespace tern::io

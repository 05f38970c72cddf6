// The daemon's clocks: the only place tern reads the time. The engine runs on
// Timestamps (base/time.h) taken from the monotonic clock here; operators read
// wall-clock times, so the same object turns a Timestamp into RFC 3339 UTC
// text, using the offset between the two clocks sampled when it was made.
// Nothing here fails.
#pragma once

#include <chrono>
#include <string>

#include "base/time.h"

namespace tern::io {

class Clock {
 public:
  Clock();
  Timestamp now() const;
  // "2026-11-25T17:03:04Z" for a Timestamp of this clock.
  std::string wall_text(Timestamp t) const;
  // The wall-clock time now, same format.
  std::string wall_now() const;
  // What to add to a Timestamp of this clock (after the Unix epoch) to get
  // the wall-clock time now: read afresh on each call, so that it follows a
  // stepped system clock (ike::Endpoint::set_wall_clock_offset).
  Duration wall_offset() const;
  // Timestamp -> the steady clock's time point (for Asio timers).
  std::chrono::steady_clock::time_point steady(Timestamp t) const;

 private:
  std::chrono::steady_clock::time_point steady_origin_;
  std::chrono::system_clock::time_point wall_origin_;
};

}  // namespace tern::io

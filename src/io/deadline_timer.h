// One Asio timer that follows a "next deadline" (a Timestamp of io::Clock, or
// none): ternd's event loop and each worker arm it after every input with
// what is due next (an Endpoint's next_deadline(), pending `ternctl up`s, the
// data-plane poll). Arming it again for the same deadline does nothing;
// another deadline cancels the wait and starts a new one; nullopt disarms it.
// When the deadline passes, `on_due` runs on the timer's io_context thread,
// once, and the timer is unarmed until arm() is called again.
//
// Who owns what: the owner keeps the io_context and the Clock alive longer
// than this object. Not thread-safe: arm() only from the io_context's thread.
// Nothing here fails.
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <optional>

#include "base/time.h"
#include "io/clock.h"

namespace tern::io {

class DeadlineTimer {
 public:
  DeadlineTimer(asio::io_context& io, const Clock& clock, std::function<void()> on_due);
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  void arm(std::optional<Timestamp> next);
  // For an owner whose on_due may run early (it looks at what is due and
  // arms again, as ternd's workers do with Endpoint::on_timer): a deadline
  // later than the wait in progress, or none, keeps that wait, which then
  // fires early once; an earlier one re-arms. An Endpoint's next deadline
  // moves later with most inputs (an SA's setup timeout gives way to its
  // rekey time), and each re-arm is a cancel, a completion and a
  // timerfd_settime.
  void arm_no_later_than(std::optional<Timestamp> next);

 private:
  const Clock& clock_;
  std::function<void()> on_due_;
  asio::steady_timer timer_;
  std::optional<Timestamp> armed_for_;
};

}  // namespace tern::io

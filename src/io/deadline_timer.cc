// See deadline_timer.h.
#include "io/deadline_timer.h"

namespace tern::io {

DeadlineTimer::DeadlineTimer(asio::io_context& io, const Clock& clock, std::function<void()> on_due)
    : clock_(clock), on_due_(std::move(on_due)), timer_(io) {}

void DeadlineTimer::arm_no_later_than(std::optional<Timestamp> next) {
  if (armed_for_ && (!next || *armed_for_ <= *next)) return;
  arm(next);
}

void DeadlineTimer::arm(std::optional<Timestamp> next) {
  if (next == armed_for_) return;
  armed_for_ = next;
  timer_.cancel();
  if (!next) return;
  timer_.expires_at(clock_.steady(*next));
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    armed_for_.reset();
    on_due_();
  });
}

}  // namespace tern::io

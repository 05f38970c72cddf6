// io::DeadlineTimer on a real io_context and the steady clock: arm() follows
// the deadline exactly; arm_no_later_than() keeps a wait in progress for a
// later deadline (so the owner's on_due runs early once) and re-arms for an
// earlier one. Deadlines are tens of milliseconds away; the tests only check
// how many times on_due ran and that it never ran before its time.
#include "io/deadline_timer.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <vector>

namespace tern::io {
namespace {

using std::chrono::milliseconds;

struct Fixture {
  asio::io_context io;
  Clock clock;
  const Timestamp start = clock.now();
  std::vector<Timestamp> fired;  // when on_due ran
  DeadlineTimer timer{io, clock, [this] { fired.push_back(clock.now()); }};

  Timestamp at(int ms) const { return start + milliseconds(ms); }
  // Runs the loop for 200 ms; how many times on_due ran meanwhile.
  size_t run() {
    fired.clear();
    io.restart();
    io.run_for(milliseconds(200));
    return fired.size();
  }
};

TEST(DeadlineTimer, ArmFollowsALaterDeadline) {
  Fixture f;
  f.timer.arm(f.at(20));
  f.timer.arm(f.at(60));  // moved later: the first wait is cancelled
  ASSERT_EQ(f.run(), 1u);
  EXPECT_GE(f.fired[0], f.at(60));
}

TEST(DeadlineTimer, ArmNoLaterThanKeepsTheEarlierWait) {
  Fixture f;
  f.timer.arm(f.at(20));
  f.timer.arm_no_later_than(f.at(5'000));  // later: the 20 ms wait stays, and fires early for it
  ASSERT_EQ(f.run(), 1u);
  EXPECT_GE(f.fired[0], f.at(20));
  EXPECT_LT(f.fired[0], f.at(5'000));
}

TEST(DeadlineTimer, ArmNoLaterThanMovesToAnEarlierDeadline) {
  Fixture f;
  f.timer.arm(f.at(5'000));
  f.timer.arm_no_later_than(f.at(20));
  ASSERT_EQ(f.run(), 1u);
  EXPECT_GE(f.fired[0], f.at(20));
}

TEST(DeadlineTimer, ArmNoLaterThanArmsWhenNothingIsArmed) {
  Fixture f;
  f.timer.arm_no_later_than(f.at(20));
  ASSERT_EQ(f.run(), 1u);
  EXPECT_GE(f.fired[0], f.at(20));
}

TEST(DeadlineTimer, NothingDueKeepsTheWaitOnceButArmDisarms) {
  Fixture f;
  f.timer.arm(f.at(20));
  f.timer.arm_no_later_than(std::nullopt);  // nothing due: the wait fires once, early
  EXPECT_EQ(f.run(), 1u);
  EXPECT_EQ(f.run(), 0u);  // and is not armed again

  f.timer.arm(f.clock.now() + milliseconds(50));
  f.timer.arm(std::nullopt);  // arm() disarms at once
  EXPECT_EQ(f.run(), 0u);
}

}  // namespace
}  // namespace tern::io

// io::DeadlineTimer on a real io_context and the steady clock: arm() follows
// the deadline exactly; arm_no_later_than() keeps a wait in progress for a
// later deadline (so the owner's on_due runs early once) and re-arms for an
// earlier one. Deadlines are tens of milliseconds away; the test only checks
// which fired first and that nothing fired before its time.
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
  std::vector<Timestamp> fired;  // when on_due ran
  DeadlineTimer timer{io, clock, [this] { fired.push_back(clock.now()); }};

  void run_for(milliseconds d) {
    io.restart();
    io.run_for(d);
  }
};

TEST(DeadlineTimer, ArmFollowsALaterDeadline) {
  Fixture f;
  const Timestamp start = f.clock.now();
  f.timer.arm(start + milliseconds(20));
  f.timer.arm(start + milliseconds(60));  // moved later: the first wait is cancelled
  f.run_for(milliseconds(200));
  ASSERT_EQ(f.fired.size(), 1u);
  EXPECT_GE(f.fired[0], start + milliseconds(60));
}

TEST(DeadlineTimer, ArmNoLaterThanKeepsTheEarlierWait) {
  Fixture f;
  const Timestamp start = f.clock.now();
  f.timer.arm(start + milliseconds(20));
  f.timer.arm_no_later_than(start + milliseconds(5'000));  // later: the 20 ms wait stays
  f.run_for(milliseconds(200));
  ASSERT_EQ(f.fired.size(), 1u);
  EXPECT_GE(f.fired[0], start + milliseconds(20));
  EXPECT_LT(f.fired[0], start + milliseconds(5'000));
}

TEST(DeadlineTimer, ArmNoLaterThanMovesToAnEarlierDeadline) {
  Fixture f;
  const Timestamp start = f.clock.now();
  f.timer.arm(start + milliseconds(5'000));
  f.timer.arm_no_later_than(start + milliseconds(20));
  f.run_for(milliseconds(200));
  ASSERT_EQ(f.fired.size(), 1u);
  EXPECT_GE(f.fired[0], start + milliseconds(20));
}

TEST(DeadlineTimer, ArmNoLaterThanWithNoDeadlineKeepsTheWaitAndArmDisarms) {
  Fixture f;
  const Timestamp start = f.clock.now();
  f.timer.arm(start + milliseconds(20));
  f.timer.arm_no_later_than(std::nullopt);  // nothing due: the wait fires once, early
  f.run_for(milliseconds(200));
  EXPECT_EQ(f.fired.size(), 1u);

  f.timer.arm(start + milliseconds(100));
  f.timer.arm(std::nullopt);  // arm() disarms
  f.run_for(milliseconds(200));
  EXPECT_EQ(f.fired.size(), 1u);
}

TEST(DeadlineTimer, ArmNoLaterThanArmsWhenNothingIsArmed) {
  Fixture f;
  const Timestamp start = f.clock.now();
  f.timer.arm_no_later_than(start + milliseconds(20));
  f.run_for(milliseconds(200));
  ASSERT_EQ(f.fired.size(), 1u);
  EXPECT_GE(f.fired[0], start + milliseconds(20));
}

}  // namespace
}  // namespace tern::io

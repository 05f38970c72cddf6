// The Endpoint's deadline queue (deadline_queue.h): one armed time per IKE
// SA, the earliest on top, due SAs taken out in id order; re-arming and
// cancelling leave stale heap entries that are never reported.
#include "ike/deadline_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace tern::ike {
namespace {

constexpr Timestamp at(int64_t s) {
  return Timestamp{seconds(s)};
}

IkeSaId sa(uint64_t n) {
  return static_cast<IkeSaId>(n);
}

TEST(DeadlineQueue, EmptyHasNoDeadlineAndNothingDue) {
  DeadlineQueue q;
  EXPECT_EQ(q.next(), std::nullopt);
  EXPECT_TRUE(q.take_due(at(1000)).empty());
  EXPECT_EQ(q.size(), 0u);
}

TEST(DeadlineQueue, NextIsTheEarliestAndDueComeOutInIdOrder) {
  DeadlineQueue q;
  q.set(sa(3), at(30));
  q.set(sa(1), at(20));
  q.set(sa(2), at(10));
  q.set(sa(4), at(40));
  EXPECT_EQ(q.next(), at(10));
  EXPECT_TRUE(q.take_due(at(9)).empty());
  // Due at 30: SAs 1, 2 and 3, reported by id (the order on_timer visits them), not by time.
  EXPECT_EQ(q.take_due(at(30)), (std::vector<IkeSaId>{sa(1), sa(2), sa(3)}));
  EXPECT_EQ(q.next(), at(40));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.armed(sa(1)), std::nullopt);  // taken out: disarmed until set again
}

TEST(DeadlineQueue, ReArmingLaterMovesTheTopAndTheOldTimeNeverFires) {
  DeadlineQueue q;
  q.set(sa(1), at(10));
  q.set(sa(2), at(20));
  q.set(sa(1), at(50));  // e.g. a message arrived: its liveness check moves later
  EXPECT_EQ(q.next(), at(20));
  EXPECT_EQ(q.take_due(at(20)), std::vector<IkeSaId>{sa(2)});
  EXPECT_TRUE(q.take_due(at(49)).empty());
  EXPECT_EQ(q.take_due(at(50)), std::vector<IkeSaId>{sa(1)});
}

TEST(DeadlineQueue, ReArmingEarlierTakesEffectAtOnce) {
  DeadlineQueue q;
  q.set(sa(1), at(100));
  q.set(sa(1), at(5));  // e.g. a request went out: its retransmit is due sooner
  EXPECT_EQ(q.next(), at(5));
  EXPECT_EQ(q.take_due(at(5)), std::vector<IkeSaId>{sa(1)});
  EXPECT_TRUE(q.take_due(at(100)).empty());  // the older, later entry is stale
}

TEST(DeadlineQueue, CancelOnSaDeathRemovesItForGood) {
  DeadlineQueue q;
  q.set(sa(1), at(10));
  q.set(sa(2), at(20));
  q.cancel(sa(1));  // the SA was destroyed
  EXPECT_EQ(q.next(), at(20));
  EXPECT_EQ(q.armed(sa(1)), std::nullopt);
  EXPECT_EQ(q.take_due(at(100)), std::vector<IkeSaId>{sa(2)});
  EXPECT_EQ(q.next(), std::nullopt);
}

TEST(DeadlineQueue, CancelledThenArmedAgainForTheSameTimeIsReportedOnce) {
  DeadlineQueue q;
  q.set(sa(7), at(10));
  q.cancel(sa(7));
  q.set(sa(7), at(10));  // two heap entries with the same time and id
  EXPECT_EQ(q.take_due(at(10)), std::vector<IkeSaId>{sa(7)});
  EXPECT_TRUE(q.take_due(at(10)).empty());
}

TEST(DeadlineQueue, SettingTheSameTimeAgainAddsNoEntry) {
  DeadlineQueue q;
  for (int i = 0; i < 1000; ++i) q.set(sa(1), at(10));
  EXPECT_EQ(q.heap_size(), 1u);
}

TEST(DeadlineQueue, StaleEntriesStayBoundedUnderConstantReArming) {
  // 100 SAs each re-armed later 1,000 times (a busy SA table whose deadlines
  // keep moving): the heap is compacted, never 100,000 entries.
  DeadlineQueue q;
  for (int round = 0; round < 1000; ++round) {
    for (uint64_t n = 1; n <= 100; ++n) q.set(sa(n), at(1000 + round));
  }
  EXPECT_EQ(q.size(), 100u);
  EXPECT_LE(q.heap_size(), 2 * 100u + 64u + 1u);
  EXPECT_EQ(q.next(), at(1999));
  EXPECT_EQ(q.take_due(at(1999)).size(), 100u);
}

TEST(DeadlineQueue, AgreesWithABruteForceMinimumUnderRandomOperations) {
  DeadlineQueue q;
  std::vector<std::optional<Timestamp>> model(50);
  uint64_t x = 12345;
  auto next_random = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  int64_t now = 0;
  for (int step = 0; step < 20000; ++step) {
    const size_t n = next_random() % model.size();
    const uint64_t op = next_random() % 10;
    if (op < 6) {
      const Timestamp when = at(now + static_cast<int64_t>(next_random() % 100));
      q.set(sa(n + 1), when);
      model[n] = when;
    } else if (op < 8) {
      q.cancel(sa(n + 1));
      model[n].reset();
    } else {
      now += static_cast<int64_t>(next_random() % 20);
      std::vector<IkeSaId> expected;
      for (size_t i = 0; i < model.size(); ++i) {
        if (model[i] && *model[i] <= at(now)) {
          expected.push_back(sa(i + 1));
          model[i].reset();
        }
      }
      ASSERT_EQ(q.take_due(at(now)), expected) << "step " << step;
    }
    std::optional<Timestamp> earliest;
    for (const auto& t : model) {
      if (t && (!earliest || *t < *earliest)) earliest = t;
    }
    ASSERT_EQ(q.next(), earliest) << "step " << step;
  }
}

}  // namespace
}  // namespace tern::ike

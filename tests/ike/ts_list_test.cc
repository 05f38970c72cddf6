// TsList (ike/ts_list.h): a CHILD_SA's selectors of one side, one inline and
// more on the heap, read like the std::vector they are made from.
#include "ike/ts_list.h"

#include <gtest/gtest.h>

#include <vector>

namespace tern::ike {
namespace {

using wire::TrafficSelector;

TrafficSelector host(uint8_t last) {
  return TrafficSelector::ipv4_range({192, 0, 2, last}, {192, 0, 2, last});
}

TEST(TsList, OneSelectorInlineMoreOnTheHeapAllReadLikeTheVector) {
  static_assert(sizeof(TsList) == 48);
  for (size_t n : {0u, 1u, 2u, 5u}) {
    std::vector<TrafficSelector> v;
    for (size_t i = 0; i < n; ++i) v.push_back(host(static_cast<uint8_t>(i + 1)));
    const TsList list = v;
    EXPECT_EQ(list.size(), n);
    EXPECT_EQ(list.empty(), n == 0);
    EXPECT_EQ(list, v);
    EXPECT_EQ(list.to_vector(), v);
    size_t i = 0;
    for (const TrafficSelector& ts : list) EXPECT_EQ(ts, v[i++]);
  }
}

TEST(TsList, CopiesAreDeepAndMovesLeaveAnEmptyList) {
  TsList one = {host(1)};
  TsList two = {host(1), host(2)};
  TsList copy = two;
  two = one;  // the heap array goes, the inline one comes
  EXPECT_EQ(two, one);
  EXPECT_EQ(copy, (std::vector{host(1), host(2)}));
  TsList moved = std::move(copy);
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  moved = std::vector<TrafficSelector>{};
  EXPECT_TRUE(moved.empty());
}

}  // namespace
}  // namespace tern::ike

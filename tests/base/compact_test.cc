// The compact containers of the engine's per-SA state (docs/benchmarks.md
// "Memory per SA"): FlatTable (open addressing, backward-shift deletion),
// SentinelOptional (an optional without a flag), RareString (an empty string
// as one null pointer).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>

#include "base/flat_table.h"
#include "base/rare_string.h"
#include "base/sentinel_optional.h"

namespace tern {
namespace {

struct Pair {
  uint64_t key = 0;  // 0: empty slot
  uint64_t value = 0;
};
// hash(key) = key: the test places keys in the slots it wants, to build clusters.
struct IdentityTraits {
  using Key = uint64_t;
  static Key key(const Pair& p) { return p.key; }
  static bool is_empty(const Pair& p) { return p.key == 0; }
  static uint64_t hash(Key k) { return k; }
};
struct MixedTraits : IdentityTraits {
  static uint64_t hash(Key k) { return mix_hash(k); }
};
using Table = FlatTable<Pair, IdentityTraits>;

TEST(FlatTable, FindsWhatWasInsertedAndNothingElse) {
  Table t;
  EXPECT_EQ(t.find(7), nullptr);  // empty: no slots at all
  t.insert({7, 70});
  t.insert({9, 90});
  ASSERT_NE(t.find(7), nullptr);
  EXPECT_EQ(t.find(7)->value, 70u);
  EXPECT_EQ(t.find(9)->value, 90u);
  EXPECT_EQ(t.find(8), nullptr);
  EXPECT_EQ(t.size(), 2u);
}

TEST(FlatTable, EraseInsideAClusterKeepsEveryLaterEntryReachable) {
  Table t;
  t.reserve(4);  // 16 slots: keys 1, 17, 33 all have home slot 1; 2 has home 2
  t.insert({1, 10});
  t.insert({17, 170});  // slot 2
  t.insert({2, 20});    // home 2 taken: slot 3
  t.insert({33, 330});  // slot 4
  ASSERT_EQ(t.capacity(), 16u);
  EXPECT_TRUE(t.erase(1));  // the hole at slot 1 is filled by shifting back
  EXPECT_EQ(t.find(1), nullptr);
  EXPECT_EQ(t.find(17)->value, 170u);
  EXPECT_EQ(t.find(2)->value, 20u);
  EXPECT_EQ(t.find(33)->value, 330u);
  EXPECT_FALSE(t.erase(1));
  EXPECT_EQ(t.size(), 3u);
}

TEST(FlatTable, EraseWhereTheClusterWrapsAroundTheEnd) {
  Table t;
  t.reserve(4);               // 16 slots
  t.insert({15, 1});          // slot 15
  t.insert({31, 2});          // home 15: wraps to slot 0
  t.insert({0 + 16 * 3, 3});  // key 48, home 0: slot 1
  EXPECT_TRUE(t.erase(15));
  EXPECT_EQ(t.find(31)->value, 2u);
  EXPECT_EQ(t.find(48)->value, 3u);
  EXPECT_TRUE(t.erase(31));
  EXPECT_EQ(t.find(48)->value, 3u);
}

// Tagged tables (flat_table.h): 7 bits of the hash per slot, the key read
// only where they match.
struct TaggedTraits : MixedTraits {
  static constexpr bool kTagged = true;
};
// Every key gets the same tag (the identity hash of small keys has its top
// bits zero): the key comparison alone tells entries apart.
struct SameTagTraits : IdentityTraits {
  static constexpr bool kTagged = true;
};
// Counts the key reads (in an engine table, each is a cache miss into an SA).
struct CountingTraits : TaggedTraits {
  static inline size_t reads = 0;
  static Key key(const Pair& p) {
    ++reads;
    return p.key;
  }
};

template <class Traits>
void agrees_with_unordered_map() {
  FlatTable<Pair, Traits> t;
  std::unordered_map<uint64_t, uint64_t> reference;
  std::mt19937_64 random(42);
  for (int step = 0; step < 20000; ++step) {
    const uint64_t key = 1 + random() % 500;
    if (random() % 3 == 0) {
      EXPECT_EQ(t.erase(key), reference.erase(key) == 1) << "step " << step;
    } else if (Pair* p = t.find(key)) {
      p->value = static_cast<uint64_t>(step);
      reference[key] = static_cast<uint64_t>(step);
    } else {
      EXPECT_FALSE(reference.contains(key)) << "step " << step;
      t.insert({key, static_cast<uint64_t>(step)});
      reference[key] = static_cast<uint64_t>(step);
    }
  }
  EXPECT_EQ(t.size(), reference.size());
  for (const auto& [key, value] : reference) {
    ASSERT_NE(t.find(key), nullptr);
    EXPECT_EQ(t.find(key)->value, value);
  }
  size_t visited = 0;
  t.for_each([&](const Pair&) { ++visited; });
  EXPECT_EQ(visited, reference.size());
  EXPECT_LE(t.size() * 4, t.capacity() * 3);  // at most 3/4 full
}

TEST(FlatTable, AgreesWithUnorderedMapOverRandomInsertsAndErases) {
  agrees_with_unordered_map<MixedTraits>();
}
TEST(FlatTable, TaggedAgreesWithUnorderedMap) {
  agrees_with_unordered_map<TaggedTraits>();
}
TEST(FlatTable, TaggedWithEveryTagEqualAgreesWithUnorderedMap) {
  agrees_with_unordered_map<SameTagTraits>();
}

TEST(FlatTable, TaggedLookUpsReadAlmostNoKeys) {
  FlatTable<Pair, CountingTraits> t;
  for (uint64_t key = 1; key <= 3000; ++key) t.insert({key, key});  // ~3/8 to 3/4 full
  CountingTraits::reads = 0;
  for (uint64_t key = 1'000'000; key < 1'010'000; ++key) EXPECT_EQ(t.find(key), nullptr);
  // Untagged, every probe of a miss reads a key (several per look-up); tagged,
  // only a probe whose 7 tag bits match by chance (1 in 128).
  EXPECT_LT(CountingTraits::reads, 1'000u);
  CountingTraits::reads = 0;
  for (uint64_t key = 1; key <= 3000; ++key) ASSERT_EQ(t.find(key)->value, key);
  EXPECT_LT(CountingTraits::reads, 3'000u + 300u);  // the entry's own key, and rarely another
}

struct NoInt {
  static constexpr int value() { return -1; }
};

TEST(SentinelOptional, ReadsLikeStdOptionalInTheSpaceOfTheValue) {
  static_assert(sizeof(OptionalTimestamp) == sizeof(Timestamp));
  OptionalTimestamp t;
  EXPECT_FALSE(t.has_value());
  EXPECT_EQ(t, std::nullopt);
  EXPECT_EQ(std::optional<Timestamp>(t), std::nullopt);
  t = timestamp_from_us(5);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, timestamp_from_us(5));
  EXPECT_EQ(t, timestamp_from_us(5));
  EXPECT_EQ(t, std::optional<Timestamp>(timestamp_from_us(5)));
  EXPECT_EQ(t.value_or(timestamp_from_us(9)), timestamp_from_us(5));
  t.reset();
  EXPECT_EQ(t.value_or(timestamp_from_us(9)), timestamp_from_us(9));
  t = std::optional<Timestamp>(timestamp_from_us(0));  // zero is a time like any other
  EXPECT_TRUE(t.has_value());
  SentinelOptional<int, NoInt> i = 0;
  EXPECT_TRUE(i.has_value());
  i = std::nullopt;
  EXPECT_FALSE(i.has_value());
}

TEST(RareString, EmptyHoldsNothingAndTextReadsLikeAString) {
  static_assert(sizeof(RareString) == sizeof(void*));
  RareString s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.str(), "");
  s = std::string("peer refused PFS");
  EXPECT_EQ(s, "peer refused PFS");
  EXPECT_EQ(s, std::string("peer refused PFS"));
  const std::string& as_string = s;
  EXPECT_EQ(as_string.size(), 16u);
  RareString copy = s;  // deep
  s = "";
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(copy, "peer refused PFS");
}

}  // namespace
}  // namespace tern

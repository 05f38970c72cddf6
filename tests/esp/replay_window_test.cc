// The anti-replay window (RFC 4303 §3.4.3, Appendix A; RFC 6479 bitmap) as a
// numbered truth table. Each row: the window's state (its size, ESN or not,
// and the sequence numbers committed before, in order), the Sequence Number
// on the wire, the verdict of check() (the full sequence number, or "drop"),
// and the state after committing an accepted packet: the highest sequence
// number and every number still marked inside the window.
#include "esp/replay_window.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <set>
#include <vector>

namespace tern::esp {
namespace {

using wire::EsnId;

constexpr std::nullopt_t drop = std::nullopt;

struct Row {
  int n;
  const char* what;
  uint32_t size;
  EsnId esn;
  std::vector<uint64_t> before;  // committed, in this order
  uint32_t seq_on_wire;
  std::optional<uint64_t> verdict;
  uint64_t highest_after;
  std::vector<uint64_t> marked_after;
};

std::vector<uint64_t> marked(const ReplayWindow& w) {
  std::vector<uint64_t> out;
  if (w.size() == 0) return out;
  const uint64_t top = w.highest();
  const uint64_t low = top >= w.size() ? top - w.size() + 1 : 1;
  for (uint64_t s = low; s <= top && s != 0; ++s)
    if (w.is_marked(s)) out.push_back(s);
  return out;
}

const uint64_t k2p32 = uint64_t{1} << 32;

// clang-format off
const Row kRows[] = {
  // n  what                                                   size  esn            before                      wire          verdict        highest after  marked after
  { 1, "first packet",                                           64, EsnId::NO_ESN, {},                         1,            1,             1,             {1}},
  { 2, "sequence number 0 is never sent",                        64, EsnId::NO_ESN, {},                         0,            drop,          0,             {}},
  { 3, "the same packet again",                                  64, EsnId::NO_ESN, {1},                        1,            drop,          1,             {1}},
  { 4, "the next one",                                           64, EsnId::NO_ESN, {1},                        2,            2,             2,             {1, 2}},
  { 5, "a replay inside the window",                             64, EsnId::NO_ESN, {1, 2, 3},                  2,            drop,          3,             {1, 2, 3}},
  { 6, "a late packet fills its hole",                           64, EsnId::NO_ESN, {1, 3},                     2,            2,             3,             {1, 2, 3}},
  { 7, "the left edge (highest - 63) is inside",                 64, EsnId::NO_ESN, {100},                      37,           37,            100,           {37, 100}},
  { 8, "one left of the edge is too old",                        64, EsnId::NO_ESN, {100},                      36,           drop,          100,           {100}},
  { 9, "right of the window: slides by one",                     64, EsnId::NO_ESN, {100},                      101,          101,           101,           {100, 101}},
  {10, "a slide pushes old numbers out",                         64, EsnId::NO_ESN, {1, 2},                     66,           66,            66,            {66}},
  {11, "a jump past the whole bitmap clears it",                 64, EsnId::NO_ESN, {1, 5, 9},                  1000,         1000,          1000,          {1000}},
  {12, "across a 64-bit block boundary",                         64, EsnId::NO_ESN, {64},                       127,          127,           127,           {64, 127}},
  {13, "a slide keeps what is still inside",                     64, EsnId::NO_ESN, {60, 63, 64, 65},           124,          124,           124,           {63, 64, 65, 124}},
  {14, "the last 32-bit sequence number",                        64, EsnId::NO_ESN, {5},                        0xffffffff,   0xffffffff,    0xffffffff,    {0xffffffff}},
  {15, "without ESN there is no wrap: 1 after 2^32-1 is old",    64, EsnId::NO_ESN, {0xffffffff},               1,            drop,          0xffffffff,    {0xffffffff}},
  {16, "size 1024: highest - 1023 is inside",                  1024, EsnId::NO_ESN, {2000},                     977,          977,           2000,          {977, 2000}},
  {17, "size 1024: highest - 1024 is too old",                 1024, EsnId::NO_ESN, {2000},                     976,          drop,          2000,          {2000}},
  {18, "size 1024: a replay deep in the window",               1024, EsnId::NO_ESN, {1100, 2000},               1100,         drop,          2000,          {1100, 2000}},
  {19, "window off (size 0): a replay is accepted",               0, EsnId::NO_ESN, {5},                        5,            5,             5,             {}},
  {20, "window off: sequence number 0 is still refused",          0, EsnId::NO_ESN, {5},                        0,            drop,          5,             {}},
  // ESN (Appendix A2.2): T = highest = Th:Tl, W = 64.
  {21, "ESN: first packet, high bits 0",                         64, EsnId::ESN,    {},                         1,            1,             1,             {1}},
  {22, "ESN: low bits 0 at the start would be number 0",         64, EsnId::ESN,    {},                         0,            drop,          0,             {}},
  {23, "ESN case A: small Seql after a high Tl is Th + 1",       64, EsnId::ESN,    {0xfffffff0},               5,            k2p32 + 5,     k2p32 + 5,     {0xfffffff0, k2p32 + 5}},
  {24, "ESN case B: high Seql after the wrap is Th - 1",         64, EsnId::ESN,    {k2p32 + 5},                0xfffffff0,   0xfffffff0,    k2p32 + 5,     {0xfffffff0, k2p32 + 5}},
  {25, "ESN case B: ... and a replay of it is dropped",           64, EsnId::ESN,    {0xfffffff0, k2p32 + 5},    0xfffffff0,   drop,          k2p32 + 5,     {0xfffffff0, k2p32 + 5}},
  {26, "ESN case B: below the window reads as ahead (Th)",       64, EsnId::ESN,    {k2p32 + 5},                0xffffffc5,   k2p32 + 0xffffffc5, k2p32 + 0xffffffc5, {k2p32 + 0xffffffc5}},
  {27, "ESN case B: the number after the highest",               64, EsnId::ESN,    {k2p32 + 5},                6,            k2p32 + 6,     k2p32 + 6,     {k2p32 + 5, k2p32 + 6}},
  {28, "ESN case A: the left edge keeps Th",                     64, EsnId::ESN,    {k2p32 + 64},               1,            k2p32 + 1,     k2p32 + 64,    {k2p32 + 1, k2p32 + 64}},
  {29, "ESN case A: left of the edge is the next subspace",      64, EsnId::ESN,    {k2p32 + 64},               0,            2 * k2p32,     2 * k2p32,     {2 * k2p32}},
  {30, "ESN case B with Th = 0: before number 1 is refused",     64, EsnId::ESN,    {5},                        0xfffffff0,   drop,          5,             {5}},
  {31, "ESN: no Th + 1 past the end of the 64-bit space",        64, EsnId::ESN,    {0xfffffffffffffff0},       5,            drop,          0xfffffffffffffff0, {0xfffffffffffffff0}},
  {32, "ESN, window off: inference still wraps",                  0, EsnId::ESN,    {0xffffffff},               3,            k2p32 + 3,     k2p32 + 3,     {}},
  {33, "ESN, window off: 2^31 behind stays in the subspace",      0, EsnId::ESN,    {k2p32 + 0x80000000},       1,            k2p32 + 1,     k2p32 + 0x80000000, {}},
};
// clang-format on

TEST(ReplayWindow, TruthTable) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(testing::Message() << "row " << row.n << ": " << row.what);
    ReplayWindow w(row.size, row.esn);
    for (uint64_t s : row.before) w.commit(s);
    const std::optional<uint64_t> verdict = w.check(row.seq_on_wire);
    EXPECT_EQ(verdict, row.verdict);
    if (verdict) w.commit(*verdict);
    EXPECT_EQ(w.highest(), row.highest_after);
    EXPECT_EQ(marked(w), row.marked_after);
  }
}

TEST(ReplayWindow, CheckAloneChangesNothing) {
  // Verify before authentication: a packet that is checked but never
  // committed (its ICV failed) leaves the window as it was.
  ReplayWindow w(64);
  w.commit(10);
  EXPECT_EQ(w.check(11), 11u);
  EXPECT_EQ(w.check(500), 500u);
  EXPECT_EQ(w.check(11), 11u);
  EXPECT_EQ(w.highest(), 10u);
  EXPECT_EQ(marked(w), std::vector<uint64_t>{10});
}

TEST(ReplayWindow, BitmapHasASpareBlock) {
  // RFC 6479: the window plus one block of 64, so sliding clears whole blocks
  // without losing the numbers still inside. Fill a 128-wide window
  // completely, then slide by one at every position of a block.
  ReplayWindow w(128);
  for (uint64_t s = 1; s <= 128; ++s) w.commit(s);
  for (uint64_t s = 129; s <= 400; ++s) {
    ASSERT_EQ(w.check(static_cast<uint32_t>(s)), s);
    w.commit(s);
    ASSERT_EQ(marked(w).size(), 128u) << s;
    ASSERT_FALSE(w.check(static_cast<uint32_t>(s - 127)).has_value()) << s;
    ASSERT_FALSE(w.check(static_cast<uint32_t>(s - 128)).has_value()) << s;
  }
}

TEST(ReplayWindow, AgreesWithASetOfSeenNumbers) {
  // A reference model: accept when new and within (highest - size, ...].
  for (uint32_t size : {64u, 128u, 1024u}) {
    SCOPED_TRACE(size);
    ReplayWindow w(size);
    std::set<uint64_t> seen;
    uint64_t highest = 0;
    std::mt19937_64 rng(size);
    uint64_t base = 1;
    for (int i = 0; i < 20000; ++i) {
      // Mostly in order, some reordered backwards, some duplicates, some jumps.
      const uint64_t r = rng() % 100;
      uint64_t s = base;
      if (r < 60) {
        s = base++;
      } else if (r < 90) {
        s = base > 2 * size ? base - rng() % (2 * size) : 1;
      } else if (r < 99) {
        s = base + rng() % (3 * size);
      } else {
        base += rng() % (4 * size);
        s = base;
      }
      const bool expect_accept = s != 0 && !seen.contains(s) && (s > highest || highest - s < size);
      const std::optional<uint64_t> got = w.check(static_cast<uint32_t>(s));
      ASSERT_EQ(got.has_value(), expect_accept) << "seq " << s << " highest " << highest;
      if (got) {
        w.commit(*got);
        seen.insert(s);
        highest = std::max(highest, s);
      }
    }
  }
}

TEST(ReplayWindow, EsnFollowsTheCounterAcrossManyWraps) {
  // A sender whose 64-bit counter crosses several 2^32 boundaries, with
  // reordering within the window: every packet is inferred right.
  ReplayWindow w(256, EsnId::ESN);
  uint64_t seq = 3 * k2p32 - 1000;
  w.commit(seq);
  for (int i = 0; i < 5000; ++i) {
    seq += 100;
    for (uint64_t s : {seq, seq - 150, seq - 50}) {
      const bool seen = w.is_marked(s);
      std::optional<uint64_t> got = w.check(static_cast<uint32_t>(s));
      if (seen) {
        ASSERT_FALSE(got.has_value()) << s;
      } else {
        ASSERT_EQ(got, s);
        w.commit(*got);
      }
    }
  }
  EXPECT_GT(w.highest(), 3 * k2p32);
}

TEST(ReplayWindow, ValidSizes) {
  EXPECT_TRUE(ReplayWindow::valid_size(0));
  EXPECT_TRUE(ReplayWindow::valid_size(64));
  EXPECT_TRUE(ReplayWindow::valid_size(1024));
  EXPECT_TRUE(ReplayWindow::valid_size(4096 + 64));
  EXPECT_FALSE(ReplayWindow::valid_size(32));
  EXPECT_FALSE(ReplayWindow::valid_size(100));
  EXPECT_EQ(ReplayWindow().size(), 128u);
}

}  // namespace
}  // namespace tern::esp

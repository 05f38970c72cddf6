// UDP segmentation offload: which ESP datagrams can share one UDP_SEGMENT
// send (all of one size, the last possibly shorter, within the kernel's
// segment and size limits), and splitting a received UDP_GRO run back into
// the datagrams that were sent.
#include "io/udp_gso.h"

#include <gtest/gtest.h>

#include <vector>

namespace tern::io {
namespace {

// Views of `sizes.size()` packets of the given sizes (contents irrelevant).
struct Packets {
  explicit Packets(std::vector<size_t> sizes) {
    for (size_t s : sizes) storage.emplace_back(s, uint8_t{0x5a});
    for (const auto& p : storage) views.emplace_back(p.data(), p.size());
  }
  std::vector<std::vector<uint8_t>> storage;
  std::vector<ByteView> views;
};

TEST(GsoRun, EmptyIsZero) {
  EXPECT_EQ(gso_run({}), 0u);
}

TEST(GsoRun, OnePacketIsARunOfOne) {
  Packets p({1450});
  EXPECT_EQ(gso_run(p.views), 1u);
}

TEST(GsoRun, EqualSizesWithAShorterLastOneAreOneRun) {
  Packets p({1450, 1450, 1450, 700});
  EXPECT_EQ(gso_run(p.views), 4u);
}

TEST(GsoRun, AShorterPacketEndsTheRun) {
  Packets p({1450, 700, 1450, 1450});
  EXPECT_EQ(gso_run(p.views), 2u);
  EXPECT_EQ(gso_run(std::span(p.views).subspan(2)), 2u);
}

TEST(GsoRun, ALongerPacketStartsANewRun) {
  Packets p({700, 700, 1450});
  EXPECT_EQ(gso_run(p.views), 2u);
}

TEST(GsoRun, AtMostTheKernelsSegmentCount) {
  Packets p(std::vector<size_t>(kGsoMaxSegments + 10, 100));
  EXPECT_EQ(gso_run(p.views), kGsoMaxSegments);
}

TEST(GsoRun, AtMostOneIpDatagramOfPayload) {
  // 45 x 1450 = 65250 octets fit in kGsoMaxBytes (65487); a 46th would not.
  Packets p(std::vector<size_t>(60, 1450));
  const size_t n = gso_run(p.views);
  EXPECT_LE(n * 1450, kGsoMaxBytes);
  EXPECT_GT((n + 1) * 1450, kGsoMaxBytes);
}

std::vector<std::vector<uint8_t>> split(std::vector<uint8_t>& data, std::optional<size_t> segment_size) {
  std::vector<std::vector<uint8_t>> out;
  for_each_segment(MutableByteView(data), segment_size,
                   [&](MutableByteView d) { out.emplace_back(d.begin(), d.end()); });
  return out;
}

TEST(GroSplit, WithoutASegmentSizeTheDatagramIsWhole) {
  std::vector<uint8_t> data(3000, 1);
  EXPECT_EQ(split(data, std::nullopt).size(), 1u);
  EXPECT_EQ(split(data, 0).size(), 1u);
  EXPECT_EQ(split(data, 3000).size(), 1u);
}

TEST(GroSplit, ARunComesBackAsTheDatagramsThatWereSent) {
  std::vector<uint8_t> data;
  for (uint8_t i = 0; i < 3; ++i) data.insert(data.end(), 1000, i);
  data.insert(data.end(), 10, 9);  // a short last one
  const auto parts = split(data, 1000);
  ASSERT_EQ(parts.size(), 4u);
  for (uint8_t i = 0; i < 3; ++i) EXPECT_EQ(parts[i], std::vector<uint8_t>(1000, i));
  EXPECT_EQ(parts[3], std::vector<uint8_t>(10, 9));
}

}  // namespace
}  // namespace tern::io

#include "base/byte_reader.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(ByteReader, ReadsBigEndianFields) {
  const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                          0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  ByteReader r{data};
  EXPECT_EQ(*r.u8("a"), 0x01);
  EXPECT_EQ(*r.u16("b"), 0x0203);
  EXPECT_EQ(*r.u32("c"), 0x04050607u);
  EXPECT_EQ(*r.u64("d"), 0x08090a0b0c0d0e0full);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, EveryReadPastTheEndIsTruncatedAndNamesTheField) {
  const uint8_t data[] = {0xaa, 0xbb, 0xcc};
  ByteReader r{data, "KE payload"};
  auto v = r.u32("DH group");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, Errc::truncated);
  EXPECT_EQ(v.error().detail, "KE payload: DH group needs 4 bytes, 3 left");
  EXPECT_FALSE(v.error().notify.has_value());
  // A failed read consumes nothing.
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_FALSE(r.u64("x").has_value());
  EXPECT_FALSE(r.take(4, "x").has_value());
  EXPECT_FALSE(r.skip(4, "x").has_value());
  EXPECT_TRUE(r.take(3, "x").has_value());
  EXPECT_FALSE(r.u8("x").has_value());
  EXPECT_FALSE(r.u16("x").has_value());
}

TEST(ByteReader, TakeBorrowsAndRestDrains) {
  const uint8_t data[] = {1, 2, 3, 4, 5};
  ByteReader r{data};
  auto head = r.take(2, "head");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->data(), data);
  EXPECT_EQ(r.position(), 2u);
  auto rest = r.rest();
  EXPECT_EQ(rest.size(), 3u);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.rest().size(), 0u);
}

TEST(ByteReader, EmptyInput) {
  ByteReader r{ByteView{}};
  EXPECT_EQ(r.u8("x").error().code, Errc::truncated);
  EXPECT_TRUE(r.take(0, "x").has_value());
}

}  // namespace
}  // namespace tern

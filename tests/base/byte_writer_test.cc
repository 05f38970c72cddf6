#include "base/byte_writer.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(ByteWriter, WritesBigEndianFields) {
  Bytes out;
  ByteWriter w{out};
  w.u8(0x01);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.u64(0x08090a0b0c0d0e0f);
  w.zeros(2);
  const uint8_t more[] = {0xff};
  w.bytes(more);
  EXPECT_EQ(to_hex(out), "0102030405060708090a0b0c0d0e0f0000ff");
}

TEST(ByteWriter, PlaceholdersArePatchedLater) {
  Bytes out;
  ByteWriter w{out};
  size_t len16 = w.placeholder_u16();
  size_t len32 = w.placeholder_u32();
  w.u8(0xaa);
  w.patch_length16(len16, w.size());
  w.patch_u32(len32, 0xdeadbeef);
  w.patch_u8(len32, 0x11);
  EXPECT_EQ(to_hex(out), "000711adbeefaa");
}

TEST(ByteWriterDeathTest, LengthOverflowIsAnInternalBug) {
  Bytes out;
  ByteWriter w{out};
  size_t at = w.placeholder_u16();
  EXPECT_DEATH(w.patch_length16(at, 70000), "internal bug");
}

}  // namespace
}  // namespace tern

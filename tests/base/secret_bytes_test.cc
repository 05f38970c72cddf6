#include "base/secret_bytes.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(SecretBytes, NeverPrintsItsContents) {
  const uint8_t key[] = {0x41, 0x42, 0x43, 0x44};
  SecretBytes s{ByteView{key}};
  std::string printed = fmt::format("{}", s);
  EXPECT_EQ(printed, "<secret: 4 bytes>");
  EXPECT_EQ(printed.find("ABCD"), std::string::npos);
}

TEST(SecretBytes, SliceConcatAndCompare) {
  const uint8_t key[] = {1, 2, 3, 4, 5, 6};
  SecretBytes s{ByteView{key}};
  SecretBytes mid = s.slice(2, 3);
  EXPECT_EQ(to_hex(mid.view()), "030405");
  const uint8_t tail[] = {9};
  EXPECT_EQ(to_hex(mid.concat(tail).view()), "03040509");
  EXPECT_TRUE(s == SecretBytes{ByteView{key}});
  EXPECT_FALSE(s == mid);
}

TEST(SecretBytes, MovedFromIsEmpty) {
  const uint8_t key[] = {7, 7};
  SecretBytes a{ByteView{key}};
  SecretBytes b = std::move(a);
  EXPECT_EQ(b.size(), 2u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
}

TEST(SecretBytes, SecureZeroClears) {
  uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  secure_zero(buf, sizeof buf);
  for (uint8_t b : buf) EXPECT_EQ(b, 0);
}

TEST(SecretBytesDeathTest, SliceOutOfRangeIsAnInternalBug) {
  SecretBytes s(4);
  EXPECT_DEATH((void)s.slice(3, 2), "internal bug");
}

}  // namespace
}  // namespace tern

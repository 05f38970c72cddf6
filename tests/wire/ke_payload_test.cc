// KE payload (RFC 7296 §3.4).
#include "wire/ke_payload.h"

#include <gtest/gtest.h>

#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

TEST(KePayload, RoundTripsX25519AndModp) {
  samples::expect_round_trip(KePayload{KeGroup::CURVE25519, hex(samples::kX25519Public)});
  samples::expect_round_trip(KePayload{KeGroup::MODP_2048, samples::pattern(256, 7)});
}

TEST(KePayload, EncodesGroupReservedData) {
  // DH Group Num 31, RESERVED, Key Exchange Data
  EXPECT_EQ(to_hex(samples::body_of(KePayload{KeGroup::CURVE25519, hex("aabb")})), "001f0000aabb");
}

TEST(KePayload, ReservedIsIgnoredOnReceipt) {
  auto ke = KePayload::parse(hex("001f ffff aabb"));
  ASSERT_TRUE(ke) << ke.error().to_string();
  EXPECT_EQ(ke->group, KeGroup::CURVE25519);
  EXPECT_EQ(ke->data, hex("aabb"));
}

TEST(KePayload, UnknownGroupIsKeptForTheEngineToAnswerInvalidKePayload) {
  auto ke = KePayload::parse(hex("1234 0000 aabb"));
  ASSERT_TRUE(ke) << ke.error().to_string();
  EXPECT_EQ(static_cast<uint16_t>(ke->group), 0x1234);
}

TEST(KePayload, TruncatedFixedFields) {
  for (const char* body : {"", "00", "001f", "001f00"}) {
    auto ke = KePayload::parse(hex(body));
    ASSERT_FALSE(ke) << body;
    samples::expect_syntax_error(ke.error(), Errc::truncated);
  }
}

TEST(KePayload, NoDataOrGroupZeroIsInvalidSyntax) {
  auto empty = KePayload::parse(hex("001f 0000"));
  ASSERT_FALSE(empty);
  samples::expect_syntax_error(empty.error(), Errc::invalid_syntax);
  auto zero = KePayload::parse(hex("0000 0000 aabb"));
  ASSERT_FALSE(zero);
  samples::expect_syntax_error(zero.error(), Errc::invalid_syntax);
}

}  // namespace
}  // namespace tern::wire

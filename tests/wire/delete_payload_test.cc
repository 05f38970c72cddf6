// Delete payload (RFC 7296 §3.11).
#include "wire/delete_payload.h"

#include <gtest/gtest.h>

#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

TEST(DeletePayload, RoundTripsIkeAndEsp) {
  samples::expect_round_trip(DeletePayload{ProtocolId::IKE, 0, {}});
  samples::expect_round_trip(DeletePayload{ProtocolId::ESP, 4, {hex("c1a2b3d4"), hex("01020304")}});
  samples::expect_round_trip(DeletePayload{ProtocolId::AH, 4, {hex("00000100")}});
}

TEST(DeletePayload, EncodesTheFieldsInOrder) {
  // ESP, SPI Size 4, Num of SPIs 2, SPIs
  EXPECT_EQ(to_hex(samples::body_of(DeletePayload{ProtocolId::ESP, 4, {hex("c1a2b3d4"), hex("01020304")}})),
            "03040002c1a2b3d401020304");
}

TEST(DeletePayload, TruncatedFixedFields) {
  for (const char* body : {"", "03", "0304", "030400"}) {
    auto d = DeletePayload::parse(hex(body));
    ASSERT_FALSE(d) << body;
    samples::expect_syntax_error(d.error(), Errc::truncated);
  }
}

TEST(DeletePayload, SpiCountTimesSizeMustEqualTheOctets) {
  for (const char* body : {"03 04 0002 c1a2b3d4", "03 04 0001 c1a2b3d4 00", "03 04 0000 c1a2b3d4",
                           "03 04 ffff c1a2b3d4", "01 00 0000 00"}) {
    auto d = DeletePayload::parse(hex(body));
    ASSERT_FALSE(d) << body;
    samples::expect_syntax_error(d.error(), Errc::bad_length);
  }
}

TEST(DeletePayload, IkeHasSpiSizeZeroAndNoSpis) {
  auto with_size = DeletePayload::parse(hex("01 08 0001 0102030405060708"));
  ASSERT_FALSE(with_size);
  samples::expect_syntax_error(with_size.error(), Errc::bad_spi);
  auto with_count = DeletePayload::parse(hex("01 00 0003"));
  ASSERT_FALSE(with_count);
  samples::expect_syntax_error(with_count.error(), Errc::invalid_syntax);
}

TEST(DeletePayload, EspHasSpiSizeFour) {
  auto d = DeletePayload::parse(hex("03 08 0001 0102030405060708"));
  ASSERT_FALSE(d);
  samples::expect_syntax_error(d.error(), Errc::bad_spi);
}

TEST(DeletePayload, ProtocolIdMustBeIkeAhOrEsp) {
  for (const char* body : {"00 00 0000", "04 04 0001 01020304"}) {
    auto d = DeletePayload::parse(hex(body));
    ASSERT_FALSE(d) << body;
    samples::expect_syntax_error(d.error(), Errc::invalid_syntax);
  }
}

}  // namespace
}  // namespace tern::wire

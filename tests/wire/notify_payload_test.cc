// Notify payload (RFC 7296 §3.10).
#include "wire/notify_payload.h"

#include <gtest/gtest.h>

#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

TEST(NotifyPayload, RoundTripsStatusErrorAndSpiNotifies) {
  samples::expect_round_trip(
      NotifyPayload{ProtocolId::NONE, {}, NotifyType::COOKIE, samples::pattern(32, 1)});
  samples::expect_round_trip(
      NotifyPayload{ProtocolId::NONE, {}, NotifyType::INVALID_KE_PAYLOAD, hex("001f")});
  samples::expect_round_trip(NotifyPayload{ProtocolId::NONE, {}, NotifyType::MOBIKE_SUPPORTED, {}});
  // N(REKEY_SA) names the Child SA being rekeyed: ESP, SPI size 4.
  samples::expect_round_trip(NotifyPayload{ProtocolId::ESP, hex("c1a2b3d4"), NotifyType::REKEY_SA, {}});
  samples::expect_round_trip(
      NotifyPayload{ProtocolId::IKE, hex("0102030405060708"), NotifyType::REKEY_SA, {}});
}

TEST(NotifyPayload, EncodesTheFieldsInOrder) {
  // Protocol ID ESP, SPI Size 4, REKEY_SA (16393 = 0x4009), SPI, data
  EXPECT_EQ(to_hex(samples::body_of(
                NotifyPayload{ProtocolId::ESP, hex("c1a2b3d4"), NotifyType::REKEY_SA, hex("ee")})),
            "03044009c1a2b3d4ee");
}

TEST(NotifyPayload, UnknownTypesAreKept) {
  auto n = NotifyPayload::parse(hex("00 00 9999 0102"));
  ASSERT_TRUE(n) << n.error().to_string();
  EXPECT_EQ(static_cast<uint16_t>(n->type), 0x9999);
  EXPECT_EQ(n->data, hex("0102"));
}

TEST(NotifyPayload, ProtocolIdWithoutSpiIsIgnored) {
  auto n = NotifyPayload::parse(hex("07 00 4004"));  // §3.10: "MUST be ignored on receipt"
  ASSERT_TRUE(n) << n.error().to_string();
  EXPECT_EQ(n->type, NotifyType::NAT_DETECTION_SOURCE_IP);
  EXPECT_TRUE(n->spi.empty());
}

TEST(NotifyPayload, EveryTruncationIsNamed) {
  Bytes b = hex("03 04 4009 c1a2b3d4");
  for (size_t n = 0; n < b.size(); ++n) {
    auto notify = NotifyPayload::parse(ByteView(b).first(n));
    ASSERT_FALSE(notify) << n;
    samples::expect_syntax_error(notify.error(), Errc::truncated);
  }
}

TEST(NotifyPayload, SpiMustFitTheProtocol) {
  auto esp8 = NotifyPayload::parse(hex("03 08 4009 0102030405060708"));
  ASSERT_FALSE(esp8);
  samples::expect_syntax_error(esp8.error(), Errc::bad_spi);
  auto ike4 = NotifyPayload::parse(hex("01 04 4009 01020304"));
  ASSERT_FALSE(ike4);
  samples::expect_syntax_error(ike4.error(), Errc::bad_spi);
  auto none4 = NotifyPayload::parse(hex("00 04 4009 01020304"));
  ASSERT_FALSE(none4);
  samples::expect_syntax_error(none4.error(), Errc::invalid_syntax);
  auto proto9 = NotifyPayload::parse(hex("09 04 4009 01020304"));
  ASSERT_FALSE(proto9);
  samples::expect_syntax_error(proto9.error(), Errc::invalid_syntax);
}

}  // namespace
}  // namespace tern::wire

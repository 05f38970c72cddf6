// IKE header (RFC 7296 §3.1): what parse_header accepts, and the named error
// for everything it must not.
#include "wire/header.h"

#include <gtest/gtest.h>

#include "wire/iana.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

// HDR of an IKE_SA_INIT response: SPIi, SPIr, Next Payload SA, 2.0, IKE_SA_INIT,
// Flags R, Message ID 0, Length 28 (no payloads, for the header alone).
Bytes response_header() {
  return hex("8a3f5c2e1d0b4a69 c0ffee0123456789 21 20 22 20 00000000 0000001c");
}

TEST(IkeHeader, ParsesEveryField) {
  auto h = parse_header(response_header());
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(h->spi_i, 0x8a3f5c2e1d0b4a69u);
  EXPECT_EQ(h->spi_r, 0xc0ffee0123456789u);
  EXPECT_EQ(h->next_payload, PayloadType::SA);
  EXPECT_EQ(h->major_version, 2);
  EXPECT_EQ(h->minor_version, 0);
  EXPECT_EQ(h->exchange, ExchangeType::IKE_SA_INIT);
  EXPECT_TRUE(h->is_response());
  EXPECT_FALSE(h->is_initiator());
  EXPECT_EQ(h->message_id, 0u);
  EXPECT_EQ(h->length, kIkeHeaderSize);
}

TEST(IkeHeader, RoundTrips) {
  IkeHeader h;
  h.spi_i = 0x0102030405060708;
  h.spi_r = 0x1112131415161718;
  h.next_payload = PayloadType::SK;
  h.exchange = ExchangeType::CREATE_CHILD_SA;
  h.flags = kFlagInitiator | kFlagResponse;
  h.message_id = 0xdeadbeef;
  h.length = kIkeHeaderSize;
  Bytes out;
  ByteWriter w{out};
  build_header(h, w);
  ASSERT_EQ(out.size(), kIkeHeaderSize);
  // SPIi, SPIr, Next Payload SK (46), 2.0, CREATE_CHILD_SA (36), Flags I|R, Message ID, Length 28
  EXPECT_EQ(to_hex(out),
            "0102030405060708"
            "1112131415161718"
            "2e"
            "20"
            "24"
            "28"
            "deadbeef"
            "0000001c");
  auto back = parse_header(out);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, h);
}

TEST(IkeHeader, EveryShortDatagramIsTruncatedAndDropped) {
  Bytes full = response_header();
  for (size_t n = 0; n < kIkeHeaderSize; ++n) {
    auto h = parse_header(ByteView(full).first(n));
    ASSERT_FALSE(h) << n;
    EXPECT_EQ(h.error().code, Errc::truncated) << n;
    EXPECT_FALSE(h.error().notify) << "drop silently, " << n;
  }
}

TEST(IkeHeader, LengthMustEqualTheDatagramSizeBothWays) {
  Bytes full = response_header();
  full.push_back(0);  // one octet more than Length says
  auto longer = parse_header(full);
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().code, Errc::bad_length);
  EXPECT_FALSE(longer.error().notify);

  Bytes shorter = response_header();
  shorter[27] = 0x1d;  // Length 29, datagram 28
  auto h = parse_header(shorter);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::bad_length);
  EXPECT_FALSE(h.error().notify);
}

TEST(IkeHeader, HigherMajorVersionIsAnsweredWithInvalidMajorVersion) {
  Bytes b = response_header();
  b[17] = 0x30;  // 3.0
  auto h = parse_header(b);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::bad_version);
  EXPECT_EQ(h.error().notify, notify_number(NotifyType::INVALID_MAJOR_VERSION));
}

TEST(IkeHeader, LowerMajorVersionIsDropped) {
  Bytes b = response_header();
  b[17] = 0x10;  // IKEv1
  auto h = parse_header(b);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::bad_version);
  EXPECT_FALSE(h.error().notify);
}

TEST(IkeHeader, MinorVersionIsAccepted) {
  Bytes b = response_header();
  b[17] = 0x21;  // 2.1: §2.5, minor versions are compatible
  auto h = parse_header(b);
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(h->minor_version, 1);
}

TEST(IkeHeader, ZeroInitiatorSpiIsDropped) {
  Bytes b = response_header();
  std::fill(b.begin(), b.begin() + 8, 0);
  auto h = parse_header(b);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::bad_spi);
  EXPECT_FALSE(h.error().notify);
}

TEST(IkeHeader, ReservedFlagBitsAreIgnoredOnReceiptAndNotSent) {
  Bytes b = response_header();
  b[19] = 0xc7 | kFlagResponse;  // X X R . . X X X
  auto h = parse_header(b);
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(h->flags, kFlagResponse);

  IkeHeader sent = *h;
  sent.flags = 0xff;
  Bytes out;
  ByteWriter w{out};
  build_header(sent, w);
  EXPECT_EQ(out[19], kFlagInitiator | kFlagResponse);  // V and X bits cleared
}

}  // namespace
}  // namespace tern::wire

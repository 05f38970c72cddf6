// TSi / TSr payload codec (RFC 7296 §3.13, §3.13.1).
#include "wire/ts_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

// TSi = { 10.1.0.0-10.1.0.255, any protocol, ports 0-65535 }
//   Number of TSs = 1 | RESERVED
//   TS Type = 7 | IP Protocol ID = 0 | Selector Length = 16
//   Start Port = 0 | End Port = 65535
//   Starting Address = 10.1.0.0
//   Ending Address = 10.1.0.255
const char* const kOneIpv4 =
    "01 000000"
    "07 00 0010  0000 ffff  0a010000  0a0100ff";

// TSr = { 192.0.2.0-192.0.2.255 TCP port 443, 2001:db8::/32 any protocol }
const char* const kIpv4AndIpv6 =
    "02 000000"
    "07 06 0010  01bb 01bb  c0000200  c00002ff"
    "08 00 0028  0000 ffff  20010db8000000000000000000000000  20010db8ffffffffffffffffffffffff";

TrafficSelector tcp_443() {
  return TrafficSelector::ipv4_range({192, 0, 2, 0}, {192, 0, 2, 255}, 6, 443, 443);
}

TrafficSelector doc_prefix_v6() {
  return TrafficSelector::ipv6_range(
      {0x20, 0x01, 0x0d, 0xb8},
      {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
}

TEST(TsPayload, OneIpv4RangeParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kOneIpv4);
  auto ts = TsPayload::parse(body);
  ASSERT_TRUE(ts.has_value()) << ts.error().to_string();
  ASSERT_EQ(ts->selectors.size(), 1u);
  EXPECT_EQ(ts->selectors[0], TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}));
  EXPECT_EQ(ts->selectors[0].to_string(), "10.1.0.0-10.1.0.255 proto 0 ports 0-65535");
  EXPECT_EQ(body_of(*ts), body);
}

TEST(TsPayload, MixedFamiliesParseInOrderAndBuildTheSameBytes) {
  Bytes body = hex(kIpv4AndIpv6);
  auto ts = TsPayload::parse(body);
  ASSERT_TRUE(ts.has_value()) << ts.error().to_string();
  ASSERT_EQ(ts->selectors.size(), 2u);
  EXPECT_EQ(ts->selectors[0], tcp_443());
  EXPECT_EQ(ts->selectors[1], doc_prefix_v6());
  EXPECT_EQ(ts->selectors[0].to_string(), "192.0.2.0-192.0.2.255 proto 6 ports 443-443");
  EXPECT_EQ(ts->selectors[1].to_string(),
            "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff proto 0 ports 0-65535");
  EXPECT_EQ(body_of(*ts), body);
}

TEST(TsPayload, BuildThenParseIsTheSamePayload) {
  TsPayload ts{
      {tcp_443(), doc_prefix_v6(), TrafficSelector::ipv4_range({10, 0, 0, 1}, {10, 0, 0, 1}, 17, 500, 500)}};
  auto back = TsPayload::parse(body_of(ts));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, ts);
}

TEST(TsPayload, ReservedIsIgnoredOnReceiptAndZeroOnSend) {
  Bytes body = hex(kOneIpv4);
  body[1] = body[2] = body[3] = 0xff;
  auto ts = TsPayload::parse(body);
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(body_of(*ts), hex(kOneIpv4));
}

TEST(TsPayload, EveryTruncationIsTruncated) {
  // Number of TSs and every Selector Length are self-describing: no prefix is valid.
  Bytes body = hex(kIpv4AndIpv6);
  for (size_t n = 0; n < body.size(); ++n) {
    SCOPED_TRACE(n);
    expect_error(TsPayload::parse(ByteView{body}.first(n)), Errc::truncated, "TS payload");
  }
}

TEST(TsPayload, NumberOfTsAboveTheSelectorsPresentIsTruncated) {
  Bytes body = hex(kIpv4AndIpv6);
  body[0] = 3;
  expect_error(TsPayload::parse(body), Errc::truncated, "selector 3 of 3: header needs 4 octets, 0 left");
}

TEST(TsPayload, NumberOfTsBelowTheSelectorsPresentIsBadLength) {
  Bytes body = hex(kIpv4AndIpv6);
  body[0] = 1;
  expect_error(TsPayload::parse(body), Errc::bad_length,
               "Number of TSs is 1 but 40 octets follow the last selector");
}

TEST(TsPayload, NumberOfTsZeroIsRejected) {
  expect_error(TsPayload::parse(hex("00 000000")), Errc::invalid_syntax, "Number of TSs is 0");
  expect_error(TsPayload::parse(hex("00 000000 07000010 0000ffff 0a010000 0a0100ff")), Errc::bad_length,
               "Number of TSs is 0 but 16 octets follow");
}

TEST(TsPayload, SelectorLengthMustMatchItsType) {
  // IPv4 range with Selector Length 12 (and 12 octets): addresses cut short.
  expect_error(TsPayload::parse(hex("01 000000 07 00 000c 0000 ffff 0a010000")), Errc::bad_length,
               "TS payload: selector 1: length 12, IPv4 range needs 16");
  // IPv4 range claiming the 40 octets of an IPv6 range.
  expect_error(TsPayload::parse(hex("01 000000 07 00 0028 0000 ffff"
                                    "20010db8000000000000000000000000 20010db8ffffffffffffffffffffffff")),
               Errc::bad_length, "selector 1: length 40, IPv4 range needs 16");
  // IPv6 range with the 16 octets of an IPv4 range, as the second selector.
  expect_error(TsPayload::parse(hex("02 000000 07000010 0000ffff 0a010000 0a0100ff"
                                    "08000010 0000ffff 0a010000 0a0100ff")),
               Errc::bad_length, "selector 2: length 16, IPv6 range needs 40");
}

TEST(TsPayload, SelectorLengthShorterThanItsHeaderIsBadLength) {
  expect_error(TsPayload::parse(hex("01 000000 07 00 0002 0000 ffff 0a010000 0a0100ff")), Errc::bad_length,
               "selector 1: Selector Length 2 is shorter than its header");
}

TEST(TsPayload, SelectorLengthPastTheBodyIsTruncated) {
  expect_error(TsPayload::parse(hex("01 000000 07 00 ffff 0000 ffff 0a010000 0a0100ff")), Errc::truncated,
               "selector 1: Selector Length 65535, 16 octets left");
}

TEST(TsPayload, UnknownTsTypeIsInvalidSyntaxNamingTheType) {
  // TS Type 9 is TS_FC_ADDR_RANGE (RFC 4595); tern does not support it.
  expect_error(TsPayload::parse(hex("01 000000 09 00 0010 0000 ffff 0a010000 0a0100ff")),
               Errc::invalid_syntax, "selector 1: unknown TS Type 9");
}

TEST(TsPayload, StartAddressAboveEndAddressIsInvalidSyntax) {
  expect_error(TsPayload::parse(hex("01 000000 07 00 0010 0000 ffff 0a0100ff 0a010000")),
               Errc::invalid_syntax, "selector 1: start address 10.1.0.255 is above end address 10.1.0.0");
  expect_error(TsPayload::parse(hex("01 000000 08 00 0028 0000 ffff"
                                    "20010db8000000000000000000000002 20010db8000000000000000000000001")),
               Errc::invalid_syntax, "start address 2001:db8::2 is above end address 2001:db8::1");
  // One host: start == end.
  EXPECT_TRUE(TsPayload::parse(hex("01 000000 07 00 0010 0000 ffff 0a010001 0a010001")).has_value());
}

TEST(TsPayload, StartPortAboveEndPortIsInvalidSyntax) {
  expect_error(TsPayload::parse(hex("01 000000 07 06 0010 0050 0014 0a010000 0a0100ff")),
               Errc::invalid_syntax, "selector 1: start port 80 is above end port 20");
  EXPECT_TRUE(TsPayload::parse(hex("01 000000 07 06 0010 0050 0050 0a010000 0a0100ff")).has_value());
}

TEST(TsPayload, OpaquePortsAreAllowed) {
  // RFC 4301 §4.4.1: OPAQUE is Start Port 65535, End Port 0.
  auto ts = TsPayload::parse(hex("01 000000 07 11 0010 ffff 0000 0a010000 0a0100ff"));
  ASSERT_TRUE(ts.has_value()) << ts.error().to_string();
  EXPECT_EQ(ts->selectors[0].start_port, kOpaqueStartPort);
  EXPECT_EQ(ts->selectors[0].end_port, kOpaqueEndPort);
  EXPECT_EQ(body_of(*ts), hex("01 000000 07 11 0010 ffff 0000 0a010000 0a0100ff"));
}

TEST(TsPayload, AddressesPrintInRfc5952Form) {
  EXPECT_EQ(ip_address_to_string(hex("00000000")), "0.0.0.0");
  EXPECT_EQ(ip_address_to_string(hex("00000000000000000000000000000000")), "::");
  EXPECT_EQ(ip_address_to_string(hex("00000000000000000000000000000001")), "::1");
  EXPECT_EQ(ip_address_to_string(hex("fe800000000000000000000000000000")), "fe80::");
  // A single zero group is not compressed (RFC 5952 §4.2.2).
  EXPECT_EQ(ip_address_to_string(hex("20010db8000000010001000100010001")), "2001:db8:0:1:1:1:1:1");
  // The longest run wins; on a tie, the first (§4.2.3).
  EXPECT_EQ(ip_address_to_string(hex("20010000000000010000000000000001")), "2001:0:0:1::1");
  EXPECT_EQ(ip_address_to_string(hex("20010db8000000000001000000000001")), "2001:db8::1:0:0:1");
  EXPECT_EQ(ip_address_to_string(hex("0102")), "0102");
}

TEST(TsPayload, AnySingleOctetChangeNeverCrashesAndReparsesStably) {
  checks::expect_every_octet_change_reparses_stably(hex(kIpv4AndIpv6), TsPayload::parse, body_of<TsPayload>);
}

}  // namespace
}  // namespace tern::wire

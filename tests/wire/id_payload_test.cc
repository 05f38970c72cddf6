// IDi / IDr payload codec (RFC 7296 §3.5).
#include "wire/id_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

// IDi body: ID Type = ID_FQDN (2) | RESERVED | "vpn.example.org"
const char* const kFqdnBody = "02 000000 76706e2e6578616d706c652e6f7267";
// IDr body: ID Type = ID_IPV4_ADDR (1) | RESERVED | 192.0.2.1
const char* const kIpv4Body = "01 000000 c0000201";
// IDr body: ID Type = ID_IPV6_ADDR (5) | RESERVED | 2001:db8::1
const char* const kIpv6Body = "05 000000 20010db8000000000000000000000001";

TEST(IdPayload, FqdnParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kFqdnBody);
  auto id = IdPayload::parse(body);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  EXPECT_EQ(id->type, IdType::ID_FQDN);
  EXPECT_EQ(id->data, Bytes(as_bytes("vpn.example.org").begin(), as_bytes("vpn.example.org").end()));
  EXPECT_EQ(id->to_string(), "fqdn:vpn.example.org");
  EXPECT_EQ(body_of(*id), body);
}

TEST(IdPayload, AddressesParseAndPrintAsText) {
  auto v4 = IdPayload::parse(hex(kIpv4Body));
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->type, IdType::ID_IPV4_ADDR);
  EXPECT_EQ(v4->to_string(), "ipv4:192.0.2.1");
  EXPECT_EQ(body_of(*v4), hex(kIpv4Body));

  auto v6 = IdPayload::parse(hex(kIpv6Body));
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->type, IdType::ID_IPV6_ADDR);
  EXPECT_EQ(v6->to_string(), "ipv6:2001:db8::1");
  EXPECT_EQ(body_of(*v6), hex(kIpv6Body));
}

TEST(IdPayload, EveryTypeRoundTrips) {
  const IdPayload ids[] = {
      {IdType::ID_IPV4_ADDR, hex("0a010203")},
      {IdType::ID_IPV6_ADDR, hex("fe800000000000000000000000000001")},
      {IdType::ID_FQDN, hex("612e6f7267")},
      {IdType::ID_RFC822_ADDR, hex("6140622e6f7267")},
      {IdType::ID_DER_ASN1_DN, hex("3011310f300d06035504030c0674756e6e656c")},
      {IdType::ID_DER_ASN1_GN, hex("820561 2e6f7267")},
      {IdType::ID_KEY_ID, hex("00112233")},
      {IdType::ID_NULL, {}},
  };
  for (const IdPayload& id : ids) {
    auto back = IdPayload::parse(body_of(id));
    ASSERT_TRUE(back.has_value()) << id.to_string() << ": " << back.error().to_string();
    EXPECT_EQ(*back, id);
  }
}

TEST(IdPayload, ToStringNamesEachType) {
  EXPECT_EQ((IdPayload{IdType::ID_RFC822_ADDR, hex("6140652e6f7267")}.to_string()), "rfc822:a@e.org");
  EXPECT_EQ((IdPayload{IdType::ID_DER_ASN1_DN, hex("3000")}.to_string()), "dn:3000");
  EXPECT_EQ((IdPayload{IdType::ID_KEY_ID, hex("0102")}.to_string()), "keyid:0102");
  EXPECT_EQ((IdPayload{IdType::ID_NULL, {}}.to_string()), "null");
  EXPECT_EQ((IdPayload{static_cast<IdType>(200), hex("ab")}.to_string()), "UNKNOWN(200):ab");
  // Names come from the network: control bytes never reach a log line raw.
  EXPECT_EQ((IdPayload{IdType::ID_FQDN, hex("610a5c00")}.to_string()), "fqdn:a\\x0a\\x5c\\x00");
}

TEST(IdPayload, ReservedIsIgnoredOnReceiptAndZeroOnSend) {
  // RFC 7296 §3: RESERVED MUST be sent as zero and MUST be ignored on receipt.
  auto id = IdPayload::parse(hex("02 ffffff 61"));
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(body_of(*id), hex("02 000000 61"));
}

TEST(IdPayload, EveryTruncationOfTheFixedFieldsIsTruncated) {
  checks::expect_prefixes_fail(hex(kFqdnBody), 0, 4, IdPayload::parse, Errc::truncated, "ID payload");
}

TEST(IdPayload, EveryTruncationOfAnAddressFails) {
  for (const char* text : {kIpv4Body, kIpv6Body}) {
    Bytes body = hex(text);
    checks::expect_prefixes_fail(body, 0, body.size(), IdPayload::parse, [](size_t n) {
      return checks::ExpectedError{n < 4 ? Errc::truncated : Errc::invalid_syntax, "ID payload"};
    });
  }
}

TEST(IdPayload, TruncatingANameLeavesAShorterNameUntilItIsEmpty) {
  // The body length comes from the generic header; a shorter FQDN is still an FQDN.
  Bytes body = hex(kFqdnBody);
  expect_error(IdPayload::parse(ByteView{body}.first(4)), Errc::invalid_syntax, "ID_FQDN with empty");
  checks::expect_prefixes_parse(body, 5, body.size(), IdPayload::parse,
                                [](size_t n, const IdPayload& id) { EXPECT_EQ(id.data.size(), n - 4); });
}

TEST(IdPayload, AddressesMustHaveTheirExactSize) {
  expect_error(IdPayload::parse(hex("01 000000 c00002")), Errc::invalid_syntax,
               "ID_IPV4_ADDR needs 4 octets, got 3");
  expect_error(IdPayload::parse(hex("01 000000 c000020101")), Errc::invalid_syntax,
               "ID_IPV4_ADDR needs 4 octets, got 5");
  expect_error(IdPayload::parse(hex("05 000000 c0000201")), Errc::invalid_syntax,
               "ID_IPV6_ADDR needs 16 octets, got 4");
  expect_error(IdPayload::parse(hex("05 000000 20010db800000000000000000000000100")), Errc::invalid_syntax,
               "ID_IPV6_ADDR needs 16 octets, got 17");
}

TEST(IdPayload, NamesMustNotBeEmpty) {
  expect_error(IdPayload::parse(hex("02 000000")), Errc::invalid_syntax,
               "ID_FQDN with empty Identification Data");
  expect_error(IdPayload::parse(hex("03 000000")), Errc::invalid_syntax, "ID_RFC822_ADDR with empty");
  expect_error(IdPayload::parse(hex("09 000000")), Errc::invalid_syntax, "ID_DER_ASN1_DN with empty");
  expect_error(IdPayload::parse(hex("0b 000000")), Errc::invalid_syntax, "ID_KEY_ID with empty");
}

TEST(IdPayload, NullAndUnknownTypesAreKeptForPolicyToJudge) {
  // RFC 7619: ID_NULL carries no data.
  auto null_id = IdPayload::parse(hex("0d 000000"));
  ASSERT_TRUE(null_id.has_value());
  EXPECT_EQ(null_id->type, IdType::ID_NULL);
  auto unknown = IdPayload::parse(hex("fe 000000 0102"));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(static_cast<uint8_t>(unknown->type), 0xfe);
  EXPECT_EQ(body_of(*unknown), hex("fe 000000 0102"));
}

TEST(IdPayload, AnySingleOctetChangeNeverCrashesAndReparsesStably) {
  checks::expect_every_octet_change_reparses_stably(hex(kIpv6Body), IdPayload::parse, body_of<IdPayload>);
}

}  // namespace
}  // namespace tern::wire

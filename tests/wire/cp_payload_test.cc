// CP payload codec (RFC 7296 §3.15, §3.15.1).
#include "wire/cp_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

uint16_t attr(CfgAttr a) {
  return static_cast<uint16_t>(a);
}

// CP(CFG_REQUEST) = { INTERNAL_IP4_ADDRESS(), INTERNAL_IP4_DNS(), INTERNAL_IP6_ADDRESS() }
// (RFC 7296 §3.15.4: a request asks with zero-length values)
const char* const kRequest =
    "01 000000"
    "0001 0000"
    "0003 0000"
    "0008 0000";

// CP(CFG_REPLY) = { INTERNAL_IP4_ADDRESS(10.10.0.1), INTERNAL_IP4_NETMASK(255.255.255.0),
//                   INTERNAL_IP4_DNS(192.0.2.53) }
const char* const kReply =
    "02 000000"
    "0001 0004 0a0a0001"
    "0002 0004 ffffff00"
    "0003 0004 c0000235";

TEST(CpPayload, RequestParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kRequest);
  auto cp = CpPayload::parse(body);
  ASSERT_TRUE(cp.has_value()) << cp.error().to_string();
  EXPECT_EQ(cp->type, CfgType::CFG_REQUEST);
  ASSERT_EQ(cp->attributes.size(), 3u);
  EXPECT_EQ(cp->attributes[0], (CfgAttribute{attr(CfgAttr::INTERNAL_IP4_ADDRESS), {}}));
  EXPECT_EQ(cp->attributes[1], (CfgAttribute{attr(CfgAttr::INTERNAL_IP4_DNS), {}}));
  EXPECT_EQ(cp->attributes[2], (CfgAttribute{attr(CfgAttr::INTERNAL_IP6_ADDRESS), {}}));
  EXPECT_EQ(body_of(*cp), body);
}

TEST(CpPayload, ReplyParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kReply);
  auto cp = CpPayload::parse(body);
  ASSERT_TRUE(cp.has_value()) << cp.error().to_string();
  EXPECT_EQ(cp->type, CfgType::CFG_REPLY);
  ASSERT_EQ(cp->attributes.size(), 3u);
  EXPECT_EQ(cp->attributes[0], (CfgAttribute{attr(CfgAttr::INTERNAL_IP4_ADDRESS), hex("0a0a0001")}));
  EXPECT_EQ(cp->attributes[1], (CfgAttribute{attr(CfgAttr::INTERNAL_IP4_NETMASK), hex("ffffff00")}));
  EXPECT_EQ(cp->attributes[2], (CfgAttribute{attr(CfgAttr::INTERNAL_IP4_DNS), hex("c0000235")}));
  EXPECT_EQ(body_of(*cp), body);
}

TEST(CpPayload, BuildThenParseIsTheSamePayload) {
  CpPayload cp{CfgType::CFG_SET,
               {{attr(CfgAttr::INTERNAL_IP6_ADDRESS), hex("20010db8000000000000000000000001 40")},
                {attr(CfgAttr::APPLICATION_VERSION), hex("7465726e")},
                {0x4000, {}}}};
  auto back = CpPayload::parse(body_of(cp));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, cp);
  // No attributes at all is a valid (if useless) CP payload.
  CpPayload empty{CfgType::CFG_ACK, {}};
  EXPECT_EQ(body_of(empty), hex("04 000000"));
  EXPECT_EQ(CpPayload::parse(body_of(empty)), empty);
}

TEST(CpPayload, ReservedBitIsIgnoredOnReceiptAndZeroOnSend) {
  // |R| Attribute Type: R is reserved (§3.15.1).
  auto cp = CpPayload::parse(hex("01 ffffff 8001 0000"));
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->attributes[0].type, attr(CfgAttr::INTERNAL_IP4_ADDRESS));
  EXPECT_EQ(body_of(*cp), hex("01 000000 0001 0000"));
  EXPECT_EQ(body_of(CpPayload{CfgType::CFG_REQUEST, {{0x8003, {}}}}), hex("01 000000 0003 0000"));
}

TEST(CpPayload, EveryTruncationIsTruncatedUnlessItEndsOnAnAttribute) {
  // The attribute list has no count: a cut between attributes is a shorter list.
  Bytes body = hex(kReply);
  for (size_t n = 0; n < body.size(); ++n) {
    SCOPED_TRACE(n);
    auto cp = CpPayload::parse(ByteView{body}.first(n));
    if (n >= 4 && (n - 4) % 8 == 0) {
      ASSERT_TRUE(cp.has_value()) << cp.error().to_string();
      EXPECT_EQ(cp->attributes.size(), (n - 4) / 8);
    } else {
      expect_error(cp, Errc::truncated, "CP payload");
    }
  }
}

TEST(CpPayload, AttributeLengthPastTheBodyIsTruncated) {
  expect_error(CpPayload::parse(hex("02 000000 0001 0008 0a0a0001")), Errc::truncated,
               "CP payload: attribute 1: Length 8, 4 octets left");
  expect_error(CpPayload::parse(hex("02 000000 0001 0004 0a0a0001 0002 ffff")), Errc::truncated,
               "attribute 2: Length 65535, 0 octets left");
}

TEST(CpPayload, PartialAttributeHeaderIsTruncated) {
  expect_error(CpPayload::parse(hex("01 000000 0001 00")), Errc::truncated,
               "CP payload: attribute 1: header needs 4 octets, 3 left");
}

TEST(CpPayload, AnySingleOctetChangeNeverCrashesAndReparsesStably) {
  checks::expect_every_octet_change_reparses_stably(hex(kReply), CpPayload::parse, body_of<CpPayload>);
}

}  // namespace
}  // namespace tern::wire

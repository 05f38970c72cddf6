// EAP payload codec (RFC 7296 §3.16; EAP header per RFC 3748 §4).
#include "wire/eap_payload.h"

#include <gtest/gtest.h>

#include "base/byte_writer.h"
#include "wire/iana.h"

namespace tern::wire {
namespace {

Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes.value_or(Bytes{});
}

Bytes build(const EapPayload& eap) {
  Bytes out;
  ByteWriter w{out};
  eap.build(w);
  return out;
}

void expect_error(const Result<EapPayload>& r, Errc code, std::string_view detail) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, code) << r.error().to_string();
  EXPECT_EQ(r.error().notify, notify_number(NotifyType::INVALID_SYNTAX));
  EXPECT_NE(r.error().detail.find(detail), std::string::npos) << r.error().detail;
}

// EAP-Response/Identity: Code = Response (2) | Identifier = 1 | Length = 18 |
//   Type = Identity (1) | "a@example.org"
const char* const kResponseIdentity = "02 01 0012 01 61406578616d706c652e6f7267";
// EAP-Request/Identity: Code = Request (1) | Identifier = 0 | Length = 5 | Type = Identity (1)
const char* const kRequestIdentity = "01 00 0005 01";
// EAP-Success: Code = Success (3) | Identifier = 7 | Length = 4
const char* const kSuccess = "03 07 0004";

TEST(EapPayload, ResponseIdentityParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kResponseIdentity);
  auto eap = EapPayload::parse(body);
  ASSERT_TRUE(eap.has_value()) << eap.error().to_string();
  EXPECT_EQ(eap->message, body);
  EXPECT_EQ(build(*eap), body);
}

TEST(EapPayload, RequestSuccessAndFailureParse) {
  for (const char* text : {kRequestIdentity, kSuccess, "04 07 0004"}) {
    Bytes body = hex(text);
    auto eap = EapPayload::parse(body);
    ASSERT_TRUE(eap.has_value()) << text << ": " << eap.error().to_string();
    EXPECT_EQ(build(*eap), body);
  }
}

TEST(EapPayload, BuildThenParseIsTheSamePayload) {
  EapPayload eap{
      hex("01 02 0006 1a 01")};  // EAP-Request/MS-CHAP-V2, OpCode Challenge (truncated method data)
  auto back = EapPayload::parse(build(eap));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, eap);
}

TEST(EapPayload, EveryTruncationFails) {
  // The EAP Length field covers the whole message: no prefix is valid.
  Bytes body = hex(kResponseIdentity);
  for (size_t n = 0; n < body.size(); ++n) {
    SCOPED_TRACE(n);
    auto r = EapPayload::parse(ByteView{body}.first(n));
    if (n < 4) {
      expect_error(r, Errc::truncated, "EAP payload");
    } else {
      expect_error(r, Errc::bad_length, "EAP payload: EAP Length 18 but the message has");
    }
  }
}

TEST(EapPayload, LengthFieldMustEqualTheMessageSize) {
  expect_error(EapPayload::parse(hex("02 01 0013 01 61406578616d706c652e6f7267")), Errc::bad_length,
               "EAP Length 19 but the message has 18 octets");
  expect_error(EapPayload::parse(hex("02 01 0011 01 61406578616d706c652e6f7267")), Errc::bad_length,
               "EAP Length 17 but the message has 18 octets");
  expect_error(EapPayload::parse(hex("03 07 0000")), Errc::bad_length,
               "EAP Length 0 but the message has 4 octets");
}

TEST(EapPayload, CodeMustBe1To4) {
  expect_error(EapPayload::parse(hex("00 01 0005 01")), Errc::invalid_syntax,
               "EAP payload: Code 0 is not 1..4");
  expect_error(EapPayload::parse(hex("05 01 0005 01")), Errc::invalid_syntax, "Code 5 is not 1..4");
}

TEST(EapPayload, RequestAndResponseNeedATypeOctet) {
  expect_error(EapPayload::parse(hex("01 01 0004")), Errc::invalid_syntax,
               "EAP payload: Request without a Type octet");
  expect_error(EapPayload::parse(hex("02 01 0004")), Errc::invalid_syntax, "Response without a Type octet");
}

TEST(EapPayload, SuccessAndFailureAreFourOctets) {
  // RFC 3748 §4.2: Success and Failure have no data.
  expect_error(EapPayload::parse(hex("03 01 0005 00")), Errc::invalid_syntax, "Success of 5 octets");
  expect_error(EapPayload::parse(hex("04 01 0006 0000")), Errc::invalid_syntax, "Failure of 6 octets");
}

TEST(EapPayload, AnySingleOctetChangeNeverCrashes) {
  Bytes body = hex(kResponseIdentity);
  for (size_t at = 0; at < body.size(); ++at) {
    for (int v = 0; v < 256; ++v) {
      Bytes mutated = body;
      mutated[at] = static_cast<uint8_t>(v);
      auto eap = EapPayload::parse(mutated);
      if (!eap) continue;
      EXPECT_EQ(build(*eap), mutated);
    }
  }
}

}  // namespace
}  // namespace tern::wire

// EAP payload codec (RFC 7296 §3.16; EAP header per RFC 3748 §4).
#include "wire/eap_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire/iana.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

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
  EXPECT_EQ(body_of(*eap), body);
}

TEST(EapPayload, RequestSuccessAndFailureParse) {
  for (const char* text : {kRequestIdentity, kSuccess, "04 07 0004"}) {
    Bytes body = hex(text);
    auto eap = EapPayload::parse(body);
    ASSERT_TRUE(eap.has_value()) << text << ": " << eap.error().to_string();
    EXPECT_EQ(body_of(*eap), body);
  }
}

TEST(EapPayload, BuildThenParseIsTheSamePayload) {
  EapPayload eap{
      hex("01 02 0006 1a 01")};  // EAP-Request/MS-CHAP-V2, OpCode Challenge (truncated method data)
  auto back = EapPayload::parse(body_of(eap));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, eap);
}

TEST(EapPayload, EveryTruncationFails) {
  // The EAP Length field covers the whole message: no prefix is valid.
  Bytes body = hex(kResponseIdentity);
  checks::expect_prefixes_fail(body, 0, body.size(), EapPayload::parse, [](size_t n) {
    return n < 4 ? checks::ExpectedError{Errc::truncated, "EAP payload"}
                 : checks::ExpectedError{Errc::bad_length, "EAP payload: EAP Length 18 but the message has"};
  });
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
  checks::expect_every_octet_change_builds_back(hex(kResponseIdentity), EapPayload::parse,
                                                body_of<EapPayload>);
}

}  // namespace
}  // namespace tern::wire

// AUTH payload codec (RFC 7296 §3.8) and the RFC 7427 §3 signature data.
#include "wire/auth_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

// AUTH body: Auth Method = Shared Key Message Integrity Code (2) | RESERVED |
// prf(prf(Shared Secret, "Key Pad for IKEv2"), <InitiatorSignedOctets>), 32 octets for PRF_HMAC_SHA2_256.
const char* const kPskBody =
    "02 000000"
    "5f0e7a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";

// RFC 7427 §3, AlgorithmIdentifiers (DER; see RFC 7427 Appendix A):
//   sha256WithRSAEncryption: SEQUENCE { OID 1.2.840.113549.1.1.11, NULL }
const char* const kSha256WithRsa = "300d06092a864886f70d01010b0500";
//   ecdsa-with-SHA256: SEQUENCE { OID 1.2.840.10045.4.3.2 }
const char* const kEcdsaWithSha256 = "300a06082a8648ce3d040302";
//   id-Ed25519: SEQUENCE { OID 1.3.101.112 }
const char* const kEd25519 = "300506032b6570";

// AUTH body: Auth Method = Digital Signature (14) | RESERVED |
//   ASN.1 Length = 15 | sha256WithRSAEncryption | Signature Value (16 octets here)
const char* const kSignatureBody =
    "0e 000000"
    "0f 300d06092a864886f70d01010b0500"
    "000102030405060708090a0b0c0d0e0f";

TEST(AuthPayload, SharedKeyParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kPskBody);
  auto auth = AuthPayload::parse(body);
  ASSERT_TRUE(auth.has_value()) << auth.error().to_string();
  EXPECT_EQ(auth->method, AuthMethod::SHARED_KEY_MIC);
  EXPECT_EQ(auth->data.size(), 32u);
  EXPECT_EQ(body_of(*auth), body);
}

TEST(AuthPayload, DigitalSignatureParsesIntoAlgorithmAndSignature) {
  Bytes body = hex(kSignatureBody);
  auto auth = AuthPayload::parse(body);
  ASSERT_TRUE(auth.has_value()) << auth.error().to_string();
  EXPECT_EQ(auth->method, AuthMethod::DIGITAL_SIGNATURE);
  EXPECT_EQ(body_of(*auth), body);

  auto sig = parse_signature_auth_data(auth->data);
  ASSERT_TRUE(sig.has_value()) << sig.error().to_string();
  EXPECT_EQ(sig->algorithm_identifier, hex(kSha256WithRsa));
  EXPECT_EQ(sig->signature, hex("000102030405060708090a0b0c0d0e0f"));
  EXPECT_EQ(build_signature_auth_data(*sig), auth->data);
}

TEST(AuthPayload, SignatureDataRoundTripsForEachAlgorithm) {
  for (const char* algorithm : {kSha256WithRsa, kEcdsaWithSha256, kEd25519}) {
    SignatureAuthData data{hex(algorithm), Bytes(64, 0x5a)};
    Bytes encoded = build_signature_auth_data(data);
    EXPECT_EQ(encoded[0], data.algorithm_identifier.size());
    auto back = parse_signature_auth_data(encoded);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, data);
  }
}

TEST(AuthPayload, AlgorithmIdentifierWithLongFormDerLengthIsAccepted) {
  // SEQUENCE of 128 content octets: 30 81 80 ..., ASN.1 Length 131.
  Bytes algorithm = hex("308180");
  algorithm.resize(131, 0x05);
  SignatureAuthData data{algorithm, hex("01")};
  auto back = parse_signature_auth_data(build_signature_auth_data(data));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, data);
}

TEST(AuthPayload, BuildThenParseIsTheSamePayload) {
  const AuthPayload auths[] = {
      {AuthMethod::SHARED_KEY_MIC, Bytes(48, 0x11)},
      {AuthMethod::RSA_DIGITAL_SIGNATURE, Bytes(256, 0x22)},
      {AuthMethod::NULL_AUTH, Bytes(32, 0x33)},
      {AuthMethod::DIGITAL_SIGNATURE, build_signature_auth_data({hex(kEd25519), Bytes(64, 0x44)})},
  };
  for (const AuthPayload& auth : auths) {
    auto back = AuthPayload::parse(body_of(auth));
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, auth);
  }
}

TEST(AuthPayload, ReservedIsIgnoredOnReceiptAndZeroOnSend) {
  auto auth = AuthPayload::parse(hex("02 ffffff 01"));
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(body_of(*auth), hex("02 000000 01"));
}

TEST(AuthPayload, EveryTruncationFailsOrKeepsShorterData) {
  // Authentication Data has no length of its own: the generic header delimits it.
  Bytes body = hex(kPskBody);
  checks::expect_prefixes_fail(body, 0, 4, AuthPayload::parse, Errc::truncated, "AUTH payload");
  expect_error(AuthPayload::parse(ByteView{body}.first(4)), Errc::invalid_syntax,
               "AUTH payload: SHARED_KEY_MIC with empty Authentication Data");
  checks::expect_prefixes_parse(
      body, 5, body.size(), AuthPayload::parse,
      [](size_t n, const AuthPayload& auth) { EXPECT_EQ(auth.data.size(), n - 4); });
}

TEST(AuthPayload, EveryTruncationOfSignatureDataFailsUntilASignatureOctetIsLeft) {
  Bytes data = hex(kSignatureBody);
  data.erase(data.begin(), data.begin() + 4);  // the Authentication Data only
  // ASN.1 Length (1) + AlgorithmIdentifier (15): no prefix of these parses.
  checks::expect_prefixes_fail(data, 0, 16, parse_signature_auth_data, Errc::truncated,
                               "AUTH payload: signature data");
  expect_error(parse_signature_auth_data(ByteView{data}.first(16)), Errc::invalid_syntax,
               "empty Signature Value");
  checks::expect_prefixes_parse(
      data, 17, data.size() + 1, parse_signature_auth_data,
      [](size_t n, const SignatureAuthData& sig) { EXPECT_EQ(sig.signature.size(), n - 16); });
}

TEST(AuthPayload, Asn1LengthPastTheDataIsTruncated) {
  expect_error(parse_signature_auth_data(hex("20 300d06092a864886f70d01010b0500 00")), Errc::truncated,
               "AlgorithmIdentifier needs 32 bytes, 16 left");
}

TEST(AuthPayload, Asn1LengthZeroIsInvalidSyntax) {
  expect_error(parse_signature_auth_data(hex("00 0102")), Errc::invalid_syntax, "ASN.1 Length is 0");
}

TEST(AuthPayload, Asn1LengthDisagreeingWithTheDerIsInvalidSyntax) {
  // ASN.1 Length 14, but the SEQUENCE says 2 + 13 = 15 octets.
  expect_error(parse_signature_auth_data(hex("0e 300d06092a864886f70d01010b0500 00")), Errc::invalid_syntax,
               "AlgorithmIdentifier is not one DER SEQUENCE of 14 octets");
  // ASN.1 Length 16: the SEQUENCE is followed by a stray octet.
  expect_error(parse_signature_auth_data(hex("10 300d06092a864886f70d01010b0500 00 01")),
               Errc::invalid_syntax, "not one DER SEQUENCE of 16 octets");
  // Not a SEQUENCE at all (SET, 0x31).
  expect_error(parse_signature_auth_data(hex("07 310506032b6570 01")), Errc::invalid_syntax,
               "not one DER SEQUENCE");
  // Long form that is not minimal DER (0x81 with a length below 128).
  expect_error(parse_signature_auth_data(hex("08 30810506032b6570 01")), Errc::invalid_syntax,
               "not one DER SEQUENCE");
}

TEST(AuthPayload, AnySingleOctetChangeOfSignatureDataNeverCrashes) {
  Bytes data = hex(kSignatureBody);
  data.erase(data.begin(), data.begin() + 4);
  checks::expect_every_octet_change_builds_back(data, parse_signature_auth_data, build_signature_auth_data);
}

}  // namespace
}  // namespace tern::wire

// CERT payload codec (RFC 7296 §3.6).
#include "wire/cert_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

// CERT body: Cert Encoding = X.509 Certificate - Signature (4) | DER certificate.
// wire/ does not look inside the certificate; these are the first octets of one.
const char* const kX509Body = "04 308201 0a30 81b1 a003 0201 0202 0101";

// CERT body: Hash and URL of X.509 certificate (12) | SHA-1 hash | URL
const char* const kHashUrlBody =
    "0c"
    "00112233445566778899aabbccddeeff00112233"
    "687474703a2f2f63612e6578616d706c652e6f72672f612e646572";  // http://ca.example.org/a.der

TEST(CertPayload, X509ParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kX509Body);
  auto cert = CertPayload::parse(body);
  ASSERT_TRUE(cert.has_value()) << cert.error().to_string();
  EXPECT_EQ(cert->encoding, CertEncoding::X509_SIGNATURE);
  EXPECT_EQ(cert->data, Bytes(body.begin() + 1, body.end()));
  EXPECT_EQ(body_of(*cert), body);
}

TEST(CertPayload, HashAndUrlParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kHashUrlBody);
  auto cert = CertPayload::parse(body);
  ASSERT_TRUE(cert.has_value()) << cert.error().to_string();
  EXPECT_EQ(cert->encoding, CertEncoding::HASH_URL_X509_CERT);
  EXPECT_EQ(body_of(*cert), body);
}

TEST(CertPayload, BuildThenParseIsTheSamePayload) {
  const CertPayload certs[] = {
      {CertEncoding::X509_SIGNATURE, hex("3003020101")},
      {CertEncoding::CRL, hex("30020500")},
      {CertEncoding::RAW_PUBLIC_KEY, hex("302a300506032b6570032100")},
      {CertEncoding::HASH_URL_X509_BUNDLE, hex("0000000000000000000000000000000000000000 68")},
  };
  for (const CertPayload& cert : certs) {
    auto back = CertPayload::parse(body_of(cert));
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, cert);
  }
}

TEST(CertPayload, EveryTruncationFailsOrKeepsAShorterBlob) {
  // Certificate Data has no length of its own: the generic header delimits it.
  Bytes body = hex(kX509Body);
  expect_error(CertPayload::parse(ByteView{body}.first(0)), Errc::truncated, "CERT payload: Cert Encoding");
  expect_error(CertPayload::parse(ByteView{body}.first(1)), Errc::invalid_syntax,
               "CERT payload: X509_SIGNATURE with empty Certificate Data");
  checks::expect_prefixes_parse(
      body, 2, body.size(), CertPayload::parse,
      [](size_t n, const CertPayload& cert) { EXPECT_EQ(cert.data.size(), n - 1); });
}

TEST(CertPayload, HashAndUrlNeedsAHashAndAUrl) {
  Bytes body = hex(kHashUrlBody);
  checks::expect_prefixes_fail(body, 1, 22, CertPayload::parse, [](size_t n) {
    return checks::ExpectedError{Errc::invalid_syntax,
                                 n == 1 ? "empty Certificate Data" : "needs a 20-octet hash and a URL"};
  });
  EXPECT_TRUE(CertPayload::parse(ByteView{body}.first(22)).has_value());
}

TEST(CertPayload, UnknownEncodingsAreKept) {
  auto cert = CertPayload::parse(hex("c8 0102"));
  ASSERT_TRUE(cert.has_value());
  EXPECT_EQ(static_cast<uint8_t>(cert->encoding), 200);
  EXPECT_EQ(body_of(*cert), hex("c8 0102"));
}

}  // namespace
}  // namespace tern::wire

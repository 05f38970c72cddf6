// CERT payload codec (RFC 7296 §3.6).
#include "wire/cert_payload.h"

#include <gtest/gtest.h>

#include "base/byte_writer.h"

namespace tern::wire {
namespace {

Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes.value_or(Bytes{});
}

Bytes build(const CertPayload& cert) {
  Bytes out;
  ByteWriter w{out};
  cert.build(w);
  return out;
}

void expect_error(const Result<CertPayload>& r, Errc code, std::string_view detail) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, code) << r.error().to_string();
  EXPECT_EQ(r.error().notify, notify_number(NotifyType::INVALID_SYNTAX));
  EXPECT_NE(r.error().detail.find(detail), std::string::npos) << r.error().detail;
}

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
  EXPECT_EQ(build(*cert), body);
}

TEST(CertPayload, HashAndUrlParsesAndBuildsTheSameBytes) {
  Bytes body = hex(kHashUrlBody);
  auto cert = CertPayload::parse(body);
  ASSERT_TRUE(cert.has_value()) << cert.error().to_string();
  EXPECT_EQ(cert->encoding, CertEncoding::HASH_URL_X509_CERT);
  EXPECT_EQ(build(*cert), body);
}

TEST(CertPayload, BuildThenParseIsTheSamePayload) {
  const CertPayload certs[] = {
      {CertEncoding::X509_SIGNATURE, hex("3003020101")},
      {CertEncoding::CRL, hex("30020500")},
      {CertEncoding::RAW_PUBLIC_KEY, hex("302a300506032b6570032100")},
      {CertEncoding::HASH_URL_X509_BUNDLE, hex("0000000000000000000000000000000000000000 68")},
  };
  for (const CertPayload& cert : certs) {
    auto back = CertPayload::parse(build(cert));
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
  for (size_t n = 2; n < body.size(); ++n) {
    auto cert = CertPayload::parse(ByteView{body}.first(n));
    ASSERT_TRUE(cert.has_value());
    EXPECT_EQ(cert->data.size(), n - 1);
  }
}

TEST(CertPayload, HashAndUrlNeedsAHashAndAUrl) {
  Bytes body = hex(kHashUrlBody);
  for (size_t n = 1; n <= 21; ++n) {
    SCOPED_TRACE(n);
    auto r = CertPayload::parse(ByteView{body}.first(n));
    if (n == 1) {
      expect_error(r, Errc::invalid_syntax, "empty Certificate Data");
    } else {
      expect_error(r, Errc::invalid_syntax, "needs a 20-octet hash and a URL");
    }
  }
  EXPECT_TRUE(CertPayload::parse(ByteView{body}.first(22)).has_value());
}

TEST(CertPayload, UnknownEncodingsAreKept) {
  auto cert = CertPayload::parse(hex("c8 0102"));
  ASSERT_TRUE(cert.has_value());
  EXPECT_EQ(static_cast<uint8_t>(cert->encoding), 200);
  EXPECT_EQ(build(*cert), hex("c8 0102"));
}

}  // namespace
}  // namespace tern::wire

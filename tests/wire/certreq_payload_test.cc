// CERTREQ payload codec (RFC 7296 §3.7).
#include "wire/certreq_payload.h"

#include <gtest/gtest.h>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using checks::expect_error;
using samples::body_of;
using samples::hex;

// SHA-1 hashes of two CAs' SubjectPublicKeyInfo.
const char* const kCaA = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4";
const char* const kCaB = "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4";

// CERTREQ body: Cert Encoding = X.509 Certificate - Signature (4) | CA hash A | CA hash B
Bytes two_authorities_body() {
  return hex(std::string("04") + kCaA + kCaB);
}

TEST(CertReqPayload, TwoAuthoritiesParseAndBuildTheSameBytes) {
  Bytes body = two_authorities_body();
  auto req = CertReqPayload::parse(body);
  ASSERT_TRUE(req.has_value()) << req.error().to_string();
  EXPECT_EQ(req->encoding, CertEncoding::X509_SIGNATURE);
  EXPECT_EQ(body_of(*req), body);

  auto cas = req->authorities();
  ASSERT_TRUE(cas.has_value()) << cas.error().to_string();
  ASSERT_EQ(cas->size(), 2u);
  EXPECT_TRUE(equal((*cas)[0], hex(kCaA)));
  EXPECT_TRUE(equal((*cas)[1], hex(kCaB)));
}

TEST(CertReqPayload, BuildThenParseIsTheSamePayload) {
  CertReqPayload req{CertEncoding::HASH_URL_X509_BUNDLE, hex(kCaB)};
  auto back = CertReqPayload::parse(body_of(req));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, req);
  auto cas = back->authorities();
  ASSERT_TRUE(cas.has_value());
  EXPECT_EQ(cas->size(), 1u);
}

TEST(CertReqPayload, EmptyAuthorityListIsValid) {
  // Some peers send a CERTREQ with no CA, meaning "any certificate".
  auto req = CertReqPayload::parse(hex("04"));
  ASSERT_TRUE(req.has_value());
  auto cas = req->authorities();
  ASSERT_TRUE(cas.has_value());
  EXPECT_TRUE(cas->empty());
}

TEST(CertReqPayload, EmptyBodyIsTruncated) {
  expect_error(CertReqPayload::parse({}), Errc::truncated, "CERTREQ payload: Cert Encoding");
}

TEST(CertReqPayload, EveryTruncationParsesButOnlyWholeHashesAreAuthorities) {
  // The CA list has no count: parse keeps it, authorities() judges it.
  Bytes body = two_authorities_body();
  for (size_t n = 1; n < body.size(); ++n) {
    SCOPED_TRACE(n);
    auto req = CertReqPayload::parse(ByteView{body}.first(n));
    ASSERT_TRUE(req.has_value());
    auto cas = req->authorities();
    if ((n - 1) % kCaKeyHashSize == 0) {
      ASSERT_TRUE(cas.has_value());
      EXPECT_EQ(cas->size(), (n - 1) / kCaKeyHashSize);
    } else {
      ASSERT_FALSE(cas.has_value());
      EXPECT_EQ(cas.error().code, Errc::invalid_syntax);
      EXPECT_EQ(cas.error().notify, notify_number(NotifyType::INVALID_SYNTAX));
    }
  }
}

TEST(CertReqPayload, AuthorityLengthNotAMultipleOf20IsInvalidSyntax) {
  CertReqPayload req{CertEncoding::X509_SIGNATURE, Bytes(30, 0xaa)};
  auto cas = req.authorities();
  ASSERT_FALSE(cas.has_value());
  EXPECT_EQ(cas.error().code, Errc::invalid_syntax);
  EXPECT_NE(cas.error().detail.find("Certification Authority of 30 octets is not a list of 20-octet hashes"),
            std::string::npos)
      << cas.error().detail;
}

TEST(CertReqPayload, OtherEncodingsHaveNoAuthorityFormat) {
  CertReqPayload req{CertEncoding::PGP, hex(kCaA)};
  auto cas = req.authorities();
  ASSERT_FALSE(cas.has_value());
  EXPECT_EQ(cas.error().code, Errc::unsupported);
  EXPECT_NE(cas.error().detail.find("PGP"), std::string::npos) << cas.error().detail;
}

}  // namespace
}  // namespace tern::wire

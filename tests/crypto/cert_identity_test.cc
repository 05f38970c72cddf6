// Identity binding (crypto/cert_identity.h, RFC 7296 §2.15/§3.5): each ID
// type matches the certificate a.example.org of x509/make_test_pki.sh where
// it should, and every mismatch says why.
#include "crypto/cert_identity.h"

#include <gtest/gtest.h>

#include <string>

#include "x509/test_pki.h"

namespace tern::crypto {
namespace {

using testing::TestPki;
using wire::IdType;

Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

const Certificate& cert_a() {
  static const Certificate a = TestPki::get().cert("a");
  return a;
}

void expect_match(IdType type, ByteView data) {
  auto r = check_identity(cert_a(), type, data, "IDr");
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
}

std::string mismatch(IdType type, ByteView data) {
  auto r = check_identity(cert_a(), type, data, "IDr");
  if (r.has_value()) {
    ADD_FAILURE() << "matched";
    return {};
  }
  EXPECT_EQ(r.error().code, Errc::bad_signature);
  EXPECT_EQ(r.error().notify, uint16_t{24});
  return r.error().detail;
}

const std::string kSans = "(DNS: a.example.org, email: a@example.org, IP: 192.0.2.1, IP: 2001:db8::1)";

TEST(CertIdentity, Fqdn) {
  expect_match(IdType::ID_FQDN, text("a.example.org"));
  expect_match(IdType::ID_FQDN, text("A.Example.ORG"));
  EXPECT_EQ(mismatch(IdType::ID_FQDN, text("b.example.org")),
            "IDr b.example.org is not in the certificate's subjectAltNames " + kSans);
  // The CN alone never binds, and a name with a NUL is not the name before it.
  EXPECT_FALSE(check_identity(cert_a(), IdType::ID_FQDN, text(std::string("a.example.org\0x", 15)), "IDr"));
}

TEST(CertIdentity, Rfc822) {
  expect_match(IdType::ID_RFC822_ADDR, text("a@example.org"));
  expect_match(IdType::ID_RFC822_ADDR, text("a@EXAMPLE.org"));
  EXPECT_EQ(mismatch(IdType::ID_RFC822_ADDR, text("A@example.org")),
            "IDr A@example.org is not in the certificate's subjectAltNames " + kSans);
  EXPECT_EQ(mismatch(IdType::ID_RFC822_ADDR, text("a.example.org")),
            "IDr a.example.org is not in the certificate's subjectAltNames " + kSans);
}

TEST(CertIdentity, IpAddresses) {
  expect_match(IdType::ID_IPV4_ADDR, Bytes{192, 0, 2, 1});
  Bytes v6(16, 0);
  v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
  expect_match(IdType::ID_IPV6_ADDR, v6);
  EXPECT_EQ(mismatch(IdType::ID_IPV4_ADDR, Bytes{192, 0, 2, 2}),
            "IDr 192.0.2.2 is not in the certificate's subjectAltNames " + kSans);
  v6[15] = 2;
  EXPECT_EQ(mismatch(IdType::ID_IPV6_ADDR, v6),
            "IDr 2001:db8::2 is not in the certificate's subjectAltNames " + kSans);
}

TEST(CertIdentity, DistinguishedName) {
  expect_match(IdType::ID_DER_ASN1_DN, cert_a().subject_der());
  // The issuer's DN is a well-formed name, but not this subject.
  EXPECT_EQ(mismatch(IdType::ID_DER_ASN1_DN, cert_a().issuer_der()),
            "IDr C=CH, O=tern, CN=tern Intermediate CA is not the certificate's subject C=CH, O=tern, "
            "CN=a.example.org");
  auto garbage = check_identity(cert_a(), IdType::ID_DER_ASN1_DN, text("CN=a.example.org"), "IDi");
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, Errc::invalid_syntax);
  EXPECT_EQ(garbage.error().detail, "IDi of type ID_DER_ASN1_DN is not a DER Name");
}

TEST(CertIdentity, DistinguishedNameCanonicalForm) {
  // Same name with PrintableString -> UTF8String and different case in CN:
  // OpenSSL's canonical comparison folds both.
  Bytes dn = cert_a().subject_der();
  const std::string cn = "a.example.org";
  auto at = std::search(dn.begin(), dn.end(), cn.begin(), cn.end());
  ASSERT_NE(at, dn.end());
  *at = 'A';
  expect_match(IdType::ID_DER_ASN1_DN, dn);
}

TEST(CertIdentity, OtherIdTypesCannotBeBound) {
  auto r = check_identity(cert_a(), IdType::ID_KEY_ID, text("abc"), "IDr");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unsupported);
}

}  // namespace
}  // namespace tern::crypto

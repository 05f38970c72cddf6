// X.509 certificates (crypto/x509_certificate.h): every accessor on
// certificates made at test time by the openssl command line
// (x509/make_test_pki.sh), checked against what the script asked for; every
// truncation and a garbled copy of a real certificate give a named error;
// and a signature OpenSSL made verifies through crypto::verify with the
// certificate's public key.
#include "crypto/x509_certificate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "crypto/signature.h"
#include "x509/test_pki.h"

namespace tern::crypto {
namespace {

using testing::TestPki;
using namespace std::chrono_literals;

const TestPki& pki() {
  return TestPki::get();
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(X509Certificate, AccessorsReadWhatTheScriptAskedFor) {
  const Certificate a = pki().cert("a");
  EXPECT_EQ(a.subject(), "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(a.issuer(), "C=CH, O=tern, CN=tern Intermediate CA");
  EXPECT_EQ(a.serial(), "1000");  // the intermediate's first certificate
  EXPECT_EQ(a.der(), pki().read("a.der"));

  const SubjectAltNames& sans = a.subject_alt_names();
  EXPECT_EQ(sans.dns, std::vector<std::string>{"a.example.org"});
  EXPECT_EQ(sans.email, std::vector<std::string>{"a@example.org"});
  ASSERT_EQ(sans.ip.size(), 2u);
  EXPECT_EQ(sans.ip[0], (Bytes{192, 0, 2, 1}));
  EXPECT_EQ(ip_to_string(sans.ip[1]), "2001:db8::1");
  EXPECT_EQ(sans.to_string(), "DNS: a.example.org, email: a@example.org, IP: 192.0.2.1, IP: 2001:db8::1");

  // Validity as the script set it: from now-1d to now+365d.
  EXPECT_EQ(a.not_before(), pki().now() - std::chrono::days{1});
  EXPECT_EQ(a.not_after(), pki().now() + std::chrono::days{365});

  ASSERT_TRUE(a.key_usage().has_value());
  EXPECT_EQ(*a.key_usage(), uint32_t{kKuDigitalSignature});
  EXPECT_TRUE(contains(a.extended_key_usage(), "1.3.6.1.5.5.7.3.1"));  // serverAuth
  EXPECT_TRUE(contains(a.extended_key_usage(), "1.3.6.1.5.5.8.2.2"));  // ipsecIKE
  EXPECT_FALSE(a.is_ca());
  EXPECT_FALSE(a.is_self_issued());

  const Certificate root = pki().cert("root");
  EXPECT_TRUE(root.is_ca());
  EXPECT_TRUE(root.is_self_issued());
  EXPECT_EQ(*root.key_usage(), uint32_t{kKuKeyCertSign | kKuCrlSign});
  EXPECT_TRUE(root.extended_key_usage().empty());
}

TEST(X509Certificate, SubjectDerIsTheEncodedName) {
  const Certificate a = pki().cert("a");
  const Bytes dn = a.subject_der();
  ASSERT_GT(dn.size(), 2u);
  EXPECT_EQ(dn[0], 0x30);  // SEQUENCE
  // The DER Name appears inside the certificate, twice for a self-issued one.
  const Bytes& der = a.der();
  EXPECT_NE(std::search(der.begin(), der.end(), dn.begin(), dn.end()), der.end());
  EXPECT_EQ(pki().cert("root").subject_der(), pki().cert("root").issuer_der());
}

TEST(X509Certificate, PublicKeyTypes) {
  struct {
    const char* name;
    KeyType type;
    size_t bits;
  } cases[] = {{"a", KeyType::ecdsa_p256, 256},
               {"rsa", KeyType::rsa, 3072},
               {"ed", KeyType::ed25519, 256},
               {"root", KeyType::rsa, 3072}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto key = pki().cert(c.name).public_key();
    ASSERT_TRUE(key.has_value()) << key.error().to_string();
    EXPECT_EQ(key->type(), c.type);
    EXPECT_EQ(key->bits(), c.bits);
    EXPECT_EQ(key->to_der(), pki().cert(c.name).spki_der());
  }
}

TEST(X509Certificate, SpkiSha1IsTheCertReqHashOpenSslComputes) {
  for (const char* ca : {"root", "int", "other"}) {
    SCOPED_TRACE(ca);
    EXPECT_EQ(to_hex(pki().cert(ca).spki_sha1()), pki().text(std::string(ca) + ".spki.sha1"));
  }
}

TEST(X509Certificate, FingerprintIsSha256OfDer) {
  const Certificate a = pki().cert("a");
  EXPECT_EQ(a.fingerprint(), sha256({ByteView(a.der())}));
}

TEST(X509Certificate, PemChainKeepsOrder) {
  Bytes both = pki().read("a.pem");
  const Bytes in = pki().read("int.pem");
  both.insert(both.end(), in.begin(), in.end());
  auto chain = Certificate::from_pem_chain(both);
  ASSERT_TRUE(chain.has_value()) << chain.error().to_string();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0], pki().cert("a"));
  EXPECT_EQ((*chain)[1], pki().cert("int"));
}

TEST(X509Certificate, NotPemIsANamedError) {
  const std::string junk = "hello, not a certificate\n";
  auto r = Certificate::from_pem(Bytes(junk.begin(), junk.end()));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_syntax);
  auto key_only = Certificate::from_pem(pki().read("a.key"));
  ASSERT_FALSE(key_only.has_value());
  EXPECT_EQ(key_only.error().code, Errc::invalid_syntax);
}

TEST(X509Certificate, EveryTruncationIsInvalidSyntax) {
  const Bytes der = pki().read("rsa.der");
  for (size_t n = 0; n < der.size(); ++n) {
    auto r = Certificate::from_der(ByteView(der).first(n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code, Errc::invalid_syntax) << n;
  }
  auto r = Certificate::from_der(pki().read("truncated.der"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_syntax);
}

TEST(X509Certificate, TrailingOctetsAreInvalidSyntax) {
  Bytes der = pki().read("a.der");
  der.push_back(0);
  auto r = Certificate::from_der(der);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_syntax);
  EXPECT_NE(r.error().detail.find("1 octets after"), std::string::npos) << r.error().detail;
}

TEST(X509Certificate, GarbledDerIsANamedErrorNeverACrash) {
  auto r = Certificate::from_der(pki().read("garbled.der"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_syntax);
  // And every single-octet flip of a real certificate parses or fails cleanly.
  const Bytes der = pki().read("a.der");
  for (size_t i = 0; i < der.size(); ++i) {
    Bytes flipped = der;
    flipped[i] ^= 0xff;
    auto f = Certificate::from_der(flipped);
    if (!f) {
      EXPECT_FALSE(f.error().detail.empty()) << i;
    }
  }
}

TEST(X509Certificate, TooLargeIsBadLength) {
  Bytes big(kMaxCertificateSize + 1, 0x30);
  auto r = Certificate::from_der(big);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::bad_length);
}

TEST(X509Certificate, FormatWallTime) {
  EXPECT_EQ(format_wall_time(WallTime{0s}), "1970-01-01 00:00:00 UTC");
  EXPECT_EQ(format_wall_time(WallTime{std::chrono::seconds{1796126400}}), "2026-12-01 12:00:00 UTC");
}

// A signature made by OpenSSL (openssl dgst / pkeyutl in the script) over
// signed.bin verifies through crypto::verify with the certificate's key, and
// fails with bad_signature over other data.
TEST(X509Certificate, OpenSslSignatureVerifiesWithTheCertificatesKey) {
  struct {
    const char* name;
    SignatureScheme scheme;
  } cases[] = {{"a", SignatureScheme::ecdsa_sha256},
               {"rsa", SignatureScheme::rsa_pkcs1_sha256},
               {"ed", SignatureScheme::ed25519}};
  const Bytes data = pki().read("signed.bin");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto key = pki().cert(c.name).public_key();
    ASSERT_TRUE(key.has_value()) << key.error().to_string();
    const Bytes sig = pki().read(std::string(c.name) + ".sig");
    auto ok = verify(*key, c.scheme, data, sig);
    EXPECT_TRUE(ok.has_value()) << ok.error().to_string();
    Bytes other = data;
    other[0] ^= 1;
    auto bad = verify(*key, c.scheme, other, sig);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, Errc::bad_signature);
  }
}

}  // namespace
}  // namespace tern::crypto

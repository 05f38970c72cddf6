// TrustStore (crypto/trust_store.h) on the test PKI of x509/make_test_pki.sh:
// valid chains for ECDSA P-256, RSA-3072 and Ed25519 end entities; each way
// a chain fails gives its plain-words reason (expired, not yet valid,
// revoked by CRL, unknown CA, missing intermediate, expired CRL, missing
// CRL); the time is always the `now` passed in; CERTREQ hashes of the anchors.
#include "crypto/trust_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "x509/test_pki.h"

namespace tern::crypto {
namespace {

using testing::TestPki;

const TestPki& pki() {
  return TestPki::get();
}

TrustStore store(const std::vector<std::string>& cas, const std::vector<std::string>& crls) {
  std::vector<std::string> ca_paths, crl_paths;
  for (const auto& c : cas) ca_paths.push_back(pki().path(c + ".pem"));
  for (const auto& c : crls) crl_paths.push_back(pki().path(c + ".crl.pem"));
  auto s = TrustStore::load_files(ca_paths, crl_paths);
  if (!s) {
    ADD_FAILURE() << s.error().to_string();
    std::abort();
  }
  return std::move(*s);
}

// The reason of a refused chain; fails the test if the chain was accepted or
// the error is not the authentication failure the engine expects.
std::string refusal(const TrustStore& s, const std::string& ee, std::vector<std::string> ints, WallTime now) {
  std::vector<Certificate> chain;
  for (const auto& i : ints) chain.push_back(pki().cert(i));
  auto r = s.verify(pki().cert(ee), chain, now);
  if (r.has_value()) {
    ADD_FAILURE() << ee << " verified";
    return {};
  }
  EXPECT_EQ(r.error().code, Errc::bad_signature);
  EXPECT_EQ(r.error().notify, uint16_t{24});  // AUTHENTICATION_FAILED
  return r.error().detail;
}

TEST(TrustStore, ValidChainsOfEveryKeyType) {
  const TrustStore s = store({"root"}, {"root", "int"});
  for (const char* ee : {"a", "rsa", "ed"}) {
    SCOPED_TRACE(ee);
    auto chain = s.verify(pki().cert(ee), std::vector{pki().cert("int")}, pki().now());
    ASSERT_TRUE(chain.has_value()) << chain.error().to_string();
    ASSERT_EQ(chain->size(), 3u);
    EXPECT_EQ((*chain)[0], pki().cert(ee));
    EXPECT_EQ((*chain)[1], pki().cert("int"));
    EXPECT_EQ((*chain)[2], pki().cert("root"));
  }
}

TEST(TrustStore, Expired) {
  const TrustStore s = store({"root"}, {});
  const Certificate expired = pki().cert("expired");
  EXPECT_EQ(
      refusal(s, "expired", {"int"}, pki().now()),
      "certificate C=CH, O=tern, CN=expired.example.org expired on " + format_wall_time(expired.not_after()));
  // A valid certificate expires when `now` passes its notAfter: no clock is read.
  const Certificate a = pki().cert("a");
  EXPECT_EQ(refusal(s, "a", {"int"}, a.not_after() + std::chrono::seconds{1}),
            "certificate C=CH, O=tern, CN=a.example.org expired on " + format_wall_time(a.not_after()));
  EXPECT_TRUE(s.verify(a, std::vector{pki().cert("int")}, a.not_after() - std::chrono::seconds{1}));
}

TEST(TrustStore, NotYetValid) {
  const TrustStore s = store({"root"}, {});
  const Certificate notyet = pki().cert("notyet");
  EXPECT_EQ(refusal(s, "notyet", {"int"}, pki().now()),
            "certificate C=CH, O=tern, CN=notyet.example.org is not yet valid until " +
                format_wall_time(notyet.not_before()));
  EXPECT_TRUE(s.verify(notyet, std::vector{pki().cert("int")}, notyet.not_before()).has_value());
}

TEST(TrustStore, RevokedByCrl) {
  const TrustStore with_crls = store({"root"}, {"root", "int"});
  EXPECT_EQ(with_crls.crl_count(), 2u);
  const std::string reason = refusal(with_crls, "revoked", {"int"}, pki().now());
  EXPECT_TRUE(reason.starts_with("certificate C=CH, O=tern, CN=revoked.example.org was revoked on "))
      << reason;
  EXPECT_TRUE(reason.ends_with(" UTC (CRL of C=CH, O=tern, CN=tern Intermediate CA)")) << reason;
  // Without CRLs the same certificate passes: revocation is only known from a CRL.
  const TrustStore without = store({"root"}, {});
  EXPECT_TRUE(without.verify(pki().cert("revoked"), std::vector{pki().cert("int")}, pki().now()));
}

TEST(TrustStore, AnAcceptedChainIsRememberedButNotPastItsNotAfter) {
  const TrustStore s = store({"root"}, {});
  const Certificate a = pki().cert("a");
  const std::vector<Certificate> ints{pki().cert("int")};
  ASSERT_TRUE(s.verify(a, ints, pki().now()));
  EXPECT_EQ(s.verified_chain_hits(), 0u);
  // The same chain again (the next IKE_AUTH of this peer): no X509_verify_cert.
  auto again = s.verify(a, ints, pki().now() + std::chrono::hours{1});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(s.verified_chain_hits(), 1u);
  ASSERT_EQ(again->size(), 3u);
  EXPECT_EQ((*again)[0], a);
  EXPECT_EQ((*again)[2], pki().cert("root"));
  // Another order of the same certificates is another chain: verified anew.
  ASSERT_TRUE(s.verify(a, std::vector{pki().cert("int"), pki().cert("root")}, pki().now()));
  EXPECT_EQ(s.verified_chain_hits(), 1u);
  // At a later clock, past a's notAfter, the remembered chain is not used: refused, and why.
  EXPECT_EQ(refusal(s, "a", {"int"}, a.not_after()),
            "certificate C=CH, O=tern, CN=a.example.org expired on " + format_wall_time(a.not_after()));
  EXPECT_EQ(s.verified_chain_hits(), 1u);
  // Nor before the clock reached its notBefore (a stepped clock).
  EXPECT_FALSE(s.verify(a, ints, a.not_before() - std::chrono::seconds{1}).has_value());
}

TEST(TrustStore, ARememberedChainEndsWithTheCrlsAndWithAReload) {
  // Accepted without CRLs, remembered...
  const TrustStore without = store({"root"}, {});
  ASSERT_TRUE(without.verify(pki().cert("revoked"), std::vector{pki().cert("int")}, pki().now()));
  ASSERT_TRUE(without.verify(pki().cert("revoked"), std::vector{pki().cert("int")}, pki().now()));
  EXPECT_EQ(without.verified_chain_hits(), 1u);
  // ...but the reload with the CRL that revokes it is a new store: refused.
  const TrustStore reloaded = store({"root"}, {"root", "int"});
  EXPECT_TRUE(refusal(reloaded, "revoked", {"int"}, pki().now())
                  .starts_with("certificate C=CH, O=tern, "
                               "CN=revoked.example.org was "
                               "revoked on "));
  EXPECT_EQ(reloaded.verified_chain_hits(), 0u);
  // A chain remembered with CRLs is good only while they are current (30 days).
  ASSERT_TRUE(reloaded.verify(pki().cert("a"), std::vector{pki().cert("int")}, pki().now()));
  ASSERT_TRUE(reloaded.verify(pki().cert("a"), std::vector{pki().cert("int")}, pki().now()));
  EXPECT_EQ(reloaded.verified_chain_hits(), 1u);
  const std::string reason = refusal(reloaded, "a", {"int"}, pki().now() + std::chrono::days{40});
  EXPECT_NE(reason.find(" expired on "), std::string::npos) << reason;
  EXPECT_EQ(reloaded.verified_chain_hits(), 1u);
}

TEST(TrustStore, UnknownCa) {
  const TrustStore s = store({"root"}, {});
  EXPECT_EQ(refusal(s, "stranger", {}, pki().now()),
            "issuer C=CH, O=elsewhere, CN=Other CA of certificate C=CH, O=elsewhere, "
            "CN=stranger.example.org is not a trusted CA");
  // The peer's own CA sent as an "intermediate" does not make it trusted.
  EXPECT_EQ(refusal(s, "stranger", {"other"}, pki().now()),
            "the chain ends in self-signed C=CH, O=elsewhere, CN=Other CA, which is not a trusted CA");
}

TEST(TrustStore, MissingIntermediate) {
  const TrustStore s = store({"root"}, {});
  EXPECT_EQ(refusal(s, "a", {}, pki().now()),
            "issuer C=CH, O=tern, CN=tern Intermediate CA of certificate C=CH, O=tern, "
            "CN=a.example.org is not a trusted CA");
}

TEST(TrustStore, ExpiredCrl) {
  const TrustStore s = store({"root"}, {"root", "int"});
  // The CRLs are valid for 30 days from now; 40 days later they are stale.
  const std::string reason = refusal(s, "a", {"int"}, pki().now() + std::chrono::days{40});
  EXPECT_TRUE(reason.starts_with("the CRL of C=CH, O=tern, CN=tern ")) << reason;
  EXPECT_NE(reason.find(" expired on "), std::string::npos) << reason;
  EXPECT_TRUE(reason.ends_with("; load a fresh one")) << reason;
}

TEST(TrustStore, CrlCheckNeedsACrlForEveryCa) {
  const TrustStore s = store({"root"}, {"int"});
  EXPECT_EQ(refusal(s, "a", {"int"}, pki().now()),
            "no CRL of C=CH, O=tern, CN=tern Root CA is loaded to check certificate C=CH, O=tern, "
            "CN=tern Intermediate CA (CRLs are checked for every CA once any CRL is configured)");
}

TEST(TrustStore, TooManyIntermediates) {
  const TrustStore s = store({"root"}, {});
  std::vector<Certificate> many(kMaxIntermediates + 1, pki().cert("int"));
  auto r = s.verify(pki().cert("a"), many, pki().now());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::too_many);
}

TEST(TrustStore, AnchorHashesForCertReq) {
  const TrustStore s = store({"root", "other"}, {});
  ASSERT_EQ(s.anchors().size(), 2u);
  const auto hashes = s.anchor_hashes();
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(to_hex(hashes[0]), pki().text("root.spki.sha1"));
  EXPECT_EQ(to_hex(hashes[1]), pki().text("other.spki.sha1"));
}

TEST(TrustStore, LoadingErrorsAreNamed) {
  const std::vector<std::string> missing{pki().path("no-such.pem")};
  auto r = TrustStore::load_files(missing, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::io_error);
  EXPECT_NE(r.error().detail.find("no-such.pem"), std::string::npos) << r.error().detail;

  const std::vector<std::string> not_ca{pki().path("a.pem")};
  auto leaf = TrustStore::load_files(not_ca, {});
  ASSERT_FALSE(leaf.has_value());
  EXPECT_EQ(leaf.error().code, Errc::invalid_syntax);
  EXPECT_NE(leaf.error().detail.find("CN=a.example.org is not a CA certificate"), std::string::npos)
      << leaf.error().detail;

  const std::vector<std::string> root{pki().path("root.pem")};
  const std::vector<std::string> bad_crl{pki().path("root.pem")};  // a certificate, not a CRL
  auto crl = TrustStore::load_files(root, bad_crl);
  ASSERT_FALSE(crl.has_value());
  EXPECT_EQ(crl.error().code, Errc::invalid_syntax);
}

}  // namespace
}  // namespace tern::crypto

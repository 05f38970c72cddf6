// The parsed-certificate cache (crypto/cert_cache.h), CERTREQ-driven chain
// selection (crypto/cert_select.h) and private key file loading with its
// permission check (crypto/private_key_file.h), on x509/make_test_pki.sh.
#include "crypto/cert_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/cert_select.h"
#include "crypto/private_key_file.h"
#include "x509/test_pki.h"

namespace tern::crypto {
namespace {

using testing::TestPki;

const TestPki& pki() {
  return TestPki::get();
}

TEST(CertCache, HitsMissesAndLeastRecentlyUsedEviction) {
  CertCache cache(2);
  const Bytes a = pki().read("a.der"), rsa = pki().read("rsa.der"), ed = pki().read("ed.der");
  ASSERT_TRUE(cache.parse(a).has_value());
  ASSERT_TRUE(cache.parse(rsa).has_value());
  EXPECT_EQ(cache.misses(), 2u);
  auto again = cache.parse(a);  // a is now the most recently used
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->subject(), "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_TRUE(cache.parse(ed).has_value());  // evicts rsa
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_TRUE(cache.parse(a).has_value());
  EXPECT_EQ(cache.hits(), 2u);
  ASSERT_TRUE(cache.parse(rsa).has_value());
  EXPECT_EQ(cache.misses(), 4u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CertCache, MalformedIsNotCachedAndFailsEveryTime) {
  CertCache cache(4);
  for (int i = 0; i < 2; ++i) {
    auto r = cache.parse(pki().read("truncated.der"));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_syntax);
  }
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(CertSelect, PicksTheChainWhoseCaThePeerTrusts) {
  const std::vector<LocalChain> chains{
      {{pki().cert("stranger"), pki().cert("other")}},
      {{pki().cert("a"), pki().cert("int"), pki().cert("root")}},
  };
  const Sha1Digest root = pki().cert("root").spki_sha1();
  const Sha1Digest in = pki().cert("int").spki_sha1();
  const Sha1Digest other = pki().cert("other").spki_sha1();
  const Sha1Digest leaf = pki().cert("a").spki_sha1();

  EXPECT_EQ(select_chain(chains, std::vector<ByteView>{root}), 1u);
  EXPECT_EQ(select_chain(chains, std::vector<ByteView>{in}), 1u);
  EXPECT_EQ(select_chain(chains, std::vector<ByteView>{other}), 0u);
  EXPECT_EQ(select_chain(chains, std::vector<ByteView>{root, other}), 0u);  // first chain wins
  // The end entity's own key is no CA; unknown and short hashes match nothing.
  EXPECT_EQ(select_chain(chains, std::vector<ByteView>{leaf}), std::nullopt);
  EXPECT_EQ(select_chain(chains, std::vector<ByteView>{ByteView(root).first(19)}), std::nullopt);
  EXPECT_EQ(select_chain(chains, {}), std::nullopt);
}

TEST(PrivateKeyFile, RefusesGroupOrWorldReadableFiles) {
  namespace fs = std::filesystem;
  const std::string path = pki().path("loose.key");
  fs::copy_file(pki().path("a.key"), path, fs::copy_options::overwrite_existing);
  fs::permissions(
      path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  auto r = load_private_key_file(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::bad_key);
  EXPECT_EQ(r.error().detail, "key file " + path + " is readable by group/others (mode 0644); chmod 600 it");

  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read);
  r = load_private_key_file(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().detail.find("(mode 0440)"), std::string::npos) << r.error().detail;

  // Tests may skip the check.
  EXPECT_TRUE(load_private_key_file(path, KeyFileCheck::skip_permissions).has_value());
}

TEST(PrivateKeyFile, LoadsEveryKeyTypeAndMatchesItsCertificate) {
  struct {
    const char* name;
    KeyType type;
  } cases[] = {{"a", KeyType::ecdsa_p256}, {"rsa", KeyType::rsa}, {"ed", KeyType::ed25519}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto key = load_private_key_file(pki().path(std::string(c.name) + ".key"));  // mode 0600
    ASSERT_TRUE(key.has_value()) << key.error().to_string();
    EXPECT_EQ(key->type(), c.type);
    auto pub = pki().cert(c.name).public_key();
    ASSERT_TRUE(pub.has_value());
    EXPECT_TRUE(key->public_key() == *pub);
  }
}

TEST(PrivateKeyFile, MissingOrNotAKeyNamesThePath) {
  auto missing = load_private_key_file(pki().path("none.key"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::io_error);
  EXPECT_NE(missing.error().detail.find("none.key"), std::string::npos);

  auto cert = load_private_key_file(pki().path("a.pem"), KeyFileCheck::skip_permissions);
  ASSERT_FALSE(cert.has_value());
  EXPECT_EQ(cert.error().code, Errc::bad_key);
  EXPECT_NE(cert.error().detail.find("a.pem"), std::string::npos);
}

}  // namespace
}  // namespace tern::crypto

// auth = "pubkey" in [connection.local] / [connection.remote]: the files are
// loaded at config time, with the PKI of tests/crypto/x509/make_test_pki.sh
// made for this test process.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "config/config_test_support.h"
#include "crypto/x509/test_pki.h"

namespace tern::config {
namespace {

using crypto::testing::TestPki;
using testing::contains;
using testing::load;
using testing::only_problem;

const TestPki& pki() {
  return TestPki::get();
}

// A connection where we sign with `cert`/`key` and the peer with a certificate of `cacert`.
std::string pubkey_conf(const std::string& local_extra, const std::string& remote_extra = "") {
  return R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "pubkey"
)" + local_extra +
         R"(  [connection.remote]
  auth = "pubkey"
  cacerts = [")" +
         pki().path("root.pem") + "\"]\n" + remote_extra + R"(  [[connection.child]]
  name = "net"
  local_ts = ["10.1.0.0/24"]
  remote_ts = ["10.2.0.0/24"]
)";
}

std::string local(const std::string& cert, const std::string& key, const std::string& more = "") {
  return "  cert = \"" + pki().path(cert) + "\"\n  key = \"" + pki().path(key) + "\"\n" + more;
}

TEST(PubkeyConfig, CertificateKeyAndCasAreLoaded) {
  LoadResult r = load(pubkey_conf(
      local("a.pem", "a.key", "  certs = [\"" + pki().path("int.pem") + "\"]\n"),
      "  crls = [\"" + pki().path("root.crl.pem") + "\", \"" + pki().path("int.crl.pem") + "\"]\n"));
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  const ConnectionSettings& c = r->connections.at(0);
  const ike::ConnectionConfig& e = *c.engine;
  EXPECT_EQ(e.local_auth, ike::AuthKind::pubkey);
  EXPECT_EQ(e.remote_auth, ike::AuthKind::pubkey);
  ASSERT_EQ(e.credentials.size(), 1u);
  ASSERT_EQ(e.credentials[0]->chain.size(), 2u);  // a, then the intermediate from certs
  EXPECT_EQ(e.credentials[0]->chain[1].subject(), "C=CH, O=tern, CN=tern Intermediate CA");
  ASSERT_NE(e.trust, nullptr);
  EXPECT_EQ(e.trust->crl_count(), 2u);
  // No id: our certificate's subject DN; the peer: any identity the CA vouches for.
  EXPECT_EQ(e.local_id.type, wire::IdType::ID_DER_ASN1_DN);
  EXPECT_EQ(e.local_id.to_string(), "C=CH, O=tern, CN=a.example.org");
  EXPECT_TRUE(e.remote_id.any);
  // What the daemon can list (expiry watch, ternctl list-certs).
  ASSERT_EQ(c.certificates.size(), 3u);
  EXPECT_EQ(c.certificates[0].role, LoadedCertificate::Role::local);
  EXPECT_EQ(c.certificates[0].subject, "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(c.certificates[0].file, pki().path("a.pem"));
  EXPECT_EQ(c.certificates[0].not_after, pki().cert("a").not_after().time_since_epoch().count());
  EXPECT_EQ(c.certificates[1].role, LoadedCertificate::Role::intermediate);
  EXPECT_EQ(c.certificates[2].role, LoadedCertificate::Role::ca);
  EXPECT_EQ(c.certificates[2].subject, "C=CH, O=tern, CN=tern Root CA");
  EXPECT_EQ(c.crl_files.size(), 2u);
}

TEST(PubkeyConfig, AnIdTheCertificateCarriesIsKept) {
  LoadResult r = load(pubkey_conf(local("a.pem", "a.key", "  id = \"a@example.org\"\n")));
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  EXPECT_EQ(r->connections[0].engine->local_id.to_string(), "rfc822:a@example.org");
  // A DN written in another spelling is sent as the certificate's own encoding.
  LoadResult dn = load(pubkey_conf(local("a.pem", "a.key", "  id = \"C=CH,O=tern,  CN=a.example.org\"\n")));
  ASSERT_TRUE(dn.has_value()) << ::testing::PrintToString(testing::texts(dn.error()));
  EXPECT_EQ(dn->connections[0].engine->local_id.data, pki().cert("a").subject_der());
}

TEST(PubkeyConfig, AnIdTheCertificateDoesNotCarryIsRefused) {
  Problem p = only_problem(pubkey_conf(local("a.pem", "a.key", "  id = \"b.example.org\"\n")));
  EXPECT_EQ(p.key, "connection[0].local.id");
  EXPECT_TRUE(contains(p.message, "id b.example.org is not in the certificate's subjectAltNames"));
}

TEST(PubkeyConfig, AKeyThatDoesNotMatchTheCertificateIsRefused) {
  Problem p = only_problem(pubkey_conf(local("a.pem", "b.key")));
  EXPECT_EQ(p.file, "tern.toml");
  EXPECT_EQ(p.line, 8u);
  EXPECT_EQ(p.key, "connection[0].local.key");
  EXPECT_TRUE(contains(p.message, "does not match the certificate C=CH, O=tern, CN=a.example.org"));
}

// Several certificates, each with its key in the same position; each IKE SA
// signs with the one the peer's CERTREQ asks for (ike/credential_choice.h).
std::string several(const std::vector<std::string>& certs, const std::vector<std::string>& keys,
                    const std::string& more = "") {
  auto list = [](const std::vector<std::string>& names) {
    std::string out = "[";
    for (const std::string& n : names) out += (out.size() > 1 ? ", \"" : "\"") + pki().path(n) + "\"";
    return out + "]";
  };
  return "  cert = " + list(certs) + "\n  key = " + list(keys) + "\n" + more;
}

TEST(PubkeyConfig, SeveralCertificatesPairWithTheirKeysInOrder) {
  LoadResult r = load(pubkey_conf(several({"a_other.pem", "a.pem"}, {"a_other.key", "a.key"},
                                          "  id = \"a.example.org\"\n  certs = [\"" + pki().path("int.pem") +
                                              "\", \"" + pki().path("other.pem") + "\"]\n")));
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  const ike::ConnectionConfig& e = *r->connections.at(0).engine;
  ASSERT_EQ(e.credentials.size(), 2u);
  EXPECT_EQ(e.credentials[0]->chain.front().issuer(), "C=CH, O=elsewhere, CN=Other CA");
  EXPECT_EQ(e.credentials[1]->chain.front().issuer(), "C=CH, O=tern, CN=tern Intermediate CA");
  // Each intermediate of certs goes to the chain it continues, and only there.
  ASSERT_EQ(e.credentials[0]->chain.size(), 2u);
  EXPECT_EQ(e.credentials[0]->chain[1].subject(), "C=CH, O=elsewhere, CN=Other CA");
  ASSERT_EQ(e.credentials[1]->chain.size(), 2u);
  EXPECT_EQ(e.credentials[1]->chain[1].subject(), "C=CH, O=tern, CN=tern Intermediate CA");
  EXPECT_EQ(e.local_id.to_string(), "fqdn:a.example.org");
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(r->connections[0].certificates.size(), 5u);  // 2 local, 2 intermediates, 1 CA of the peer
}

TEST(PubkeyConfig, SeveralCertificatesNeedAKeyEach) {
  Problem p = only_problem(pubkey_conf(several({"a_other.pem", "a.pem"}, {"a_other.key"})));
  EXPECT_EQ(p.key, "connection[0].local.key");
  EXPECT_TRUE(contains(p.message,
                       "1 key file(s) for 2 certificate(s): key lists the private key of each "
                       "cert, in the same order"))
      << p.message;
}

TEST(PubkeyConfig, SeveralCertificatesWithKeysSwappedAreRefusedAtTheirPosition) {
  LoadResult r = load(
      pubkey_conf(several({"a_other.pem", "a.pem"}, {"a.key", "a_other.key"}, "  id = \"a.example.org\"\n")));
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().size(), 2u) << ::testing::PrintToString(testing::texts(r.error()));
  EXPECT_EQ(r.error()[0].key, "connection[0].local.key[0]");
  EXPECT_TRUE(
      contains(r.error()[0].message, "does not match the certificate C=CH, O=elsewhere, CN=a.example.org"));
  EXPECT_EQ(r.error()[1].key, "connection[0].local.key[1]");
}

TEST(PubkeyConfig, SeveralCertificatesWithDifferentSubjectsNeedAnIdTheyAllCarry) {
  Problem p = only_problem(pubkey_conf(several({"a.pem", "b.pem"}, {"a.key", "b.key"})));
  EXPECT_EQ(p.key, "connection[0].local.cert");
  EXPECT_TRUE(contains(p.message,
                       "our certificates have different subjects (C=CH, O=tern, CN=a.example.org "
                       "in "))
      << p.message;
  EXPECT_TRUE(contains(p.message, "set id to an identity each of them carries")) << p.message;
  Problem q = only_problem(
      pubkey_conf(several({"a.pem", "b.pem"}, {"a.key", "b.key"}, "  id = \"a.example.org\"\n")));
  EXPECT_EQ(q.key, "connection[0].local.id");
  EXPECT_TRUE(contains(q.message, "with several certificates, id must be one each of them carries"))
      << q.message;
  EXPECT_TRUE(contains(q.message, "b.pem")) << q.message;
}

TEST(PubkeyConfig, AnIntermediateThatIssuedNoneOfOurCertificatesIsAWarning) {
  LoadResult r =
      load(pubkey_conf(local("a.pem", "a.key", "  certs = [\"" + pki().path("other.pem") + "\"]\n")));
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].key, "connection[0].local.certs[0]");
  EXPECT_TRUE(
      contains(r->warnings[0].message, "C=CH, O=elsewhere, CN=Other CA issued none of our certificates"))
      << r->warnings[0].message;
  EXPECT_EQ(r->connections[0].engine->credentials.at(0)->chain.size(), 1u);
}

TEST(PubkeyConfig, AKeyFileOthersMayReadIsRefusedWithTheFix) {
  const std::string copy = pki().path("a-open.key");
  std::filesystem::copy_file(pki().path("a.key"), copy, std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(chmod(copy.c_str(), 0644), 0);
  Problem p = only_problem(pubkey_conf(local("a.pem", "a-open.key")));
  EXPECT_EQ(p.key, "connection[0].local.key");
  EXPECT_TRUE(contains(p.message, "is readable by group/others (mode 0644); chmod 600 it"));
}

TEST(PubkeyConfig, MissingFilesAreNamed) {
  Problem p = only_problem(pubkey_conf(local("nothere.pem", "a.key")));
  EXPECT_EQ(p.key, "connection[0].local.cert");
  EXPECT_TRUE(contains(p.message, pki().path("nothere.pem")));
  Problem ca = only_problem(pubkey_conf(local("a.pem", "a.key"), "  crls = [\"/nonexistent/x.crl\"]\n"));
  EXPECT_EQ(ca.key, "connection[0].remote.crls[0]");
  EXPECT_TRUE(contains(ca.message, "/nonexistent/x.crl"));
}

TEST(PubkeyConfig, CertAndKeyAreRequired) {
  std::vector<Problem> problems = testing::problems_of(pubkey_conf(""));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_TRUE(contains(problems[0].message, "missing required key 'cert'"));
  EXPECT_TRUE(contains(problems[1].message, "missing required key 'key'"));
}

TEST(PubkeyConfig, AnEndEntityIsNotACa) {
  Problem p = only_problem(pubkey_conf(local("a.pem", "a.key"))
                               .replace(pubkey_conf(local("a.pem", "a.key")).find(pki().path("root.pem")),
                                        pki().path("root.pem").size(), pki().path("b.pem")));
  EXPECT_EQ(p.key, "connection[0].remote.cacerts[0]");
  EXPECT_TRUE(contains(p.message, "C=CH, O=tern, CN=b.example.org is not a CA certificate"));
}

TEST(PubkeyConfig, FilesOfTheOtherMethodAreRefused) {
  Problem p = only_problem(R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  cert = "a.pem"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "net"
[[secret]]
type = "psk"
ids = ["%any"]
secret = "correct horse battery staple"
)");
  EXPECT_EQ(p.to_string(), "tern.toml:7:10: connection[0].local.cert: 'cert' belongs to auth = \"pubkey\"");
}

TEST(PubkeyConfig, MixedMethodsNeedTheSecretForThePskSide) {
  // We sign; the peer proves itself with the PSK.
  std::string text = R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "pubkey"
)" + local("a.pem", "a.key") +
                     R"(  [connection.remote]
  auth = "psk"
  id = "b.example.org"
  [[connection.child]]
  name = "net"
)";
  Problem p = only_problem(text);
  EXPECT_TRUE(contains(p.message, "no [[secret]] of type psk"));
  LoadResult r = load(
      text + "[[secret]]\ntype = \"psk\"\nids = [\"%any\"]\nsecret = \"correct horse battery staple\"\n");
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  EXPECT_EQ(r->connections[0].engine->local_auth, ike::AuthKind::pubkey);
  EXPECT_EQ(r->connections[0].engine->remote_auth, ike::AuthKind::psk);
  EXPECT_FALSE(r->connections[0].engine->psk.empty());
}

TEST(PubkeyConfig, RelativePathsAreFromTheConfigurationFile) {
  const std::string file = pki().path("tern-relative.toml");
  std::ofstream(file) << R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "pubkey"
  cert = "a.pem"
  key = "a.key"
  [connection.remote]
  auth = "pubkey"
  cacerts = ["root.pem"]
  [[connection.child]]
  name = "net"
)";
  LoadResult r = load_file(file);
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  EXPECT_EQ(r->connections[0].certificates[0].file, pki().path("a.pem"));
}

TEST(PubkeyConfig, ARenewedCertificateChangesTheFingerprint) {
  LoadResult a = load(pubkey_conf(local("a.pem", "a.key")));
  LoadResult again = load(pubkey_conf(local("a.pem", "a.key")));
  LoadResult b = load(pubkey_conf(local("b.pem", "b.key")));
  ASSERT_TRUE(a.has_value() && again.has_value() && b.has_value());
  EXPECT_EQ(a->connections[0].fingerprint, again->connections[0].fingerprint);
  EXPECT_NE(a->connections[0].fingerprint, b->connections[0].fingerprint);
}

}  // namespace
}  // namespace tern::config

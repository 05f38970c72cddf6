// Two Endpoints that authenticate with certificates of the test PKI
// (tests/crypto/x509/make_test_pki.sh): the pieces pubkey_auth_test.cc and
// credential_choice_test.cc share.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/private_key_file.h"
#include "crypto/trust_store.h"
#include "crypto/x509/test_pki.h"
#include "exchange_harness.h"

namespace tern::ike::testing {

inline const crypto::testing::TestPki& pki() {
  return crypto::testing::TestPki::get();
}

// <name>.pem with <key_of or name>.key, sent with the CA that issued it.
inline std::shared_ptr<const LocalCredential> credential(const std::string& name,
                                                         const std::string& key_of = {}) {
  auto key = crypto::load_private_key_file(pki().path((key_of.empty() ? name : key_of) + ".key"));
  EXPECT_TRUE(key.has_value()) << key.error().to_string();
  const std::string issuer = name == "stranger" || name == "a_other" ? "other" : "int";
  return std::make_shared<const LocalCredential>(
      LocalCredential{std::move(*key), {pki().cert(name), pki().cert(issuer)}, name + ".pem", name + ".key"});
}

inline std::shared_ptr<const crypto::TrustStore> trust(const std::string& ca = "root", bool crls = false) {
  std::vector<std::string> cas{pki().path(ca + ".pem")};
  std::vector<std::string> crl_files;
  if (crls) crl_files = {pki().path("root.crl.pem"), pki().path("int.crl.pem")};
  auto t = crypto::TrustStore::load_files(cas, crl_files);
  EXPECT_TRUE(t.has_value()) << t.error().to_string();
  return std::make_shared<const crypto::TrustStore>(std::move(*t));
}

// A signs with certificate `a_cert` (identity `a_id`), B with `b_cert`
// (`b_id`); each trusts the root (and expects the other's identity). They
// send IKE_AUTH whole (fragmentation "accept"), so that the tests can open
// and tamper with it; PubkeyAuth.ARsaChainGoesInFragmentsByDefault covers
// certificates in SKF fragments (RFC 7383).
struct PubkeyPair {
  ConnectionConfig a = config_a();
  ConnectionConfig b = config_b();
  PubkeyPair(const std::string& a_cert, Identity a_id, const std::string& b_cert, Identity b_id) {
    for (ConnectionConfig* c : {&a, &b}) {
      c->local_auth = AuthKind::pubkey;
      c->remote_auth = AuthKind::pubkey;
      c->trust = trust();
      c->fragmentation = Fragmentation::accept;
    }
    a.credentials = {credential(a_cert)};
    b.credentials = {credential(b_cert)};
    a.local_id = b.remote_id = std::move(a_id);
    b.local_id = a.remote_id = std::move(b_id);
  }
};

// The wall clock of both ends: the harness's `now` is the moment the PKI was made.
inline void set_wall_clock(TwoPeers& peers) {
  const Duration offset =
      std::chrono::duration_cast<Duration>(pki().now().time_since_epoch()) - peers.now.time_since_epoch();
  peers.a.set_wall_clock_offset(offset);
  peers.b.set_wall_clock_offset(offset);
}

}  // namespace tern::ike::testing

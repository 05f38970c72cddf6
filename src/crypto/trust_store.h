// The trust anchors for a peer: CA certificates and CRLs (PEM), loaded once
// when the configuration is loaded, then used read-only to check a peer's
// certificate chain with OpenSSL's X509_verify_cert.
//
// Who calls it: config loading builds one TrustStore per `cacerts`/`crls`
// set (load_files, or from_pem for tests); the ike_cert task calls verify()
// with the peer's end-entity certificate, the intermediates from its other
// CERT payloads and the current wall-clock time (crypto/ never reads a
// clock); ike_cert also sends anchor_hashes() in CERTREQ (RFC 7296 §3.7).
//
// Checks: chain to a loaded CA; every certificate inside its validity at
// `now`; basicConstraints/keyUsage of the CAs (OpenSSL's rules); when CRLs
// are loaded, every certificate of the chain against its issuer's CRL
// (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL: a CA without a loaded,
// current CRL then fails the check, so load a CRL for every CA or none);
// finally, the end entity's keyUsage, when present, must allow
// digitalSignature (or nonRepudiation), since IKE AUTH is a signature.
//
// How it fails: loading — Errc::io_error (file unreadable: path named),
// Errc::invalid_syntax (not PEM certificates/CRLs), Errc::too_many (too
// many intermediates offered). verify — Errc::bad_signature with notify
// AUTHENTICATION_FAILED and a reason an operator understands, e.g.
//   "certificate C=CH, O=tern, CN=b.example.org expired on 2026-11-30 12:00:00 UTC"
//   "certificate CN=b.example.org is not yet valid until 2027-01-01 00:00:00 UTC"
//   "issuer C=CH, CN=Other CA of certificate CN=b.example.org is not a trusted CA"
//   "certificate CN=b.example.org was revoked on ... (CRL of C=CH, O=tern, CN=tern Root CA)"
// TrustStore is immutable after creation (but for its memory of accepted
// chains, which it locks) and may be shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/hash.h"
#include "crypto/x509_certificate.h"

namespace tern::crypto {

// More intermediates than this in one IKE_AUTH is refused before any work.
inline constexpr size_t kMaxIntermediates = 8;
// Accepted chains remembered per store (verified_chain_cache.h).
inline constexpr size_t kVerifiedChainCacheSize = 1024;

class TrustStore {
 public:
  // PEM texts: each CA text may hold several certificates, each CRL text several CRLs.
  static Result<TrustStore> from_pem(std::span<const ByteView> ca_pems, std::span<const ByteView> crl_pems);
  // The same from files (`cacerts = [...]`, `crls = [...]`).
  static Result<TrustStore> load_files(std::span<const std::string> ca_files,
                                       std::span<const std::string> crl_files);

  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  ~TrustStore();

  // Builds and checks the chain end_entity -> intermediates... -> a loaded CA
  // at wall-clock time `now`. On success, returns the verified chain, end
  // entity first, trust anchor last. A chain accepted before is not verified
  // again while `now` is inside the validity of all its certificates (and
  // of the CRLs): see verified_chain_cache.h.
  Result<std::vector<Certificate>> verify(const Certificate& end_entity,
                                          std::span<const Certificate> intermediates, WallTime now) const;

  const std::vector<Certificate>& anchors() const;
  // SHA-1 of each anchor's SubjectPublicKeyInfo, in load order: CERTREQ content.
  std::vector<Sha1Digest> anchor_hashes() const;
  size_t crl_count() const;
  // verify() calls answered from the chains accepted before.
  uint64_t verified_chain_hits() const;

  class Impl;

 private:
  explicit TrustStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::crypto

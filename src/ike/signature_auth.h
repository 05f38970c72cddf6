// Authentication with certificates and signatures in IKE_SA_INIT / IKE_AUTH
// (RFC 7296 §2.15, §3.6, §3.7, §3.8; RFC 7427; RFC 4754; RFC 8420): the
// pieces the ike_auth task (tasks/ike_auth.h) puts together when a side of
// the connection has auth = "pubkey".
//
//   HDR, SAi1, KEi, Ni, N(SIGNATURE_HASH_ALGORITHMS)  -->
//        <--  HDR, SAr1, KEr, Nr, [CERTREQ], N(SIGNATURE_HASH_ALGORITHMS)
//   HDR, SK {IDi, CERT+, [CERTREQ], [IDr], AUTH, ...}  -->
//                        <--  HDR, SK {IDr, CERT+, AUTH, ...}
//
// Signing (sign_auth): with RFC 7427 (AUTH method 14) when the peer announced
// SIGNATURE_HASH_ALGORITHMS: RSASSA-PSS for RSA keys, ECDSA with the hash of
// the key's curve, Ed25519 (which needs the peer's "Identity" hash); each
// with the strongest-fitting hash the peer listed. Without the peer's
// announcement, the classic methods: 1 (RSASSA-PKCS1-v1_5 with SHA-1) for
// RSA, 9/10/11 for ECDSA on P-256/384/521; Ed25519 cannot be used then.
//
// Verifying (verify_peer_certificate, then verify_peer_signature): the first
// CERT payload (encoding 4, X.509 Signature) is the peer's end entity, the
// others intermediates (§3.6); the chain must lead to one of the
// connection's cacerts at the wall-clock time, pass the CRLs, and the
// peer's ID must be bound to the end entity (crypto/cert_identity.h). Then
// the AUTH signature must verify with its key over the peer's signed octets.
// Method 14 signatures must use a hash we announced (never SHA-1).
//
// How it fails: every function returns Errc::bad_signature (or unsupported)
// with a reason in plain words ("certificate C=CH, O=tern, CN=b expired on
// ..."); the caller answers AUTHENTICATION_FAILED. Untrusted input (CERT,
// AUTH data) never aborts: parsing goes through crypto/, which returns errors.
#pragma once

#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/cert_cache.h"
#include "crypto/x509_certificate.h"
#include "ike/connection_config.h"
#include "ike/ike_message.h"
#include "wire/auth_payload.h"
#include "wire/iana.h"
#include "wire/id_payload.h"

namespace tern::ike {

// Whether either side of the connection signs (auth = "pubkey").
bool uses_signatures(const ConnectionConfig& config);

// N(SIGNATURE_HASH_ALGORITHMS) data: SHA2-256, SHA2-384, SHA2-512, Identity.
Bytes our_signature_hashes();
// The 16-bit hash identifiers of a received notify; an odd trailing octet is ignored.
std::vector<wire::HashAlgorithm> parse_signature_hashes(ByteView data);

// CERTREQ (encoding 4) listing the SHA-1 SPKI hashes of our trust anchors.
wire::CertReqPayload certreq_for(const crypto::TrustStore& trust);
// Every CERTREQ authority hash in `msg` (malformed ones are ignored: a hint only).
std::vector<Bytes> collect_ca_hashes(const IkeMessage& msg);

// CERT payloads with our end entity and intermediates (self-signed roots
// are never sent). Which credential: credential_choice.h.
void add_our_certificates(const LocalCredential& credential, IkeMessage& msg);

// Whether sign_auth can sign with `key` for a peer that announced
// `peer_hashes` (nullopt: none; Ed25519 then cannot be used).
bool can_sign(const crypto::PrivateKey& key,
              const std::optional<std::vector<wire::HashAlgorithm>>& peer_hashes);

// Our AUTH payload over `signed_octets` (crypto/signed_octets.h).
Result<wire::AuthPayload> sign_auth(const LocalCredential& credential,
                                    const std::optional<std::vector<wire::HashAlgorithm>>& peer_hashes,
                                    ByteView signed_octets);

// The peer's end-entity certificate once its chain and identity check out.
// `label` is "IDi" or "IDr".
Result<crypto::Certificate> verify_peer_certificate(const IkeMessage& msg, const crypto::TrustStore& trust,
                                                    crypto::CertCache& cache,
                                                    std::optional<crypto::WallTime> now,
                                                    const wire::IdPayload& peer_id, std::string_view label);

// "DIGITAL_SIGNATURE (ECDSA SHA-256)", "RSA_DIGITAL_SIGNATURE", "SHARED_KEY_MIC": for logs.
std::string describe_auth(const wire::AuthPayload& auth);

// The peer's AUTH (method 1, 9, 10, 11 or 14) over its signed octets.
Result<void> verify_peer_signature(const crypto::Certificate& cert, const wire::AuthPayload& auth,
                                   ByteView signed_octets);

}  // namespace tern::ike

// Signature schemes for IKEv2 AUTH and their RFC 7427 AlgorithmIdentifiers.
//
// AUTH method 14 (Digital Signature, RFC 7427 §3) carries the ASN.1
// AlgorithmIdentifier of the scheme in front of the signature:
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | ASN.1 Length  | AlgorithmIdentifier ASN.1 object              |
//   +-+-+-+-+-+-+-+-+                                               +
//   ~        AlgorithmIdentifier ASN.1 object continuing            ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                         Signature Value                       ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// ike/ splits that (wire/auth_payload.h) and asks here which scheme the blob
// names; the classic methods 9/10/11 (RFC 4754) name ECDSA with a fixed
// curve and hash instead, and method 1 names RSASSA-PKCS1-v1_5 with SHA-1.
// Pure tables: no OpenSSL.
//
// How it fails: a blob tern does not know, or a classic method that does not
// fit the key, is Errc::unsupported (the caller answers AUTHENTICATION_FAILED).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/signature_key.h"
#include "wire/iana.h"

namespace tern::crypto {

enum class SignatureScheme : uint8_t {
  // RSASSA-PKCS1-v1_5 with SHA-1: only for the classic AUTH method 1
  // (RSA Digital Signature, RFC 7296 §3.8). Never offered or accepted under
  // RFC 7427 (SHA-1 is not announced in SIGNATURE_HASH_ALGORITHMS).
  rsa_pkcs1_sha1,
  rsa_pkcs1_sha256,  // RSASSA-PKCS1-v1_5 (RFC 8017 §8.2)
  rsa_pkcs1_sha384,
  rsa_pkcs1_sha512,
  rsa_pss_sha256,  // RSASSA-PSS, MGF1 with the same hash, salt = hash length
  rsa_pss_sha384,
  rsa_pss_sha512,
  ecdsa_sha256,  // any supported curve under RFC 7427; P-256 for classic method 9
  ecdsa_sha384,  // P-384 for classic method 10
  ecdsa_sha512,  // P-521 for classic method 11
  ed25519,       // RFC 8420: PureEdDSA over the data, hash "Identity"
};

// The RFC 7427 schemes (rsa_pkcs1_sha1 is not one: classic method 1 only).
inline constexpr SignatureScheme kAllSignatureSchemes[] = {
    SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::rsa_pkcs1_sha384, SignatureScheme::rsa_pkcs1_sha512,
    SignatureScheme::rsa_pss_sha256,   SignatureScheme::rsa_pss_sha384,   SignatureScheme::rsa_pss_sha512,
    SignatureScheme::ecdsa_sha256,     SignatureScheme::ecdsa_sha384,     SignatureScheme::ecdsa_sha512,
    SignatureScheme::ed25519,
};

// "RSASSA-PSS SHA-256", ... for logs.
std::string_view to_string(SignatureScheme scheme);

// The DER AlgorithmIdentifier tern sends for the scheme (RFC 7427 Appendix A,
// RFC 8420 §2 for Ed25519).
ByteView algorithm_identifier(SignatureScheme scheme);
// The scheme a received AlgorithmIdentifier names (never rsa_pkcs1_sha1:
// sha1WithRSAEncryption is refused, RFC 8247 §3.2). Besides the blobs above,
// the encodings RFC 4055 says a verifier must also accept are recognised
// (hash parameters NULL or absent, RSASSA-PSS trailerField present or
// defaulted). Errc::unsupported for anything else.
Result<SignatureScheme> scheme_from_algorithm_identifier(ByteView der);

// RFC 7427 §7 hash for SIGNATURE_HASH_ALGORITHMS (IDENTITY for Ed25519).
wire::HashAlgorithm scheme_hash(SignatureScheme scheme);

// Whether a key of this type can make or check signatures of this scheme.
bool key_supports(KeyType key, SignatureScheme scheme);

// The scheme of a classic AUTH method: 9 / 10 / 11 (RFC 4754) are ECDSA with
// SHA-256 on P-256, SHA-384 on P-384, SHA-512 on P-521, and need a key on that
// curve; signatures are r || s (EcdsaEncoding::raw). Method 1 is
// RSASSA-PKCS1-v1_5 with SHA-1 and needs an RSA key. Everything else:
// Errc::unsupported.
Result<SignatureScheme> classic_auth_scheme(wire::AuthMethod method, KeyType key);

// What tern signs with when nothing else is asked for: RSASSA-PKCS1-v1_5
// with SHA-256 for RSA (every IKEv2 peer verifies it), ECDSA with the hash
// matching the curve, Ed25519.
SignatureScheme default_scheme(KeyType key);

}  // namespace tern::crypto

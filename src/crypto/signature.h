// Signing and verifying the IKEv2 AUTH octets (RFC 7296 §2.15) with the
// schemes of signature_scheme.h: RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA and
// Ed25519.
//
// Who calls it: the ike_auth task signs InitiatorSignedOctets /
// ResponderSignedOctets (signed_octets.h) with the local key and verifies the
// peer's AUTH with the key from its certificate.
//
// ECDSA signatures come in two encodings: RFC 7427 (AUTH method 14) carries
// the DER ECDSA-Sig-Value, the classic methods 9/10/11 (RFC 4754) carry the
// fixed-length r || s.
//
// How it fails: Errc::bad_key when the key cannot be used with the scheme
// (an RSA scheme with an ECDSA key, ...), Errc::bad_signature for any
// signature that does not verify — wrong key, altered data, wrong length, bad
// encoding. The caller answers AUTHENTICATION_FAILED either way.
// RSASSA-PKCS1-v1_5 is checked by rebuilding the whole expected encoding and
// comparing it with the RSA output (signature_pkcs1.h), never by parsing it.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/signature_key.h"
#include "crypto/signature_scheme.h"

namespace tern::crypto {

enum class EcdsaEncoding : uint8_t {
  der,  // ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 7427)
  raw,  // r || s, each as long as the curve's order (RFC 4754)
};

// Signs `data` (hashing it with the scheme's hash; Ed25519 signs it as is).
Result<Bytes> sign(const PrivateKey& key, SignatureScheme scheme, ByteView data,
                   EcdsaEncoding ecdsa = EcdsaEncoding::der);

Result<void> verify(const PublicKey& key, SignatureScheme scheme, ByteView data, ByteView signature,
                    EcdsaEncoding ecdsa = EcdsaEncoding::der);

}  // namespace tern::crypto

// RSASSA-PKCS1-v1_5 verification by re-encoding (RFC 8017 §8.2.2 step 3-4):
// the public-key operation's output must equal, octet for octet, the
// EMSA-PKCS1-v1_5 encoding we build ourselves from the data's hash:
//
//   EM = 0x00 || 0x01 || PS || 0x00 || T,  PS = 0xff octets (at least 8),
//   T  = DigestInfo ::= SEQUENCE { AlgorithmIdentifier { hash OID, NULL }, OCTET STRING hash }
//
// No parsing of the decrypted block means no room for the Bleichenbacher-2006
// family of forgeries (short padding, garbage after the DigestInfo, loose
// ASN.1 lengths) that parsers accepted with e = 3 keys.
//
// Called by signature.cc. Fails with Errc::bad_signature.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/signature_key.h"
#include "wire/iana.h"

namespace tern::crypto {

// EM for a k-octet modulus, given the hash of the message (SHA-1 for AUTH method 1, SHA-256/384/512).
// Errc::bad_key when k is too short for the DigestInfo plus 11 octets.
Result<Bytes> emsa_pkcs1_v1_5_encode(wire::HashAlgorithm hash, ByteView digest, size_t k);

Result<void> verify_rsa_pkcs1_v1_5(const PublicKey& key, wire::HashAlgorithm hash, ByteView data,
                                   ByteView signature);

}  // namespace tern::crypto

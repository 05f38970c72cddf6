// The algorithms negotiated for one IKE SA or CHILD_SA, and the key sizes they
// imply (RFC 7296 §2.13-2.14, RFC 5282 for AEAD salts, RFC 7634, RFC 4868).
// Pure data: no OpenSSL here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wire/iana.h"

namespace tern::crypto {

struct IkeSuite {
  wire::EncrId encr = wire::EncrId::AES_GCM_16;
  uint16_t encr_key_bits = 128;  // KEY_LENGTH attribute; 256 for ChaCha20-Poly1305
  wire::PrfId prf = wire::PrfId::HMAC_SHA2_256;
  wire::IntegId integ = wire::IntegId::NONE;  // NONE for AEAD
  wire::KeGroup ke = wire::KeGroup::CURVE25519;

  // "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519" (strongSwan-like, for logs).
  std::string to_string() const;
};

bool is_aead(wire::EncrId encr);
// Octets of SK_e / child encryption key, including the salt for AEAD
// (AES-GCM: key + 4, ChaCha20-Poly1305: 32 + 4). nullopt if unsupported.
std::optional<size_t> encr_key_size(wire::EncrId encr, uint16_t key_bits);
// Octets of SK_a (0 for INTEG NONE). nullopt if unsupported.
std::optional<size_t> integ_key_size(wire::IntegId integ);
// Octets of the truncated ICV for the integrity algorithm (0 for NONE).
std::optional<size_t> integ_icv_size(wire::IntegId integ);
// Octets of SK_d / SK_pi / SK_pr: the PRF's preferred key size (§2.14) —
// its output length for HMAC, 16 for AES-XCBC/CMAC.
std::optional<size_t> prf_key_size(wire::PrfId prf);

}  // namespace tern::crypto

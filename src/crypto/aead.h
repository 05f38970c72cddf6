// AEAD ciphers for SkCipher: AES-GCM with a 16-octet ICV (RFC 5282 for IKEv2,
// RFC 4106 for ESP) and ChaCha20-Poly1305 (RFC 7634, RFC 8439).
// Called only by SkCipher::create (sk_cipher.cc); see sk_cipher.h for the
// nonce and AAD layout and for how errors are reported.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/sk_cipher.h"
#include "wire/iana.h"

namespace tern::crypto {

inline constexpr size_t kAeadSaltSize = 4;  // RFC 5282 §7.1, RFC 7634 §2
inline constexpr size_t kAeadIvSize = 8;    // explicit IV on the wire
inline constexpr size_t kAeadTagSize = 16;  // AES-GCM-16, Poly1305

// encr_key = key || salt. Errc::unsupported for other ids or key sizes,
// Errc::bad_key when encr_key has the wrong length.
Result<std::unique_ptr<SkCipher>> make_aead_cipher(wire::EncrId encr, uint16_t key_bits, ByteView encr_key);

}  // namespace tern::crypto

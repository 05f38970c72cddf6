// AES-CBC (RFC 3602) with HMAC-SHA2 integrity truncated per RFC 4868
// (HMAC-SHA2-256-128, -384-192, -512-256), for SkCipher.
// Called only by SkCipher::create (sk_cipher.cc); see sk_cipher.h for the ICV
// layout and for how errors are reported.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/sk_cipher.h"
#include "wire/iana.h"

namespace tern::crypto {

inline constexpr size_t kAesBlockSize = 16;

// Errc::unsupported for other ids or key sizes, Errc::bad_key when a key has
// the wrong length.
Result<std::unique_ptr<SkCipher>> make_cbc_hmac_cipher(uint16_t key_bits, wire::IntegId integ,
                                                       ByteView encr_key, ByteView integ_key);

}  // namespace tern::crypto

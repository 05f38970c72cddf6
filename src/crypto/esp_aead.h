// AEAD ESP ciphers: AES-GCM with a 16-octet ICV (RFC 4106) and
// ChaCha20-Poly1305 (RFC 7634), in place, with keyed OpenSSL contexts reused
// across packets. Called only by EspCipher::create (esp_cipher.cc); see
// esp_cipher.h for the nonce, IV and AAD layout and for how errors are
// reported.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/esp_cipher.h"
#include "wire/iana.h"

namespace tern::crypto {

// encr_key = key || 4-octet salt. Errc::unsupported for other ids or key
// sizes, Errc::bad_key when encr_key has the wrong length.
Result<std::unique_ptr<EspCipher>> make_esp_aead(wire::EncrId encr, uint16_t key_bits, ByteView encr_key);

}  // namespace tern::crypto

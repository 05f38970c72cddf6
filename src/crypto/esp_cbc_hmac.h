// AES-CBC (RFC 3602) + HMAC ESP cipher (RFC 4868 HMAC-SHA2, RFC 2404
// HMAC-SHA1-96), in place, with keyed OpenSSL contexts reused across packets.
// Called only by EspCipher::create (esp_cipher.cc); see esp_cipher.h for the
// ICV coverage (ESN high half hashed after the ciphertext) and for how errors
// are reported; esp_iv.h for the IVs and esp_hmac.h for the HMAC.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/esp_cipher.h"
#include "crypto/random.h"
#include "wire/iana.h"

namespace tern::crypto {

// Errc::unsupported for other key sizes or integrity transforms, Errc::bad_key
// when a key has the wrong length.
Result<std::unique_ptr<EspCipher>> make_esp_cbc_hmac(uint16_t key_bits, wire::IntegId integ,
                                                     ByteView encr_key, ByteView integ_key, Random& random);

}  // namespace tern::crypto

// Per-thread OpenSSL contexts for the SK ciphers (aead.cc, cbc_hmac.cc;
// inside crypto/ only), keyed again for each message.
//
// Why: an IKE SA seals and opens a message every few seconds at most (a
// liveness check, a rekey), and there are a hundred thousand of them. A
// keyed OpenSSL 3 context costs ~1 KB of heap (AES-GCM with its GHASH
// table), so an SA keeps only its raw keys (SK_e, SK_a) and each call keys
// the calling thread's context for that cipher (or HMAC digest) instead:
// one context per algorithm per thread, made on the thread's first use and
// freed when the thread ends. Keying costs well under a microsecond and no
// allocation (bench/esp_cipher_bench.cc SkCipher/*); a new context per call
// cost two allocations more.
//
// The returned context is the thread's until its next call here: use it for
// the one message and do not keep it. It holds the last key schedule until
// the thread's next message with that algorithm re-keys it.
//
// How it fails: nullptr when OpenSSL fails to make or key a context (out of
// memory: the caller treats it as it did a failed EVP_CIPHER_CTX_new).
#pragma once

#include <openssl/evp.h>

#include "base/bytes.h"

namespace tern::crypto {

enum class ContextDirection : int { decrypt = 0, encrypt = 1 };

// This thread's context for `cipher` (a process-wide fetched EVP_CIPHER),
// keyed with `key` and `iv` for `direction`. CBC contexts come without padding.
EVP_CIPHER_CTX* keyed_context(const EVP_CIPHER* cipher, ByteView key, const uint8_t* iv,
                              ContextDirection direction);

// This thread's HMAC context for `digest` ("SHA256", a string literal: it is
// compared by address), keyed with `key`, ready for EVP_MAC_update.
EVP_MAC_CTX* keyed_hmac(const char* digest, ByteView key);

}  // namespace tern::crypto

// Per-thread SK cipher contexts (see sk_context.h).
#include "crypto/sk_context.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include <array>

#include "base/error.h"
#include "crypto/new_hmac.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {
namespace {

// AES-GCM 128/192/256, ChaCha20-Poly1305, AES-CBC 128/192/256: 7 ciphers.
constexpr size_t kCipherSlots = 8;
// HMAC with SHA-1, SHA-256, SHA-384, SHA-512.
constexpr size_t kHmacSlots = 4;

struct CipherSlot {
  const EVP_CIPHER* cipher = nullptr;
  ossl::CipherCtx ctx;
};
struct HmacSlot {
  const char* digest = nullptr;
  ossl::MacCtx ctx;
};

thread_local std::array<CipherSlot, kCipherSlots> cipher_slots;
thread_local std::array<HmacSlot, kHmacSlots> hmac_slots;

}  // namespace

EVP_CIPHER_CTX* keyed_context(const EVP_CIPHER* cipher, ByteView key, const uint8_t* iv,
                              ContextDirection direction) {
  const int enc = static_cast<int>(direction);
  for (CipherSlot& slot : cipher_slots) {
    if (slot.cipher == nullptr) {
      // This thread's first message with this cipher: a context of its own.
      ossl::CipherCtx ctx{EVP_CIPHER_CTX_new()};
      if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), iv, enc, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
        ERR_clear_error();
        return nullptr;
      }
      slot.cipher = cipher;
      slot.ctx = std::move(ctx);
      return slot.ctx.get();
    }
    if (slot.cipher == cipher) {
      // Same cipher: only the key, IV and direction change (no new provider context).
      if (EVP_CipherInit_ex2(slot.ctx.get(), nullptr, key.data(), iv, enc, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_padding(slot.ctx.get(), 0) != 1) {
        ERR_clear_error();
        return nullptr;
      }
      return slot.ctx.get();
    }
  }
  TERN_BUG("SK cipher contexts: more ciphers than slots");
}

EVP_MAC_CTX* keyed_hmac(const char* digest, ByteView key) {
  for (HmacSlot& slot : hmac_slots) {
    if (slot.digest == nullptr) {
      ossl::MacCtx ctx = new_keyed_hmac(digest, key);
      if (!ctx) return nullptr;
      slot.digest = digest;
      slot.ctx = std::move(ctx);
      return slot.ctx.get();
    }
    if (slot.digest == digest) {
      // Same digest: a new key (the inner and outer pads), no new context.
      if (EVP_MAC_init(slot.ctx.get(), key.data(), key.size(), nullptr) != 1) {
        ERR_clear_error();
        return nullptr;
      }
      return slot.ctx.get();
    }
  }
  TERN_BUG("SK cipher contexts: more HMAC digests than slots");
}

}  // namespace tern::crypto

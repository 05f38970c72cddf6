// An OpenSSL cipher context that is keyed on its first use, for the ESP
// ciphers (esp_aead.cc, esp_cbc_hmac.cc; inside crypto/ only).
//
// Why: a keyed OpenSSL 3 AES-GCM context costs about 1 KB of heap
// (bench/sa_memory_bench.cc). An EspCipher has one context to seal and one to
// open, but an ESP SA is one direction: an outbound SA only seals and an
// inbound SA only opens, and a CHILD_SA that carries no traffic does neither.
// Keyed eagerly, every CHILD_SA held four contexts; keyed lazily an idle one
// holds none and a busy one two.
//
// Who calls it: the EspCipher, per packet, with its key (the caller keeps the
// key; this class only remembers the cipher and the direction). The first
// call costs what keying at creation cost; later calls return the context.
// Creating a context with a valid key fails only when memory runs out: that
// is a TERN_BUG, as for every OpenSSL handle (ossl_handles.h).
#pragma once

#include <openssl/evp.h>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {

class LazyCipherCtx {
 public:
  enum class Direction : int { open = 0, seal = 1 };
  LazyCipherCtx(const EVP_CIPHER* cipher, Direction direction) : cipher_(cipher), direction_(direction) {}

  // The context, keyed with `key` for the direction on the first call.
  EVP_CIPHER_CTX* get(ByteView key) {
    if (!ctx_) [[unlikely]]
      key_now(key);
    return ctx_.get();
  }
  bool keyed() const { return ctx_ != nullptr; }

 private:
  void key_now(ByteView key) {
    ossl::CipherCtx ctx{EVP_CIPHER_CTX_new()};
    if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher_, key.data(), nullptr, static_cast<int>(direction_),
                                   nullptr) != 1)
      TERN_BUG("OpenSSL cannot make an ESP cipher context (out of memory?)");
    ctx_ = std::move(ctx);
  }

  const EVP_CIPHER* cipher_;
  Direction direction_;
  ossl::CipherCtx ctx_;
};

}  // namespace tern::crypto

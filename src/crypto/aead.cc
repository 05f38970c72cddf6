// The AEAD SK ciphers (see aead.h). Memory and cost per message: an IKE SA
// keeps only its raw key and salt (36 octets at most, wiped when it goes);
// no OpenSSL context lives with it. Each call keys a per-thread context for
// the cipher (sk_context.h), so an established IKE SA that exchanges a
// liveness check every few seconds holds no ~1 KB keyed context
// (docs/benchmarks.md "Memory per SA"); keying AES-GCM costs well under a
// microsecond per message, no allocation (bench/esp_cipher_bench.cc,
// SkCipher/*).
#include "crypto/aead.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <climits>
#include <cstring>

#include "crypto/sk_context.h"
#include "crypto/suite.h"

namespace tern::crypto {
namespace {

using Nonce = std::array<uint8_t, kAeadSaltSize + kAeadIvSize>;
constexpr size_t kMaxKeySize = 32;  // AES-256, ChaCha20

// Fetched once per process and never freed (a provider lookup per call would
// dominate the cost of sealing a small message).
const EVP_CIPHER* fetch_cipher(wire::EncrId encr, size_t key_size) {
  static const EVP_CIPHER* const gcm128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static const EVP_CIPHER* const gcm192 = EVP_CIPHER_fetch(nullptr, "AES-192-GCM", nullptr);
  static const EVP_CIPHER* const gcm256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  static const EVP_CIPHER* const chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  if (encr == wire::EncrId::CHACHA20_POLY1305) return chacha;
  switch (key_size) {
    case 16: return gcm128;
    case 24: return gcm192;
    case 32: return gcm256;
    default: return nullptr;
  }
}

int to_int(size_t n) {
  if (n > INT_MAX) TERN_BUG("AEAD: message larger than INT_MAX");
  return static_cast<int>(n);
}

class AeadCipher final : public SkCipher {
 public:
  AeadCipher(const EVP_CIPHER* cipher, ByteView key, ByteView salt)
      : cipher_(cipher), key_size_(static_cast<uint8_t>(key.size())) {
    TERN_ASSERT(key.size() <= sizeof key_ && salt.size() == sizeof salt_);
    std::memcpy(key_, key.data(), key.size());
    std::memcpy(salt_, salt.data(), sizeof salt_);
  }
  ~AeadCipher() override {
    OPENSSL_cleanse(key_, sizeof key_);
    OPENSSL_cleanse(salt_, sizeof salt_);
  }

  size_t iv_size() const override { return kAeadIvSize; }
  size_t block_size() const override { return 1; }
  size_t icv_size() const override { return kAeadTagSize; }

  Bytes seal(ByteView associated, ByteView iv, ByteView plaintext) const override {
    if (iv.size() != kAeadIvSize) TERN_BUG("AEAD seal: the IV must be 8 octets");
    Nonce nonce = make_nonce(iv);
    Bytes out(plaintext.size() + kAeadTagSize);
    EVP_CIPHER_CTX* ctx = keyed_context(cipher_, key(), nonce.data(), ContextDirection::encrypt);
    int len = 0;
    int final_len = 0;
    bool ok = ctx != nullptr &&
              (associated.empty() ||
               EVP_EncryptUpdate(ctx, nullptr, &len, associated.data(), to_int(associated.size())) == 1);
    len = 0;
    ok = ok && (plaintext.empty() ||
                EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(), to_int(plaintext.size())) == 1);
    ok = ok && EVP_EncryptFinal_ex(ctx, out.data() + len, &final_len) == 1 &&
         static_cast<size_t>(len + final_len) == plaintext.size() &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAeadTagSize),
                             out.data() + plaintext.size()) == 1;
    if (!ok) TERN_BUG("AEAD seal: OpenSSL failed to encrypt with a valid key");
    return out;
  }

  Result<Bytes> open(ByteView associated, ByteView iv, ByteView sealed) const override {
    if (iv.size() != kAeadIvSize)
      return fail(Errc::bad_length, fmt::format("AEAD: IV of {} octets, need 8", iv.size()));
    if (sealed.size() < kAeadTagSize)
      return fail(Errc::truncated,
                  fmt::format("AEAD: {} octets cannot hold the 16-octet ICV", sealed.size()));
    if (sealed.size() > INT_MAX || associated.size() > INT_MAX)
      return fail(Errc::bad_length, "AEAD: input too large");
    const size_t n = sealed.size() - kAeadTagSize;
    uint8_t tag[kAeadTagSize];
    std::memcpy(tag, sealed.data() + n, kAeadTagSize);
    Nonce nonce = make_nonce(iv);
    Bytes out(n);
    EVP_CIPHER_CTX* ctx = keyed_context(cipher_, key(), nonce.data(), ContextDirection::decrypt);
    int len = 0;
    int final_len = 0;
    bool ok =
        ctx != nullptr && (associated.empty() || EVP_DecryptUpdate(ctx, nullptr, &len, associated.data(),
                                                                   static_cast<int>(associated.size())) == 1);
    len = 0;
    ok = ok &&
         (n == 0 || EVP_DecryptUpdate(ctx, out.data(), &len, sealed.data(), static_cast<int>(n)) == 1) &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kAeadTagSize), tag) == 1;
    if (!ok) {
      ERR_clear_error();
      return fail(Errc::crypto_failure, "AEAD: OpenSSL failed to start decryption");
    }
    // The tag is checked here; nothing decrypted leaves this function unless it matches.
    if (EVP_DecryptFinal_ex(ctx, out.data() + len, &final_len) != 1) {
      ERR_clear_error();
      return fail(Errc::integrity_check_failed, "AEAD: ICV mismatch");
    }
    return out;
  }

 private:
  Nonce make_nonce(ByteView iv) const {
    Nonce nonce;
    std::memcpy(nonce.data(), salt_, kAeadSaltSize);
    std::memcpy(nonce.data() + kAeadSaltSize, iv.data(), kAeadIvSize);
    return nonce;
  }

  const EVP_CIPHER* cipher_;  // process-wide, see fetch_cipher
  uint8_t key_size_;
  uint8_t salt_[kAeadSaltSize];
  uint8_t key_[kMaxKeySize];

  ByteView key() const { return {key_, key_size_}; }
};

}  // namespace

Result<std::unique_ptr<SkCipher>> make_aead_cipher(wire::EncrId encr, uint16_t key_bits, ByteView encr_key) {
  auto need = encr_key_size(encr, key_bits);
  if (!need || !is_aead(encr))
    return fail(Errc::unsupported,
                fmt::format("{} with {}-bit key not implemented", wire::to_string(encr), key_bits));
  if (encr_key.size() != *need)
    return fail(Errc::bad_key, fmt::format("{}: key of {} octets, need {} (key + 4-octet salt)",
                                           wire::to_string(encr), encr_key.size(), *need));
  const size_t key_size = *need - kAeadSaltSize;
  const EVP_CIPHER* cipher = fetch_cipher(encr, key_size);
  if (cipher == nullptr || key_size > kMaxKeySize) {
    ERR_clear_error();
    return fail(Errc::crypto_failure,
                fmt::format("{}: cipher not available from OpenSSL", wire::to_string(encr)));
  }
  return std::unique_ptr<SkCipher>(
      new AeadCipher(cipher, encr_key.first(key_size), encr_key.subspan(key_size)));
}

}  // namespace tern::crypto

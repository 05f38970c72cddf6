#include "crypto/cbc_hmac.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "crypto/constant_time.h"
#include "crypto/sk_context.h"
#include "crypto/suite.h"

namespace tern::crypto {
namespace {

// Fetched once per process and never freed.
const EVP_CIPHER* fetch_aes_cbc(size_t key_size) {
  static const EVP_CIPHER* const cbc128 = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  static const EVP_CIPHER* const cbc192 = EVP_CIPHER_fetch(nullptr, "AES-192-CBC", nullptr);
  static const EVP_CIPHER* const cbc256 = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  switch (key_size) {
    case 16: return cbc128;
    case 24: return cbc192;
    case 32: return cbc256;
    default: return nullptr;
  }
}

constexpr size_t kMaxEncrKeySize = 32;   // AES-256
constexpr size_t kMaxIntegKeySize = 64;  // HMAC-SHA2-512-256

// RFC 4868 §2 (and RFC 2404 for the SHA-1 variant): the digest and the
// truncated ICV length of each integrity transform.
const char* hmac_digest(wire::IntegId integ) {
  switch (integ) {
    case wire::IntegId::HMAC_SHA1_96: return "SHA1";
    case wire::IntegId::HMAC_SHA2_256_128: return "SHA256";
    case wire::IntegId::HMAC_SHA2_384_192: return "SHA384";
    case wire::IntegId::HMAC_SHA2_512_256: return "SHA512";
    default: return nullptr;
  }
}

int to_int(size_t n) {
  if (n > INT_MAX) TERN_BUG("AES-CBC: message larger than INT_MAX");
  return static_cast<int>(n);
}

class CbcHmacCipher final : public SkCipher {
 public:
  CbcHmacCipher(const EVP_CIPHER* cipher, ByteView key, const char* digest, ByteView integ_key,
                size_t icv_size)
      : cipher_(cipher),
        digest_(digest),
        key_size_(static_cast<uint8_t>(key.size())),
        integ_key_size_(static_cast<uint8_t>(integ_key.size())),
        icv_size_(static_cast<uint8_t>(icv_size)) {
    TERN_ASSERT(key.size() <= sizeof key_ && integ_key.size() <= sizeof integ_key_ && icv_size <= 64);
    std::memcpy(key_, key.data(), key.size());
    std::memcpy(integ_key_, integ_key.data(), integ_key.size());
  }
  ~CbcHmacCipher() override {
    OPENSSL_cleanse(key_, sizeof key_);
    OPENSSL_cleanse(integ_key_, sizeof integ_key_);
  }

  size_t iv_size() const override { return kAesBlockSize; }
  size_t block_size() const override { return kAesBlockSize; }
  size_t icv_size() const override { return icv_size_; }

  Bytes seal(ByteView associated, ByteView iv, ByteView plaintext) const override {
    if (iv.size() != kAesBlockSize) TERN_BUG("AES-CBC seal: the IV must be 16 octets");
    if (plaintext.size() % kAesBlockSize != 0)
      TERN_BUG("AES-CBC seal: plaintext not padded to the block size");
    Bytes out(plaintext.size() + icv_size_);
    if (!crypt(ContextDirection::encrypt, iv, plaintext, out.data()))
      TERN_BUG("AES-CBC seal: OpenSSL failed to encrypt");
    ByteView ciphertext{out.data(), plaintext.size()};
    uint8_t mac[EVP_MAX_MD_SIZE];
    if (!compute_mac(associated, iv, ciphertext, mac))
      TERN_BUG("AES-CBC seal: OpenSSL failed to compute the HMAC");
    std::copy_n(mac, icv_size_, out.data() + plaintext.size());
    return out;
  }

  Result<Bytes> open(ByteView associated, ByteView iv, ByteView sealed) const override {
    if (iv.size() != kAesBlockSize)
      return fail(Errc::bad_length, fmt::format("AES-CBC: IV of {} octets, need 16", iv.size()));
    if (sealed.size() < icv_size_)
      return fail(Errc::truncated,
                  fmt::format("AES-CBC: {} octets cannot hold the {}-octet ICV", sealed.size(), icv_size_));
    ByteView ciphertext = sealed.first(sealed.size() - icv_size_);
    ByteView icv = sealed.subspan(ciphertext.size());
    if (ciphertext.empty() || ciphertext.size() % kAesBlockSize != 0 || ciphertext.size() > INT_MAX)
      return fail(
          Errc::bad_length,
          fmt::format("AES-CBC: ciphertext of {} octets is not a whole number of blocks", ciphertext.size()));
    // RFC 7296 §3.14: the checksum covers everything up to and including the
    // encrypted data. Check it before touching the ciphertext.
    uint8_t mac[EVP_MAX_MD_SIZE];
    if (!compute_mac(associated, iv, ciphertext, mac)) {
      ERR_clear_error();
      return fail(Errc::crypto_failure, "AES-CBC: OpenSSL failed to compute the HMAC");
    }
    if (!constant_time_equal(ByteView(mac, icv_size_), icv))
      return fail(Errc::integrity_check_failed, "ICV mismatch");
    Bytes out(ciphertext.size());
    if (!crypt(ContextDirection::decrypt, iv, ciphertext, out.data())) {
      ERR_clear_error();
      return fail(Errc::crypto_failure, "AES-CBC: OpenSSL failed to decrypt");
    }
    return out;
  }

 private:
  // in.size() is a whole number of blocks; out has room for as many octets.
  bool crypt(ContextDirection direction, ByteView iv, ByteView in, uint8_t* out) const {
    // The thread's context for this cipher, keyed for this message (sk_context.h).
    EVP_CIPHER_CTX* ctx = keyed_context(cipher_, {key_, key_size_}, iv.data(), direction);
    int len = 0;
    int final_len = 0;
    return ctx != nullptr &&
           (in.empty() || EVP_CipherUpdate(ctx, out, &len, in.data(), to_int(in.size())) == 1) &&
           EVP_CipherFinal_ex(ctx, out + len, &final_len) == 1 &&
           static_cast<size_t>(len + final_len) == in.size();
  }

  // Full-length HMAC(SK_a, associated || iv || ciphertext) into mac[EVP_MAX_MD_SIZE].
  bool compute_mac(ByteView associated, ByteView iv, ByteView ciphertext, uint8_t* mac) const {
    // The thread's HMAC context for this digest, keyed with SK_a for this message.
    EVP_MAC_CTX* ctx = keyed_hmac(digest_, {integ_key_, integ_key_size_});
    size_t len = 0;
    return ctx != nullptr &&
           (associated.empty() || EVP_MAC_update(ctx, associated.data(), associated.size()) == 1) &&
           EVP_MAC_update(ctx, iv.data(), iv.size()) == 1 &&
           (ciphertext.empty() || EVP_MAC_update(ctx, ciphertext.data(), ciphertext.size()) == 1) &&
           EVP_MAC_final(ctx, mac, &len, EVP_MAX_MD_SIZE) == 1 && len >= icv_size_;
  }

  const EVP_CIPHER* cipher_;  // process-wide, see fetch_aes_cbc
  const char* digest_;        // hmac_digest's literal
  uint8_t key_size_;
  uint8_t integ_key_size_;
  uint8_t icv_size_;
  uint8_t key_[kMaxEncrKeySize];
  uint8_t integ_key_[kMaxIntegKeySize];
};

}  // namespace

Result<std::unique_ptr<SkCipher>> make_cbc_hmac_cipher(uint16_t key_bits, wire::IntegId integ,
                                                       ByteView encr_key, ByteView integ_key) {
  auto key_size = encr_key_size(wire::EncrId::AES_CBC, key_bits);
  if (!key_size)
    return fail(Errc::unsupported, fmt::format("AES_CBC with {}-bit key not implemented", key_bits));
  const char* digest = hmac_digest(integ);
  auto integ_size = integ_key_size(integ);
  auto icv_size = integ_icv_size(integ);
  if (digest == nullptr || !integ_size || !icv_size)
    return fail(Errc::unsupported,
                fmt::format("AES_CBC with integrity {} not implemented", wire::to_string(integ)));
  if (encr_key.size() != *key_size)
    return fail(Errc::bad_key,
                fmt::format("AES_CBC_{}: key of {} octets, need {}", key_bits, encr_key.size(), *key_size));
  if (integ_key.size() != *integ_size)
    return fail(Errc::bad_key, fmt::format("{}: key of {} octets, need {}", wire::to_string(integ),
                                           integ_key.size(), *integ_size));
  const EVP_CIPHER* cipher = fetch_aes_cbc(*key_size);
  if (cipher == nullptr || *key_size > kMaxEncrKeySize || *integ_size > kMaxIntegKeySize) {
    ERR_clear_error();
    return fail(Errc::crypto_failure, "AES-CBC/HMAC not available from OpenSSL");
  }
  return std::unique_ptr<SkCipher>(new CbcHmacCipher(cipher, encr_key, digest, integ_key, *icv_size));
}

}  // namespace tern::crypto

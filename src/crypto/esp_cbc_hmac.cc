// Per packet: one IV from CbcIvSource (a 16-octet copy, esp_iv.h), the AES
// context keyed at creation re-initialised with that IV and run with
// EVP_Cipher (whole blocks, no padding state, no Final), and the HMAC from
// precomputed inner/outer hash states (esp_hmac.h). No malloc.
#include "crypto/esp_cbc_hmac.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <climits>
#include <cstring>

#include "crypto/constant_time.h"
#include "crypto/esp_hmac.h"
#include "crypto/esp_iv.h"
#include "crypto/lazy_cipher_ctx.h"
#include "crypto/ossl_handles.h"
#include "crypto/suite.h"

namespace tern::crypto {
namespace {

constexpr size_t kBlock = 16;  // AES block and IV size
constexpr size_t kMaxIcv = 32;

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

// The ESN high half, hashed after the ciphertext but never sent (RFC 4303 §3.3.2.1).
struct EsnTrailer {
  uint8_t bytes[4];
  size_t size;
  ByteView view() const { return {bytes, size}; }
};

EsnTrailer esn_trailer(std::optional<uint32_t> esn_high) {
  EsnTrailer t{};
  if (esn_high) {
    for (int i = 0; i < 4; ++i) t.bytes[i] = static_cast<uint8_t>(*esn_high >> (24 - 8 * i));
    t.size = 4;
  }
  return t;
}

class EspCbcHmacCipher final : public EspCipher {
 public:
  EspCbcHmacCipher(const EVP_CIPHER* cipher, ByteView key, std::unique_ptr<EspHmac> hmac,
                   std::unique_ptr<CbcIvSource> ivs)
      : seal_ctx_(cipher, LazyCipherCtx::Direction::seal),
        open_ctx_(cipher, LazyCipherCtx::Direction::open),
        hmac_(std::move(hmac)),
        ivs_(std::move(ivs)),
        icv_size_(hmac_->icv_size()),
        key_size_(static_cast<uint8_t>(key.size())) {
    TERN_ASSERT(key.size() <= sizeof key_);
    std::memcpy(key_, key.data(), key.size());
  }
  ~EspCbcHmacCipher() override { OPENSSL_cleanse(key_, sizeof key_); }

  size_t iv_size() const override { return kBlock; }
  size_t icv_size() const override { return icv_size_; }
  size_t block_size() const override { return kBlock; }

  void seal(MutableByteView packet, std::optional<uint32_t> esn_high) override {
    const size_t overhead = kEspHeaderSize + kBlock + icv_size_;
    if (packet.size() < overhead || packet.size() > INT_MAX)
      TERN_BUG("ESP CBC seal: packet cannot hold header, IV and ICV");
    const size_t n = packet.size() - overhead;
    if (n % kBlock != 0) TERN_BUG("ESP CBC seal: plaintext not padded to the block size");
    uint8_t* const iv = packet.data() + kEspHeaderSize;
    uint8_t* const text = iv + kBlock;
    ivs_->next({iv, kBlock});
    // EVP_Cipher is the raw block operation: no padding logic and no Final,
    // which a whole-blocks in-place CBC does not need.
    if (EVP_CipherInit_ex(seal_ctx_.get(key()), nullptr, nullptr, nullptr, iv, 1) != 1 ||
        (n != 0 && EVP_Cipher(seal_ctx_.get(key()), text, text, static_cast<unsigned>(n)) <= 0))
      TERN_BUG("ESP CBC seal: OpenSSL failed on a keyed context");
    hmac_->compute(packet.first(packet.size() - icv_size_), esn_trailer(esn_high).view(),
                   packet.last(icv_size_));
  }

  Result<void> open(MutableByteView packet, std::optional<uint32_t> esn_high) override {
    const size_t overhead = kEspHeaderSize + kBlock + icv_size_;
    if (packet.size() < overhead)
      return fail(Errc::truncated,
                  fmt::format("ESP: {} octets cannot hold header, 16-octet IV and {}-octet ICV",
                              packet.size(), icv_size_));
    const size_t n = packet.size() - overhead;
    if (n == 0 || n % kBlock != 0 || packet.size() > INT_MAX)
      return fail(Errc::bad_length,
                  fmt::format("ESP AES-CBC: ciphertext of {} octets is not a whole number of blocks", n));
    uint8_t* const iv = packet.data() + kEspHeaderSize;
    uint8_t* const text = iv + kBlock;
    // RFC 4303 §3.4.4: the ICV is verified before anything is decrypted.
    uint8_t expected[kMaxIcv];
    hmac_->compute(packet.first(packet.size() - icv_size_), esn_trailer(esn_high).view(), expected);
    if (!constant_time_equal(ByteView(expected, icv_size_), ByteView(text + n, icv_size_)))
      return fail(Errc::integrity_check_failed, "ESP: ICV mismatch");
    if (EVP_CipherInit_ex(open_ctx_.get(key()), nullptr, nullptr, nullptr, iv, 0) != 1 ||
        EVP_Cipher(open_ctx_.get(key()), text, text, static_cast<unsigned>(n)) <= 0) {
      ERR_clear_error();
      return fail(Errc::crypto_failure, "ESP AES-CBC: OpenSSL failed to decrypt");
    }
    return {};
  }

 private:
  ByteView key() const { return {key_, key_size_}; }

  LazyCipherCtx seal_ctx_;  // keyed for encryption on the first seal; per packet only the IV changes
  LazyCipherCtx open_ctx_;  // keyed for decryption on the first open
  std::unique_ptr<EspHmac> hmac_;
  std::unique_ptr<CbcIvSource> ivs_;
  size_t icv_size_;
  uint8_t key_[32] = {};
  uint8_t key_size_;
};

}  // namespace

Result<std::unique_ptr<EspCipher>> make_esp_cbc_hmac(uint16_t key_bits, wire::IntegId integ,
                                                     ByteView encr_key, ByteView integ_key, Random& random) {
  auto key_size = encr_key_size(wire::EncrId::AES_CBC, key_bits);
  if (!key_size)
    return fail(Errc::unsupported, fmt::format("ESP AES_CBC with {}-bit key not implemented", key_bits));
  if (encr_key.size() != *key_size)
    return fail(Errc::bad_key, fmt::format("ESP AES_CBC_{}: key of {} octets, need {}", key_bits,
                                           encr_key.size(), *key_size));
  auto hmac = EspHmac::create(integ, integ_key);
  if (!hmac) return fail(std::move(hmac).error());
  TERN_ASSERT((*hmac)->icv_size() <= kMaxIcv);
  auto ivs = CbcIvSource::create(random);
  if (!ivs) return fail(std::move(ivs).error());
  const EVP_CIPHER* cipher = fetch_aes_cbc(*key_size);
  if (cipher == nullptr)
    return fail(Errc::crypto_failure, "ESP AES-CBC: OpenSSL does not provide the cipher");
  // The contexts are keyed on first use (lazy_cipher_ctx.h).
  return std::unique_ptr<EspCipher>(
      new EspCbcHmacCipher(cipher, encr_key, std::move(*hmac), std::move(*ivs)));
}

}  // namespace tern::crypto

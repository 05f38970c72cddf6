#include "crypto/aes_xcbc.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "base/error.h"
#include "base/secret_bytes.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {
namespace {

using Block = std::array<uint8_t, kAesXcbcBlockSize>;

const EVP_CIPHER* aes128_ecb() {
  // Fetched once per process; intentionally never freed (still reachable).
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  if (cipher == nullptr) TERN_BUG("EVP_CIPHER_fetch(AES-128-ECB) failed");
  return cipher;
}

// One AES-128 key schedule, encrypting single blocks.
class AesEcb {
 public:
  explicit AesEcb(const uint8_t* key) : ctx_(EVP_CIPHER_CTX_new()) {
    if (!ctx_ || EVP_EncryptInit_ex2(ctx_.get(), aes128_ecb(), key, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx_.get(), 0) != 1) {
      TERN_BUG("AES-128-ECB init failed");
    }
  }
  // out = E(key, in); in and out are whole blocks and may be the same buffer.
  void encrypt(const uint8_t* in, uint8_t* out, size_t blocks) {
    int len = 0;
    if (EVP_EncryptUpdate(ctx_.get(), out, &len, in, static_cast<int>(blocks * kAesXcbcBlockSize)) != 1 ||
        static_cast<size_t>(len) != blocks * kAesXcbcBlockSize) {
      TERN_BUG("AES-128-ECB encrypt failed");
    }
  }

 private:
  ossl::CipherCtx ctx_;
};

void xor_into(Block& acc, const uint8_t* b) {
  for (size_t i = 0; i < acc.size(); ++i) acc[i] = static_cast<uint8_t>(acc[i] ^ b[i]);
}

}  // namespace

// RFC 3566 §4:
//   K1 = E(K, 0x01010101...), K2 = E(K, 0x02020202...), K3 = E(K, 0x03030303...)
//   E[0] = 0; for each block M[i] but the last: E[i] = E(K1, M[i] XOR E[i-1])
//   last block complete:   E[n] = E(K1, M[n] XOR E[n-1] XOR K2)
//   last block incomplete (or the message is empty): pad with 0x80 0x00...,
//                          E[n] = E(K1, M[n] XOR E[n-1] XOR K3)
void aes_xcbc_mac(ByteView key, std::span<const ByteView> data, MutableByteView out) {
  if (key.size() != kAesXcbcBlockSize || out.size() != kAesXcbcBlockSize) TERN_BUG("aes_xcbc_mac: bad sizes");

  SecretBytes k123(3 * kAesXcbcBlockSize);  // K1 | K2 | K3
  for (size_t i = 0; i < 3; ++i) {
    std::fill_n(k123.data() + i * kAesXcbcBlockSize, kAesXcbcBlockSize, static_cast<uint8_t>(i + 1));
  }
  AesEcb(key.data()).encrypt(k123.data(), k123.data(), 3);
  AesEcb k1(k123.data());

  Block e{};        // E[i-1]
  Block pending{};  // the last block seen so far; processed only once more data follows
  size_t pending_len = 0;
  for (ByteView part : data) {
    while (!part.empty()) {
      if (pending_len == kAesXcbcBlockSize) {  // more data follows: pending is not the last block
        xor_into(e, pending.data());
        k1.encrypt(e.data(), e.data(), 1);
        pending_len = 0;
      }
      size_t n = std::min(part.size(), kAesXcbcBlockSize - pending_len);
      std::copy_n(part.begin(), n, pending.begin() + static_cast<std::ptrdiff_t>(pending_len));
      pending_len += n;
      part = part.subspan(n);
    }
  }
  const uint8_t* subkey = k123.data() + kAesXcbcBlockSize;  // K2
  if (pending_len < kAesXcbcBlockSize) {
    pending[pending_len] = 0x80;
    std::fill(pending.begin() + static_cast<std::ptrdiff_t>(pending_len) + 1, pending.end(), uint8_t{0});
    subkey += kAesXcbcBlockSize;  // K3
  }
  xor_into(e, pending.data());
  xor_into(e, subkey);
  k1.encrypt(e.data(), out.data(), 1);
  secure_zero(e.data(), e.size());
  secure_zero(pending.data(), pending.size());
}

}  // namespace tern::crypto

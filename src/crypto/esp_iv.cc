#include "crypto/esp_iv.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstring>

#include "base/secret_bytes.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {

struct CbcIvSource::State {
  ossl::CipherCtx ecb;                            // AES-128-ECB under K, padding off
  uint8_t nonce[8] = {};                          // N
  uint64_t counter = 0;                           // i of the next block to encrypt
  std::array<uint8_t, kBatch * kIvSize> input{};  // N || i blocks for one refill
};

CbcIvSource::CbcIvSource(std::unique_ptr<State> state) : state_(std::move(state)) {}

CbcIvSource::~CbcIvSource() {
  // Unused IVs would let a reader of this memory predict the next packets' IVs.
  secure_zero(batch_.data(), batch_.size());
  if (state_) secure_zero(state_->nonce, sizeof state_->nonce);
}

Result<std::unique_ptr<CbcIvSource>> CbcIvSource::create(Random& random) {
  static const EVP_CIPHER* const aes_ecb = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  auto state = std::make_unique<State>();
  SecretBytes key = random.secret(16);
  random.fill(state->nonce);
  state->ecb.reset(EVP_CIPHER_CTX_new());
  if (aes_ecb == nullptr || !state->ecb ||
      EVP_EncryptInit_ex2(state->ecb.get(), aes_ecb, key.data(), nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(state->ecb.get(), 0) != 1) {
    ERR_clear_error();
    return fail(Errc::crypto_failure, "CBC IV source: OpenSSL cannot make an AES-128-ECB context");
  }
  for (size_t b = 0; b < kBatch; ++b) std::memcpy(state->input.data() + b * kIvSize, state->nonce, 8);
  return std::unique_ptr<CbcIvSource>(new CbcIvSource(std::move(state)));
}

void CbcIvSource::next(MutableByteView iv) {
  if (iv.size() != kIvSize) TERN_BUG("CBC IV source: an IV is 16 octets");
  if (used_ == kBatch) refill();
  std::memcpy(iv.data(), batch_.data() + used_ * kIvSize, kIvSize);
  ++used_;
}

void CbcIvSource::refill() {
  State& s = *state_;
  for (size_t b = 0; b < kBatch; ++b) {
    uint8_t* block = s.input.data() + b * kIvSize;
    const uint64_t i = s.counter++;
    for (int k = 0; k < 8; ++k) block[8 + k] = static_cast<uint8_t>(i >> (56 - 8 * k));
  }
  int len = 0;
  if (EVP_EncryptUpdate(s.ecb.get(), batch_.data(), &len, s.input.data(), static_cast<int>(s.input.size())) !=
          1 ||
      static_cast<size_t>(len) != batch_.size())
    TERN_BUG("CBC IV source: AES-ECB failed on a valid context");
  used_ = 0;
}

}  // namespace tern::crypto

#include "crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

#include "base/error.h"

namespace tern::crypto {

OpenSslRandom::~OpenSslRandom() {
  OPENSSL_cleanse(buffer_, sizeof buffer_);
}

void OpenSslRandom::fill(MutableByteView out) {
  if (out.empty()) return;
  if (out.size() > kBuffer) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) TERN_BUG("RAND_bytes failed");
    return;
  }
  if (left_ < out.size()) {
    if (RAND_bytes(buffer_, static_cast<int>(kBuffer)) != 1) TERN_BUG("RAND_bytes failed");
    left_ = kBuffer;
  }
  uint8_t* from = buffer_ + (kBuffer - left_);
  std::copy_n(from, out.size(), out.data());
  OPENSSL_cleanse(from, out.size());
  left_ -= out.size();
}

void SeededRandom::fill(MutableByteView out) {
  size_t done = 0;
  while (done < out.size()) {
    uint8_t input[16];
    for (int i = 0; i < 8; ++i) input[i] = static_cast<uint8_t>(seed_ >> (56 - 8 * i));
    for (int i = 0; i < 8; ++i) input[8 + i] = static_cast<uint8_t>(counter_ >> (56 - 8 * i));
    ++counter_;
    uint8_t block[SHA256_DIGEST_LENGTH];
    SHA256(input, sizeof input, block);
    size_t n = std::min(out.size() - done, sizeof block);
    std::copy_n(block, n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
  }
}

}  // namespace tern::crypto

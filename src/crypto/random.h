// Randomness comes in through this interface so that tests can pin nonces,
// SPIs and key-exchange private values. ternd uses OpenSslRandom; tests use
// SeededRandom (deterministic, NOT for production).
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/secret_bytes.h"

namespace tern::crypto {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(MutableByteView out) = 0;

  Bytes bytes(size_t n) {
    Bytes b(n);
    fill(b);
    return b;
  }
  SecretBytes secret(size_t n) {
    SecretBytes s(n);
    fill(s.mutable_view());
    return s;
  }
  uint64_t u64() {
    uint8_t b[8];
    fill(b);
    uint64_t v = 0;
    for (uint8_t x : b) v = (v << 8) | x;
    return v;
  }
};

// RAND_bytes from OpenSSL's default DRBG.
class OpenSslRandom final : public Random {
 public:
  void fill(MutableByteView out) override;
};

// Deterministic stream: SHA-256(seed || counter) blocks. For tests and the
// fuzzers only.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : seed_(seed) {}
  void fill(MutableByteView out) override;

 private:
  uint64_t seed_;
  uint64_t counter_ = 0;
};

}  // namespace tern::crypto

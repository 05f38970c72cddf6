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

// RAND_bytes from OpenSSL's default DRBG, drawn kBuffer octets at a time:
// each RAND_bytes call costs ~1 µs of locking and DRBG bookkeeping whatever
// its size, and an IKE SA setup asks for a few dozen small pieces (SPIs,
// nonce, key-exchange private value, message IDs). Octets are wiped from the
// buffer as they are handed out; requests larger than the buffer go to
// RAND_bytes directly. Not thread-safe: one object per thread (each Worker and
// the daemon's loop have their own).
class OpenSslRandom final : public Random {
 public:
  OpenSslRandom() = default;
  ~OpenSslRandom() override;
  OpenSslRandom(const OpenSslRandom&) = delete;
  OpenSslRandom& operator=(const OpenSslRandom&) = delete;
  void fill(MutableByteView out) override;

 private:
  static constexpr size_t kBuffer = 256;
  uint8_t buffer_[kBuffer] = {};
  size_t left_ = 0;  // unused octets at the end of buffer_
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

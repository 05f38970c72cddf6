// prf(key, ·) with the key applied once (RFC 7296 §2.13's prf, see prf.h), for
// several computations under one key: prf+'s iterations (prf_plus.cc).
//
// For the HMAC PRFs the hash states of the padded key are kept (hmac.h), so
// each computation skips the two key blocks; for the AES PRFs the key is kept
// and adapted per call as RFC 4434 / RFC 4615 say. Prf::compute(key, data) is
// PrfKey(prf, key).compute(data).
//
// Holds the key (or state derived from it): wiped when destroyed. compute() is
// const and cannot fail.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "crypto/hmac.h"
#include "crypto/prf.h"

namespace tern::crypto {

class PrfKey {
 public:
  PrfKey(const Prf& prf, ByteView key);

  size_t output_size() const { return prf_.output_size(); }

  // prf(key, part0 | part1 | ...)
  SecretBytes compute(std::initializer_list<ByteView> data) const {
    return compute(std::span(data.begin(), data.size()));
  }
  SecretBytes compute(std::span<const ByteView> data) const {
    SecretBytes out(output_size());
    compute(data, out.mutable_view());
    return out;
  }
  // The same into `out` (output_size() octets).
  void compute(std::span<const ByteView> data, MutableByteView out) const;

 private:
  Prf prf_;
  std::optional<HmacKey> hmac_;  // the HMAC PRFs
  SecretBytes key_;              // the AES PRFs: the key as given
};

}  // namespace tern::crypto

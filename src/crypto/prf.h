// The IKEv2 pseudorandom function "prf" (RFC 7296 §2.13, Transform Type 2).
//
// Used by prf_plus, key_derivation (SKEYSEED, SK_*, KEYMAT) and the AUTH
// computation (§2.15). Implemented: PRF_HMAC_SHA1 (RFC 2104), PRF_HMAC_SHA2_256/
// 384/512 (RFC 4868), PRF_AES128_XCBC (RFC 4434) and PRF_AES128_CMAC (RFC 4615).
// For the two AES PRFs a key of any length is accepted and turned into the
// 128-bit AES key the way those RFCs say (see prf.cc).
//
// Failure: create() returns Errc::unsupported for a PRF tern does not
// implement. compute() cannot fail on any input; an OpenSSL error inside it is
// a broken library or out of memory and ends in TERN_BUG.
//
// A Prf is a small value (cheap to copy and move, safe to share across
// threads): the OpenSSL algorithm objects it uses are fetched once per process.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret_bytes.h"
#include "wire/iana.h"

namespace tern::crypto {

class Prf {
 public:
  static Result<Prf> create(wire::PrfId id);

  wire::PrfId id() const { return id_; }
  // Octets of prf output: 20 / 32 / 48 / 64 for HMAC, 16 for AES-XCBC/CMAC.
  size_t output_size() const { return output_size_; }

  // prf(key, data)
  SecretBytes compute(ByteView key, ByteView data) const { return compute(key, std::span(&data, 1)); }
  // prf(key, part0 | part1 | ...) without building the concatenation first:
  //   prf.compute(SK_d, {g_ir, Ni, Nr})
  SecretBytes compute(ByteView key, std::initializer_list<ByteView> data) const {
    return compute(key, std::span(data.begin(), data.size()));
  }
  SecretBytes compute(ByteView key, std::span<const ByteView> data) const;

 private:
  enum class Kind : uint8_t { hmac, aes_cmac, aes_xcbc };
  Prf(wire::PrfId id, Kind kind, size_t output_size)
      : id_(id), kind_(kind), output_size_(static_cast<uint8_t>(output_size)) {}

  // 4 octets: every IKE SA keeps one (docs/benchmarks.md "Memory per SA").
  wire::PrfId id_;
  Kind kind_;
  uint8_t output_size_;  // at most 64
};

}  // namespace tern::crypto

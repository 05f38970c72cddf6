// prf+ (RFC 7296 §2.13): stretches a PRF into as much keying material as the
// caller needs.
//
//   prf+ (K,S) = T1 | T2 | T3 | T4 | ...
//   where:
//   T1 = prf (K, S | 0x01)
//   T2 = prf (K, T1 | S | 0x02)
//   T3 = prf (K, T2 | S | 0x03)
//   ...
//
// Called by key_derivation for {SK_d | SK_ai | ...} and for CHILD_SA KEYMAT.
// The counter is one octet, so at most 255 iterations: asking for more than
// 255 * prf.output_size() octets is our own bug (TERN_BUG), never input.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "crypto/prf.h"

namespace tern::crypto {

inline constexpr size_t kPrfPlusMaxIterations = 255;

// The first `length` octets of prf+(key, seed).
SecretBytes prf_plus(const Prf& prf, ByteView key, ByteView seed, size_t length);

}  // namespace tern::crypto

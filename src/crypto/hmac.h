// HMAC (RFC 2104) with SHA-1 and SHA-2, keyed once: the PRFs PRF_HMAC_SHA1 and
// PRF_HMAC_SHA2_256/384/512 (prf.h) are built on it.
//
//   HMAC(K, text) = H((K0 ^ opad) | H((K0 ^ ipad) | text))
//
// where K0 is K padded with zeros to the hash's block size B (64 octets for
// SHA-1 and SHA-256, 128 for SHA-384 and SHA-512), or H(K) padded so when K is
// longer than B. An HmacKey hashes the two key blocks (K0 ^ ipad, K0 ^ opad)
// once, at construction, and keeps the two hash states (RFC 2104 §4, "the
// intermediate results ... may be precomputed"): each compute() under the key
// then hashes only the text and the outer block. prf+ (RFC 7296 §2.13) runs
// several MACs under one key; SKEYSEED and AUTH run one.
//
// Why not EVP_MAC: OpenSSL 3.0's EVP_MAC_init re-keys through the provider
// layer (digest contexts initialised, copied and finalised through dispatch
// tables), about 0.4 µs per 64-octet HMAC-SHA-256 where the three compression
// functions take ~0.15 µs. Here the hash states are plain structures copied
// per call and the one-shot SHA functions of libcrypto do the compression
// (with the same assembler, SHA-NI or AVX2, as EVP).
//
// The key states are secret: the destructor wipes them. An HmacKey is a value
// (copyable, ~460 octets) and its compute() is const: safe from several
// threads at once. Cannot fail.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/bytes.h"

namespace tern::crypto {

enum class HmacHash : uint8_t { sha1, sha256, sha384, sha512 };

class HmacKey {
 public:
  HmacKey(HmacHash hash, ByteView key);
  ~HmacKey();
  HmacKey(const HmacKey&) = default;
  HmacKey& operator=(const HmacKey&) = default;

  HmacHash hash() const { return hash_; }
  // 20, 32, 48 or 64 octets.
  size_t output_size() const;

  // HMAC(key, part0 | part1 | ...) into out, which must be output_size() octets.
  void compute(std::span<const ByteView> data, MutableByteView out) const;

  // Octets reserved per hash state (at least sizeof(SHA512_CTX), checked in hmac.cc).
  static constexpr size_t kStateSize = 224;

 private:
  HmacHash hash_;
  alignas(8) std::array<uint8_t, kStateSize> inner_;  // after K0 ^ ipad
  alignas(8) std::array<uint8_t, kStateSize> outer_;  // after K0 ^ opad
};

}  // namespace tern::crypto

// A keyed HMAC (RFC 2104) for the ESP ICV, built for a call per packet:
// HMAC-SHA1-96 (RFC 2404) and HMAC-SHA2-256-128 / 384-192 / 512-256
// (RFC 4868), truncated to the ICV length.
//
// Who calls it: the AES-CBC EspCipher (esp_cbc_hmac.cc) on seal() and open();
// tern_bench_esp to compare the two implementations.
//
// Two implementations, same output:
//   digest_states (the default): the inner and outer hash states after the
//     key's ipad and opad blocks are computed once; a packet copies them (a
//     struct copy) and hashes. No heap allocation. Uses OpenSSL's low-level
//     SHA1/SHA256/SHA512 functions, deprecated in 3.0 but present in every
//     3.x build that does not configure `no-deprecated`.
//   evp_mac: a keyed EVP_MAC_CTX re-initialised with a null key per packet.
//     OpenSSL 3.0 duplicates a digest context inside (two mallocs per packet).
// A third way, EVP_MAC_CTX_dup of a keyed template per packet (what SkCipher
// does), makes 11 mallocs per call.
//
// Measured (HMAC-SHA256, SHA-NI, one core of the 2-core machine), ns per call
// for 64 / 1400 octets: dup 826 / 1971, evp_mac 366 / 1523, digest_states
// 183 / 1299 (tern_bench_esp BM_Hmac* repeats the comparison).
//
// How it fails: create() returns Errc::unsupported for other integrity
// transforms, Errc::bad_key for a key that is not the transform's key size
// (RFC 4868 §2.1.1: the key is as long as the hash output), and
// Errc::crypto_failure if OpenSSL cannot key an EVP_MAC. compute() cannot
// fail on valid input (an OpenSSL failure there is a TERN_BUG). An EspHmac is
// not thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::crypto {

enum class HmacImpl : uint8_t { digest_states, evp_mac };

class EspHmac {
 public:
  static Result<std::unique_ptr<EspHmac>> create(wire::IntegId integ, ByteView key,
                                                 HmacImpl impl = HmacImpl::digest_states);
  virtual ~EspHmac() = default;
  EspHmac(const EspHmac&) = delete;
  EspHmac& operator=(const EspHmac&) = delete;

  // The truncated length written by compute(): 12, 16, 24 or 32.
  virtual size_t icv_size() const = 0;
  // icv.first(icv_size()) = HMAC(key, data || trailer), truncated. `trailer`
  // is the ESN high half (RFC 4303 §3.3.2.1) or empty. An `icv` shorter than
  // icv_size() is a TERN_BUG.
  virtual void compute(ByteView data, ByteView trailer, MutableByteView icv) = 0;

 protected:
  EspHmac() = default;
};

}  // namespace tern::crypto

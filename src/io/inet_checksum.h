// Big-endian field access and the Internet checksum (RFC 1071) over raw
// packet octets, for the TUN offload code (tun_offload, tun_gro). Callers
// check bounds before calling; nothing here fails.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tern::io::inet {

inline uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
inline void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline uint32_t get32(const uint8_t* p) {
  return static_cast<uint32_t>(get16(p)) << 16 | get16(p + 2);
}
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

inline uint16_t fold(uint64_t acc) {
  while ((acc >> 16) != 0) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}

// The ones' complement sum of n octets (as big-endian 16-bit words, a lone
// last octet padded with zero) added to `acc`, not yet folded. The sum does
// not depend on byte order (RFC 1071 §2(B)), so the octets are added as
// native 32-bit words into 64-bit accumulators (no carry is lost below 2^32
// words) and the folded result is
// swapped to network order once. This is the per-segment TCP checksum of TSO
// and GRO: it was the largest single cost of the sending data plane.
inline uint64_t sum(const uint8_t* p, size_t n, uint64_t acc = 0) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;  // four chains: one add per cycle each
  for (; n >= 16; p += 16, n -= 16) {
    uint32_t w[4];
    std::memcpy(w, p, 16);
    a0 += w[0];
    a1 += w[1];
    a2 += w[2];
    a3 += w[3];
  }
  uint64_t native = a0 + a1 + a2 + a3;
  for (; n >= 4; p += 4, n -= 4) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    native += w;
  }
  uint8_t tail[4] = {0, 0, 0, 0};
  std::memcpy(tail, p, n);
  uint32_t w;
  std::memcpy(&w, tail, 4);
  native += w;
  uint16_t folded = fold(native);
  if constexpr (std::endian::native == std::endian::little)
    folded = static_cast<uint16_t>(folded >> 8 | folded << 8);
  return acc + folded;
}

}  // namespace tern::io::inet

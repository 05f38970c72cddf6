// Big-endian field access and the Internet checksum (RFC 1071) over raw
// packet octets, for the TUN offload code (tun_offload, tun_gro). Callers
// check bounds before calling; nothing here fails.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern::io::inet {

inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline uint32_t get32(const uint8_t* p) { return static_cast<uint32_t>(get16(p)) << 16 | get16(p + 2); }
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

// The ones' complement sum of n octets added to `acc`, not yet folded.
inline uint64_t sum(const uint8_t* p, size_t n, uint64_t acc = 0) {
  for (; n >= 2; p += 2, n -= 2) acc += get16(p);
  if (n == 1) acc += static_cast<uint64_t>(p[0]) << 8;
  return acc;
}
inline uint16_t fold(uint64_t acc) {
  while ((acc >> 16) != 0) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}

}  // namespace tern::io::inet

// The ESP packet layout (RFC 4303 §2) and its fixed-size fields: the 8-octet
// header (SPI, Sequence Number) and the 2-octet trailer (Pad Length, Next
// Header). Used by esp_sa.cc (encap/decap) and by io/ to size buffers.
// Constants and two big-endian helpers only; nothing here fails.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
//   |               Security Parameters Index (SPI)                 | ^Int.
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
//   |                      Sequence Number                          | |ered
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
//   |                    Payload Data* (variable)                   | |   ^
//   ~                                                               ~ |   |
//   |                                                               | |Conf.
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
//   |               |     Padding (0-255 bytes)                     | |ered*
//   +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
//   |                               |  Pad Length   | Next Header   | v   v
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
//   |         Integrity Check Value-ICV   (variable)                |
//   ~                                                               ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Payload Data begins with the IV (8 octets for AES-GCM and ChaCha20-Poly1305,
// 16 for AES-CBC), carried in clear. Padding is 1, 2, 3, ... (§2.4) so that
// Payload || Padding || Pad Length || Next Header is a multiple of the
// cipher's block size, and at least of 4 octets (§2.4). With Extended Sequence
// Numbers only the low 32 bits travel; the high 32 are inferred (Appendix A).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern::esp {

inline constexpr size_t kSpiSize = 4;
inline constexpr size_t kSeqSize = 4;
inline constexpr size_t kEspHeaderSize = kSpiSize + kSeqSize;  // SPI || Sequence Number
inline constexpr size_t kEspTrailerSize = 2;                   // Pad Length || Next Header
inline constexpr size_t kMaxPadLength = 255;
// Payload || Padding || trailer is always aligned to at least this (§2.4).
inline constexpr size_t kMinAlignment = 4;

inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline uint16_t load_be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

}  // namespace tern::esp

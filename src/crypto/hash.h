// Plain message digests, for the protocol places that hash without a key:
// the NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP Notification
// Data (RFC 7296 §2.23), which is SHA-1 whatever PRF the IKE SA uses:
//
//   NAT-D hash = SHA-1(SPIi | SPIr | IP address | port)
//
// and the stateless COOKIE of §2.6 (ike/cookie.h), which tern makes with SHA-256:
//
//   Cookie = <VersionIDofSecret> | SHA-256(Ni | IPi | SPIi | <secret>)
//
// Who calls it: the NAT detection code (ike/nat_detection, tools/scripted_exchange)
// and the responder's cookie jar (ike/cookie). Cannot fail: an OpenSSL error here is a broken library
// or out of memory and ends in TERN_BUG.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "base/bytes.h"

namespace tern::crypto {

inline constexpr size_t kSha1Size = 20;
using Sha1Digest = std::array<uint8_t, kSha1Size>;

// SHA-1(part0 | part1 | ...) without building the concatenation first.
Sha1Digest sha1(std::span<const ByteView> parts);
inline Sha1Digest sha1(std::initializer_list<ByteView> parts) {
  return sha1(std::span(parts.begin(), parts.size()));
}

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// SHA-256(part0 | part1 | ...), the same way.
Sha256Digest sha256(std::span<const ByteView> parts);
inline Sha256Digest sha256(std::initializer_list<ByteView> parts) {
  return sha256(std::span(parts.begin(), parts.size()));
}

}  // namespace tern::crypto

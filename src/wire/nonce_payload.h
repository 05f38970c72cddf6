// Nonce payload, Ni and Nr (RFC 7296 §3.9).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for type Nonce;
// the ike/ tasks feed `data` into SKEYSEED and AUTH. parse() fails with
// Errc::invalid_syntax (answered with INVALID_SYNTAX) unless the nonce is
// 16..256 octets long (§3.9: "at least 128 bits", "at most 256 octets").
// Whether it is at least half the PRF key size (§2.10) is for the init task.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                            Nonce Data                         ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstddef>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"

namespace tern::wire {

inline constexpr size_t kMinNonceSize = 16;
inline constexpr size_t kMaxNonceSize = 256;

struct NoncePayload {
  Bytes data;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<NoncePayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};

}  // namespace tern::wire

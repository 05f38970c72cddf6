// Key Exchange payload, KEi and KEr (RFC 7296 §3.4).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for type KE; the
// ike/ init and rekey tasks hand `data` to crypto/. parse() checks structure
// only: 4 fixed octets (Errc::truncated), a non-zero group and some Key
// Exchange Data (Errc::invalid_syntax), answered with INVALID_SYNTAX. Whether
// the group is the one proposed (INVALID_KE_PAYLOAD) and whether the public
// value has the right size and is valid (Errc::invalid_ke) are decided above
// wire/.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   Diffie-Hellman Group Num    |           RESERVED            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                       Key Exchange Data                       ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

struct KePayload {
  KeGroup group = KeGroup::CURVE25519;
  Bytes data;  // the public value, encoded as §3.4 / RFC 5903 / RFC 8031 say for the group

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<KePayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const KePayload&, const KePayload&) = default;
};

}  // namespace tern::wire

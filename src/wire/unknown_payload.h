// A payload type tern does not know (RFC 7296 §2.5, §3.2), kept only when its
// Critical bit is clear: such payloads "MUST be skipped", and keeping the body
// lets logs and tests see them. An unknown payload WITH the Critical bit is
// rejected by the chain decoder (wire/payload.*), never stored here.
// The Payload that holds this body carries the raw type number.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                     (content unknown to tern)                 ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"

namespace tern::wire {

struct UnknownPayload {
  Bytes body;

  // body = the payload content AFTER the 4-octet generic payload header. Never fails.
  static Result<UnknownPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const UnknownPayload&, const UnknownPayload&) = default;
};

}  // namespace tern::wire

// Extensible Authentication payload, EAP (RFC 7296 §3.16), carrying one EAP
// message (RFC 3748 §4).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// type EAP; the ike/ EAP authentication hands `message` to the EAP method.
// parse() checks the EAP header only: Errc::truncated (fewer than 4 octets),
// Errc::bad_length (the EAP Length field is not the message size),
// Errc::invalid_syntax (Code not 1..4, a Request or Response without a Type
// octet, a Success or Failure longer than 4 octets), all answered with
// INVALID_SYNTAX.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                       EAP Message                             ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The EAP message (RFC 3748 §4; Type and Type_Data only in Request/Response):
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Code      | Identifier    |           Length              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type      | Type_Data...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"

namespace tern::wire {

struct EapPayload {
  Bytes message;  // the whole EAP message, header included

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<EapPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const EapPayload&, const EapPayload&) = default;
};

}  // namespace tern::wire

// Vendor ID payload, V (RFC 7296 §3.12).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for type
// VendorID; the ike/ tasks may log it or recognise a peer. The content is
// opaque and parse() never fails on it.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                        Vendor ID (VID)                        ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"

namespace tern::wire {

struct VendorIdPayload {
  Bytes id;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<VendorIdPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};

}  // namespace tern::wire

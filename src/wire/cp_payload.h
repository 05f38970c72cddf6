// Configuration payload, CP (RFC 7296 §3.15, §3.15.1).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// type CP; the ike/ ike_config task fills and reads the attributes (what each
// attribute's value means is checked there). parse() fails with
// Errc::truncated when the fixed fields, an attribute header or an attribute
// value run past the body, answered with INVALID_SYNTAX. The reserved high
// bit of Attribute Type is ignored on receipt and zero on send.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C| RESERVED    |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   CFG Type    |                    RESERVED                   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                   Configuration Attributes                    ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Each Configuration Attribute (§3.15.1):
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |R|         Attribute Type      |            Length             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                             Value                             ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstdint>
#include <vector>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

struct CfgAttribute {
  uint16_t type = 0;  // a CfgAttr number, 15 bits (the R bit is not part of it)
  Bytes value;        // may be empty: a CFG_REQUEST asks with zero-length values

  friend bool operator==(const CfgAttribute&, const CfgAttribute&) = default;
};

struct CpPayload {
  CfgType type = CfgType::CFG_REQUEST;
  std::vector<CfgAttribute> attributes;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<CpPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  // A value longer than 65535 octets is our own bug.
  void build(ByteWriter& w) const;

  friend bool operator==(const CpPayload&, const CpPayload&) = default;
};

}  // namespace tern::wire

// Identification payload, IDi and IDr (RFC 7296 §3.5).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// types IDi and IDr; the ike/ auth tasks read `type` and `data`, and compare
// them with the configured identities. parse() fails with Errc::truncated (no
// room for the fixed fields) or Errc::invalid_syntax (an address of the wrong
// size, an empty name), always answered with INVALID_SYNTAX. Unknown ID types
// are kept as they are: deciding whether they are acceptable is policy.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   ID Type     |                 RESERVED                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                   Identification Data                         ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <string>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

struct IdPayload {
  IdType type = IdType::ID_FQDN;
  // ID_IPV4_ADDR: 4 octets; ID_IPV6_ADDR: 16; ID_FQDN / ID_RFC822_ADDR: ASCII
  // without terminator; ID_DER_ASN1_DN: a DER Name; ID_KEY_ID: opaque octets.
  Bytes data;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<IdPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  // For logs: "fqdn:vpn.example.org", "rfc822:a@example.org", "ipv4:192.0.2.1",
  // "ipv6:2001:db8::1", "dn:<hex>", "keyid:<hex>", "null". Bytes outside
  // printable ASCII in names are shown as \xNN: the data came from the network.
  std::string to_string() const;

  friend bool operator==(const IdPayload&, const IdPayload&) = default;
};

}  // namespace tern::wire

// Certificate payload, CERT (RFC 7296 §3.6).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// type CERT; the ike/ ike_cert task hands `data` to crypto/ for X.509 work
// (wire/ does not look inside certificates). parse() fails with
// Errc::truncated (no Cert Encoding octet) or Errc::invalid_syntax (empty
// Certificate Data; a Hash and URL entry without room for its 20-octet SHA-1
// hash and a URL), answered with INVALID_SYNTAX.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Cert Encoding |                                               |
//   +-+-+-+-+-+-+-+-+                                               +
//   |                                                               |
//   ~                       Certificate Data                        ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

struct CertPayload {
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  // X509_SIGNATURE: one DER certificate. HASH_URL_X509_*: a 20-octet SHA-1
  // hash followed by the URL (§3.6). Other encodings: as sent.
  Bytes data;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<CertPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const CertPayload&, const CertPayload&) = default;
};

}  // namespace tern::wire

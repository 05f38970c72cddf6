// Certificate Request payload, CERTREQ (RFC 7296 §3.7).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// type CERTREQ; the ike/ ike_cert task uses authorities() to pick a
// certificate chain the peer trusts. parse() only fails with Errc::truncated
// (no Cert Encoding octet), answered with INVALID_SYNTAX: an empty or
// malformed Certification Authority field is kept, because a bad hint must
// not fail the exchange; authorities() reports it when someone asks.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Cert Encoding |                                               |
//   +-+-+-+-+-+-+-+-+                                               +
//   |                                                               |
//   ~                    Certification Authority                    ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <vector>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

// SHA-1 hash of a CA's SubjectPublicKeyInfo, one Certification Authority entry.
inline constexpr size_t kCaKeyHashSize = 20;

struct CertReqPayload {
  CertEncoding encoding = CertEncoding::X509_SIGNATURE;
  Bytes data;  // the Certification Authority field, as sent

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<CertReqPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  // The 20-octet SHA-1 hashes of the CA public keys the peer trusts, for the
  // encodings where §3.7 defines the field (X509_SIGNATURE and the two Hash
  // and URL encodings). The views borrow from `data`. A length that is not a
  // multiple of 20 is Errc::invalid_syntax; other encodings are
  // Errc::unsupported (the field has no defined meaning for them).
  Result<std::vector<ByteView>> authorities() const;

  friend bool operator==(const CertReqPayload&, const CertReqPayload&) = default;
};

}  // namespace tern::wire

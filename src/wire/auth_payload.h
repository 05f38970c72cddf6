// Authentication payload, AUTH (RFC 7296 §3.8), and the RFC 7427 §3 layout of
// its data for the Digital Signature method (Auth Method 14).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// type AUTH; the ike/ ike_auth task computes and checks the data with
// crypto/. parse() fails with Errc::truncated (no room for the fixed fields)
// or Errc::invalid_syntax (empty Authentication Data), answered with
// INVALID_SYNTAX. parse_signature_auth_data() fails with Errc::truncated
// (ASN.1 Length runs past the data) or Errc::invalid_syntax (zero ASN.1
// Length, an AlgorithmIdentifier that is not one DER SEQUENCE filling it, an
// empty Signature Value).
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Auth Method   |                RESERVED                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                      Authentication Data                      ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Authentication Data for DIGITAL_SIGNATURE (RFC 7427 §3):
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | ASN.1 Length  | AlgorithmIdentifier ASN.1 object              |
//   +-+-+-+-+-+-+-+-+                                               +
//   ~         AlgorithmIdentifier ASN.1 object continuing           ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                         Signature Value                       ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

struct AuthPayload {
  AuthMethod method = AuthMethod::SHARED_KEY_MIC;
  Bytes data;  // the Authentication Data; for DIGITAL_SIGNATURE see below

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<AuthPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const AuthPayload&, const AuthPayload&) = default;
};

// RFC 7427 §3: which signature scheme was used, and the signature itself.
struct SignatureAuthData {
  Bytes algorithm_identifier;  // the DER AlgorithmIdentifier, 1..255 octets
  Bytes signature;

  friend bool operator==(const SignatureAuthData&, const SignatureAuthData&) = default;
};

// Splits AuthPayload::data of a DIGITAL_SIGNATURE AUTH payload.
Result<SignatureAuthData> parse_signature_auth_data(ByteView data);
// The inverse; an AlgorithmIdentifier of 0 or more than 255 octets is our own bug.
Bytes build_signature_auth_data(const SignatureAuthData& auth_data);

}  // namespace tern::wire

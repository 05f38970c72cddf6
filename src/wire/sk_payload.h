// Encrypted and Authenticated payload, SK (RFC 7296 §3.14), and Encrypted
// Fragment payload, SKF (RFC 7383 §2.5).
//
// wire/ knows no keys: here both are opaque containers. The chain decoder
// (wire/payload.*) stores the octets after the generic header, and the SK/SKF
// payload's Next Payload field (the type of the FIRST INNER payload, §3.14) in
// `first_inner`, because SK and SKF are always the last payload of a message.
// The ike/ SK opener/sealer decrypts/encrypts `encrypted`; see message.h for
// how it builds the associated data.
//
// SkPayload::parse never fails. SkfPayload::parse fails with Errc::truncated
// (fewer than 4 octets) or Errc::invalid_syntax (Fragment Number 0 or above
// Total Fragments, Total Fragments 0), answered with INVALID_SYNTAX.
//
// SK (§3.14):
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Initialization Vector                     |
//   |         (length is block size for encryption algorithm)       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Encrypted IKE Payloads                     ~
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               |             Padding (0-255 octets)            |
//   +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//   |                                               |  Pad Length   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Integrity Checksum Data                    ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// SKF (RFC 7383 §2.5): Next Payload is the first inner payload type in
// fragment 1 and 0 in the others.
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |        Fragment Number        |        Total Fragments        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Initialization Vector                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                      Encrypted content                        ~
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               |             Padding (0-255 octets)            |
//   +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//   |                                               |  Pad Length   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Integrity Checksum Data                    ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

inline constexpr size_t kSkfFragmentFieldsSize = 4;  // Fragment Number + Total Fragments

struct SkPayload {
  Bytes encrypted;  // IV || ciphertext (inner payloads, padding, Pad Length) || ICV
  // The SK payload's own Next Payload field: the type of the first inner
  // payload (NONE for an empty inner chain, e.g. an INFORMATIONAL liveness check).
  PayloadType first_inner = PayloadType::NONE;

  // body = the payload content AFTER the 4-octet generic payload header. Never fails.
  static Result<SkPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const SkPayload&, const SkPayload&) = default;
};

struct SkfPayload {
  uint16_t fragment_number = 1;  // 1..total_fragments
  uint16_t total_fragments = 1;
  Bytes encrypted;  // IV || ciphertext || ICV of this fragment
  // The SKF payload's Next Payload field: the first inner payload type in
  // fragment 1, NONE in the other fragments (RFC 7383 §2.5).
  PayloadType first_inner = PayloadType::NONE;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<SkfPayload> parse(ByteView body);
  // Appends the body only: Fragment Number, Total Fragments, encrypted.
  void build(ByteWriter& w) const;

  friend bool operator==(const SkfPayload&, const SkfPayload&) = default;
};

}  // namespace tern::wire

// Unprotected error answers to requests that fail before any IKE SA sees
// them (RFC 7296 §1.5, §2.5): wire::parse_message refused the datagram, and
// the RFC still wants the sender told why.
//
//   HDR(major version 3 or more), ...            -->
//                      <--  HDR(version 2.0, R=1), N(INVALID_MAJOR_VERSION)      (§2.5: SHOULD)
//   HDR, SAi1, KEi, Ni, <unknown payload, C=1>   -->
//                      <--  HDR(R=1), N(UNSUPPORTED_CRITICAL_PAYLOAD, type)     (§2.5: MUST)
//
// An answer longer than the request is not sent (a source that is not
// verified never gets more octets than it sent). Nothing else is answered: other malformed datagrams are
// dropped silently (an answer would only help an attacker probe), responses never are (§2.21.4), and
// UNSUPPORTED_CRITICAL_PAYLOAD outside an SK payload only for a new IKE_SA_INIT (any other message with a
// critical unknown payload outside SK is not authenticated). The Endpoint sends them within the same
// per-second budget as N(INVALID_IKE_SPI) (invalid_ike_spi.h).
#pragma once

#include <optional>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::ike {

// The answer to `message` (a datagram without non-ESP marker) that
// wire::parse_message refused with `error`, or nullopt: drop it silently.
std::optional<Bytes> unprotected_error_answer(ByteView message, const Error& error);

}  // namespace tern::ike

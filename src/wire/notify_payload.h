// Notify payload, N (RFC 7296 §3.10): error and status notifications.
//
// Called by the payload chain decoder/encoder (wire/payload.*) for type Notify;
// every ike/ task looks for the notifies it understands (NAT_DETECTION_*,
// COOKIE, REKEY_SA, ...). Notification Data stays opaque here: its meaning
// depends on the type and is decoded by the task that knows it. parse() fails
// with Errc::truncated (fixed fields or SPI cut short), Errc::invalid_syntax
// (an SPI with Protocol ID 0 or > 3) or Errc::bad_spi (SPI Size not 4 for
// ESP/AH, not 0/8 for IKE), all answered with INVALID_SYNTAX. With no SPI, the
// Protocol ID is ignored as §3.10 says (kept as read).
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Protocol ID  |   SPI Size    |      Notify Message Type      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                Security Parameter Index (SPI)                 ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                       Notification Data                       ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

struct NotifyPayload {
  ProtocolId protocol = ProtocolId::NONE;  // NONE when there is no SPI
  Bytes spi;                               // empty, or the ESP/AH SPI (REKEY_SA, ...)
  NotifyType type = NotifyType::INITIAL_CONTACT;
  Bytes data;  // Notification Data

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<NotifyPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const NotifyPayload&, const NotifyPayload&) = default;
};

}  // namespace tern::wire

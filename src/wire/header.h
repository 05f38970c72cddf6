// IKE header (RFC 7296 §3.1): the fixed 28 octets in front of every IKEv2
// message.
//
// Called by wire/message.* (parse_message, build_message, peek_header) and by
// the SK sealer/opener in ike/, which needs the header bytes as associated
// data. parse_header() checks only what can be checked without state:
//   - fewer than 28 octets                   -> Errc::truncated, drop
//   - Major Version > 2                      -> Errc::bad_version, answer INVALID_MAJOR_VERSION (§1.5)
//   - Major Version < 2 (IKEv1 and older)    -> Errc::bad_version, drop
//   - Length != size of the datagram         -> Errc::bad_length, drop (both directions)
//   - IKE SA Initiator's SPI zero            -> Errc::bad_spi, drop
// Reserved flag bits are ignored on receipt (cleared in `flags`); the Version
// bit is kept as read but means nothing to IKEv2 (§3.1: ignore on receipt).
// Message ID, exchange type and responder SPI are the engine's business.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       IKE SA Initiator's SPI                  |
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       IKE SA Responder's SPI                  |
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                          Message ID                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                            Length                             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   Flags: +-+-+-+-+-+-+-+-+
//          |X|X|R|V|I|X|X|X|
//          +-+-+-+-+-+-+-+-+
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

inline constexpr size_t kIkeHeaderSize = 28;
inline constexpr uint8_t kFlagInitiator = 0x08;  // I: sent by the original initiator of the IKE SA
inline constexpr uint8_t kFlagVersion = 0x10;    // V: "can speak a higher major version"; 0 for IKEv2
inline constexpr uint8_t kFlagResponse = 0x20;   // R: this message is a response

struct IkeHeader {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  PayloadType next_payload = PayloadType::NONE;
  uint8_t major_version = 2;
  uint8_t minor_version = 0;
  ExchangeType exchange = ExchangeType::IKE_SA_INIT;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = kIkeHeaderSize;  // the whole message, header included

  bool is_initiator() const { return (flags & kFlagInitiator) != 0; }
  bool is_response() const { return (flags & kFlagResponse) != 0; }

  friend bool operator==(const IkeHeader&, const IkeHeader&) = default;
};

// `datagram` is the whole IKE message (after any non-ESP marker on port 4500).
Result<IkeHeader> parse_header(ByteView datagram);

// Appends the 28 octets as given (Length and Next Payload too: the message
// builder fills them in before calling this). Only the I and R flags are sent;
// V and the reserved bits go out as zero.
void build_header(const IkeHeader& header, ByteWriter& w);

}  // namespace tern::wire

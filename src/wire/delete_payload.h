// Delete payload, D (RFC 7296 §3.11).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for type Delete;
// the ike/ delete tasks read which SAs the peer removed. parse() fails with,
// all answered with INVALID_SYNTAX:
//   Errc::truncated       fewer than the 4 fixed octets
//   Errc::invalid_syntax  Protocol ID 0 or > 3; IKE with SPIs listed
//   Errc::bad_spi         SPI Size not 0 for IKE, not 4 for ESP/AH
//   Errc::bad_length      Num of SPIs x SPI Size differs from the octets present
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Protocol ID   |   SPI Size    |          Num of SPIs          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~               Security Parameter Index(es) (SPI)              ~
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

struct DeletePayload {
  ProtocolId protocol = ProtocolId::ESP;
  uint8_t spi_size = 4;     // 0 for IKE (the SA is the one the message belongs to), 4 for ESP/AH
  std::vector<Bytes> spis;  // each spi_size octets; the receiving (inbound) SPIs of the sender

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<DeletePayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  void build(ByteWriter& w) const;

  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};

}  // namespace tern::wire

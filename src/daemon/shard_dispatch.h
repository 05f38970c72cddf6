// Which worker (shard) a received IKE datagram, or a connection, belongs to
// (docs/ternd.md "Workers", docs/architecture.md "Workers"). ternd runs one
// Endpoint per worker; the event loop thread reads the UDP sockets, looks at
// the IKE header only (never parses further) and hands the datagram to the
// worker chosen here.
//
//   a message with our SPI set        -> the shard in our SPI's top octet
//     (our SPI: SPIr when the Initiator flag is set — we are the original
//     responder —, SPIi otherwise; ike/shard_spi.h)
//   our SPI zero (IKE_SA_INIT request) -> a hash of SPIi and the source
//     address and port, so that retransmits and the repeat with a cookie
//     reach the worker that holds the half-open SA
//   shorter than an IKE header          -> shard 0 (its Endpoint drops it)
//
// An SPI that is not ours (forged, or from before a restart) still names
// some shard (its top octet modulo the count): that Endpoint answers
// INVALID_IKE_SPI or drops it, as a single Endpoint would.
//
// Pure functions; nothing fails.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "ike/address.h"

namespace tern::daemon {

// `message` starts at the IKE header (after any non-ESP marker).
uint32_t shard_for_datagram(ByteView message, const ike::Address& remote, uint32_t shards);
// Where IKE SAs we initiate for `connection` are made (start_action, ternctl up, traps).
uint32_t shard_for_connection(std::string_view connection, uint32_t shards);

}  // namespace tern::daemon

// Which worker (shard) a received IKE datagram, or a connection, belongs to
// (docs/ternd.md "Workers", docs/architecture.md "Workers"). ternd runs one
// Endpoint per worker; the kernel steers each datagram to the chosen worker's
// socket by the same rule (daemon/steering_program.h, a classic BPF program
// on the SO_REUSEPORT group), and whichever thread reads a datagram checks it
// here from the IKE header only (never parses further) and forwards it when
// it landed on another worker's socket.
//
//   a message with our SPI set        -> the shard in our SPI's top octet
//     (our SPI: SPIr when the Initiator flag is set — we are the original
//     responder —, SPIi otherwise; ike/shard_spi.h)
//   our SPI zero (IKE_SA_INIT request) -> (the first 32 bits of SPIi XOR
//     its last 32 bits) modulo the count: SPIi only (a BPF program can
//     compute it; the peer's SPIs are random), so that retransmits and the
//     repeat with a cookie (same SPIi, RFC 7296 §2.6) reach the worker that
//     holds the half-open SA
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

namespace tern::daemon {

// `message` starts at the IKE header (after any non-ESP marker).
uint32_t shard_for_datagram(ByteView message, uint32_t shards);
// Where IKE SAs we initiate for `connection` are made (start_action, ternctl up, traps).
uint32_t shard_for_connection(std::string_view connection, uint32_t shards);

}  // namespace tern::daemon

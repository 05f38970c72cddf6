// IP_PKTINFO / IPV6_PKTINFO control messages: which local address a datagram
// arrived on, and which source address to send from, for sockets bound to a
// wildcard address (UDP) or to none (raw ESP). Used by udp_socket and
// esp_socket; nothing here fails.
#pragma once

#include <sys/socket.h>

#include <cstddef>

#include "ike/address.h"

namespace tern::io {

// Room for one source-address control message of either family.
inline constexpr size_t kPktinfoSpace = 64;

// Fills `msg.msg_control` (at least kPktinfoSpace octets, aligned) with the
// source address `local` and sets msg_controllen.
void set_source_address(msghdr& msg, const ike::Address& local);
// Copies the destination address of a received message into `local.ip`
// (left as is when the message carries none).
void read_destination_address(msghdr& msg, ike::Address& local);

}  // namespace tern::io

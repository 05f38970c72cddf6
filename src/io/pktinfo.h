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
// Socket buffers for the data plane's sockets: bursts of a TSO super-packet's
// ~45 ESP packets must not overflow the default ~200 KiB (a drop there costs a
// TCP retransmission inside the tunnel). SO_*BUFFORCE as root, else as large
// as net.core.*mem_max allows. Best effort: nothing fails.
void enlarge_buffers(int fd);
// Copies the destination address of a received message into `local.ip`
// (left as is when the message carries none).
void read_destination_address(msghdr& msg, ike::Address& local);

}  // namespace tern::io

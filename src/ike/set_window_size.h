// N(SET_WINDOW_SIZE) (RFC 7296 §2.3, §3.10.1): how many requests an end is
// prepared to have outstanding from its peer.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +---------------+---------------+-------------------------------+
// |  Protocol ID  |   SPI Size    |   Notify Message Type = 16385 |
// +---------------+---------------+-------------------------------+
// |                   Window Size (4 octets)                      |
// +---------------------------------------------------------------+
//
// Who calls it: the task manager, on IKE_AUTH messages (both ends announce
// their window there; until then the window is 1). Fails soft: a notify
// whose data is not 4 octets, or says 0, is ignored (window stays 1).
#pragma once

#include <cstdint>
#include <optional>

#include "ike/ike_message.h"

namespace tern::ike {

// Adds N(SET_WINDOW_SIZE, window) to `msg` unless `window` is 1 (the default
// every peer assumes: strongSwan, libreswan and OpenIKED never see it).
void add_set_window_size(IkeMessage& msg, uint32_t window);

// The window the message announces; nullopt when it carries no usable
// N(SET_WINDOW_SIZE).
std::optional<uint32_t> read_set_window_size(const IkeMessage& msg);

}  // namespace tern::ike

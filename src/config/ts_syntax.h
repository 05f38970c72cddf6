// Traffic selectors as written in local_ts / remote_ts (swanctl syntax):
//
//   "10.1.0.0/24", "2001:db8::/64"      a subnet (host bits must be zero)
//   "192.0.2.7", "2001:db8::7"          one host (/32, /128)
//   "10.1.0.10-10.1.0.20"               an address range
//   any of those + "[tcp]", "[udp/53]", "[tcp/8000-8080]", "[17/53]", "[icmp]"
//                                       protocol (name or 0..255) and port(s)
//
// Who calls it: child_section. Fails with a message naming what is wrong
// (not an address, host bits set, prefix too long, bad protocol or port).
#pragma once

#include <string>
#include <string_view>

#include "base/expected.h"
#include "ike/address.h"
#include "wire/ts_payload.h"

namespace tern::config {

Expected<wire::TrafficSelector, std::string> parse_traffic_selector(std::string_view text);

// The selector for exactly one address, any protocol and port (the default
// local_ts / remote_ts: the IKE address itself).
wire::TrafficSelector host_selector(const ike::Address& address);

}  // namespace tern::config

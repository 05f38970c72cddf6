// The few rtnetlink requests the data plane needs: bring the TUN device up
// with its MTU, and add/remove routes for remote traffic selectors through
// it. Synchronous request/acknowledge on a NETLINK_ROUTE socket per call
// (rare: at SA install and removal, never per packet).
//
// How it fails: an Error with the kernel's errno text and what was asked
// ("cannot add route 203.0.113.0/24 dev tern0: File exists").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "ike/address.h"

namespace tern::io::netlink {

// An IP prefix: address (port unused) and length.
struct Prefix {
  ike::Address address;
  uint8_t length = 0;
  std::string to_string() const;  // "203.0.113.0/24"
  friend bool operator==(const Prefix&, const Prefix&) = default;
};

Result<void> set_link_up(int ifindex, uint32_t mtu);
// `src`: the preferred source address for locally originated packets (so
// that they fall inside our traffic selectors), when we have one.
Result<void> add_route(int ifindex, const Prefix& destination, const std::optional<ike::Address>& src);
Result<void> delete_route(int ifindex, const Prefix& destination);
// The addresses configured on this host's interfaces (getifaddrs).
std::vector<ike::Address> local_addresses();

}  // namespace tern::io::netlink

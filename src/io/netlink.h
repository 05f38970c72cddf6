// The few rtnetlink requests the data plane needs: bring the TUN device up
// with its MTU, add/remove routes for remote traffic selectors through it
// (in the main table, or for transport mode in tern's own table), and the
// policy rule that sends everything but ternd's own marked sockets to that
// table (io/transport_routing.h). Synchronous request/acknowledge on a NETLINK_ROUTE socket per call
// (rare: at SA install and removal, never per packet).
//
// How it fails: an Error with the kernel's errno text and what was asked
// ("cannot add route 203.0.113.0/24 table 29797 dev tern0: File exists").
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

inline constexpr uint32_t kMainTable = 254;  // RT_TABLE_MAIN

// A route through a device: its destination and the routing table it is in.
struct Route {
  Prefix destination;
  uint32_t table = kMainTable;
  std::string to_string() const;  // "203.0.113.0/24", "198.51.100.2/32 table 29797"
  friend bool operator==(const Route&, const Route&) = default;
};

// The policy rule "not fwmark MARK lookup TABLE" at PRIORITY for one family:
// every packet whose mark is not MARK is looked up in TABLE first (and falls
// through to the next rules when TABLE has no route for it).
struct NotFwmarkRule {
  ike::AddressFamily family = ike::AddressFamily::ipv4;
  uint32_t mark = 0;
  uint32_t table = 0;
  uint32_t priority = 0;
  std::string to_string() const;  // "IPv4 rule 29797: not fwmark 0x7465 lookup 29797"
};

Result<void> set_link_up(int ifindex, uint32_t mtu);
// `src`: the preferred source address for locally originated packets (so
// that they fall inside our traffic selectors), when we have one.
Result<void> add_route(int ifindex, const Route& route, const std::optional<ike::Address>& src);
Result<void> delete_route(int ifindex, const Route& route);
// Adding a rule that is already there (left by an earlier run) succeeds.
Result<void> add_rule(const NotFwmarkRule& rule);
Result<void> delete_rule(const NotFwmarkRule& rule);
// The addresses configured on this host's interfaces (getifaddrs).
std::vector<ike::Address> local_addresses();

}  // namespace tern::io::netlink

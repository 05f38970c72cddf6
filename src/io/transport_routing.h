// The numbers of ternd's policy routing for transport-mode CHILD_SAs (the
// wg-quick technique; docs/esp.md "Transport mode").
//
// In transport mode the traffic selectors are the two hosts' own addresses,
// so the route that sends traffic for the peer into the TUN device would also
// catch ternd's own IKE (UDP 500/4500) and ESP datagrams to that peer — a
// loop. So:
//   - ternd's own sockets (IKE/NAT-T UDP, raw ESP) carry SO_MARK kSocketMark
//     (udp_socket.cc, esp_socket.cc; setting it needs CAP_NET_ADMIN, as the
//     routes do);
//   - transport-mode routes go into table kTransportTable, not main;
//   - while such a route exists, the rule "not fwmark kSocketMark lookup
//     kTransportTable" at priority kTransportRulePriority (before main,
//     32766) sends every other packet through that table first; a
//     destination it has no route for falls through to the next rules.
// `ip rule` / `ip route show table 29797` show them.
//
// Who uses it: the sockets (the mark) and the daemon's data plane (table,
// rule). Constants only; nothing here fails.
#pragma once

#include <cstdint>

namespace tern::io {

inline constexpr uint32_t kSocketMark = 0x7465;             // "te"
inline constexpr uint32_t kTransportTable = 0x7465;         // 29797
inline constexpr uint32_t kTransportRulePriority = 0x7465;  // 29797, before main (32766)

}  // namespace tern::io

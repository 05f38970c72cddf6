// Traffic selectors (address ranges, RFC 7296 §3.13.1) as the IP prefixes a
// routing table understands: the fewest prefixes that cover a range exactly
// (10.0.0.0-10.0.0.255 is one /24; 10.0.0.1-10.0.0.6 needs four). Pure
// functions; used by the data plane for its routes. Nothing here fails:
// a selector of an unknown type yields no prefix.
#pragma once

#include <optional>
#include <vector>

#include "ike/address.h"
#include "io/netlink.h"
#include "wire/ts_payload.h"

namespace tern::daemon {

std::vector<io::netlink::Prefix> prefixes_of(const wire::TrafficSelector& ts);
// Whether `address` lies inside the range of `ts` (ports and protocol ignored).
bool covers(const wire::TrafficSelector& ts, const ike::Address& address);
// The first of `candidates` inside any of `selectors`, if one is.
std::optional<ike::Address> address_inside(const std::vector<wire::TrafficSelector>& selectors,
                                           const std::vector<ike::Address>& candidates);

}  // namespace tern::daemon

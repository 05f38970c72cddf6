#include "daemon/ts_routes.h"

#include <algorithm>

namespace tern::daemon {
namespace {

__extension__ typedef unsigned __int128 u128;

u128 to_number(ByteView octets) {
  u128 n = 0;
  for (uint8_t b : octets) n = (n << 8) | b;
  return n;
}

ike::Address to_address(u128 n, size_t size) {
  ike::Address a;
  a.family = size == 4 ? ike::AddressFamily::ipv4 : ike::AddressFamily::ipv6;
  for (size_t i = size; i-- > 0;) {
    a.ip[i] = static_cast<uint8_t>(n & 0xff);
    n >>= 8;
  }
  return a;
}

}  // namespace

std::vector<io::netlink::Prefix> prefixes_of(const wire::TrafficSelector& ts) {
  std::vector<io::netlink::Prefix> out;
  const size_t size = ts.start_address.size();
  if ((size != 4 && size != 16) || ts.end_address.size() != size) return out;
  const unsigned bits = static_cast<unsigned>(size * 8);
  u128 start = to_number(ts.start_address);
  const u128 end = to_number(ts.end_address);
  if (start > end) return out;
  for (;;) {
    // The largest block that starts at `start` (aligned) and ends at or before `end`.
    unsigned host_bits = 0;
    while (host_bits < bits) {
      const unsigned next = host_bits + 1;
      const u128 mask = next == 128 ? ~u128{0} : (u128{1} << next) - 1;  // the block's host part
      if ((start & mask) != 0 || mask > end - start) break;
      host_bits = next;
    }
    out.push_back({to_address(start, size), static_cast<uint8_t>(bits - host_bits)});
    const u128 last = host_bits == 128 ? ~u128{0} : start + ((u128{1} << host_bits) - 1);
    if (last >= end) break;
    start = last + 1;
  }
  return out;
}

bool covers(const wire::TrafficSelector& ts, const ike::Address& address) {
  const ByteView ip = address.ip_bytes();
  if (ts.start_address.size() != ip.size() || ts.end_address.size() != ip.size()) return false;
  return !std::lexicographical_compare(ip.begin(), ip.end(), ts.start_address.begin(),
                                       ts.start_address.end()) &&
         !std::lexicographical_compare(ts.end_address.begin(), ts.end_address.end(), ip.begin(), ip.end());
}

std::optional<ike::Address> address_inside(const std::vector<wire::TrafficSelector>& selectors,
                                           const std::vector<ike::Address>& candidates) {
  for (const ike::Address& candidate : candidates) {
    for (const wire::TrafficSelector& ts : selectors) {
      if (covers(ts, candidate)) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace tern::daemon

// MOBIKE address notifies (see mobike_addresses.h).
#include "ike/mobike_addresses.h"

#include <algorithm>

#include "ike/ike_sa.h"
#include "ike/nat_detection.h"

namespace tern::ike {
namespace {

using wire::NotifyType;

void put_address(Bytes& out, const Address& a) {
  append(out, a.ip_bytes());
}

void put_port(Bytes& out, uint16_t port) {
  out.push_back(static_cast<uint8_t>(port >> 8));
  out.push_back(static_cast<uint8_t>(port));
}

}  // namespace

bool usable_for_ike(const Address& a) {
  if (std::all_of(a.ip.begin(), a.ip.end(), [](uint8_t b) { return b == 0; })) return false;
  if (a.family == AddressFamily::ipv4) return a.ip[0] != 127 && !(a.ip[0] == 169 && a.ip[1] == 254);
  const bool loopback =
      std::all_of(a.ip.begin(), a.ip.end() - 1, [](uint8_t b) { return b == 0; }) && a.ip[15] == 1;
  const bool link_local = a.ip[0] == 0xfe && (a.ip[1] & 0xc0) == 0x80;
  return !loopback && !link_local;
}

void add_additional_addresses(IkeMessage& msg, const Address& current, const std::vector<Address>* ours) {
  size_t added = 0;
  if (ours != nullptr) {
    for (const Address& a : *ours) {
      if (added == kMaxAdditionalAddresses) break;
      if (a.same_ip(current) || !usable_for_ike(a)) continue;
      Bytes data;
      put_address(data, a);
      msg.add_notify(a.family == AddressFamily::ipv4 ? NotifyType::ADDITIONAL_IP4_ADDRESS
                                                     : NotifyType::ADDITIONAL_IP6_ADDRESS,
                     std::move(data));
      ++added;
    }
  }
  if (added == 0) msg.add_notify(NotifyType::NO_ADDITIONAL_ADDRESSES);
}

std::optional<std::vector<Address>> read_additional_addresses(const IkeMessage& msg) {
  bool seen = false;
  std::vector<Address> out;
  for (const wire::Payload& p : msg.payloads) {
    const auto* n = std::get_if<wire::NotifyPayload>(&p.body);
    if (n == nullptr) continue;
    if (n->type == NotifyType::NO_ADDITIONAL_ADDRESSES) {
      seen = true;
    } else if (n->type == NotifyType::ADDITIONAL_IP4_ADDRESS ||
               n->type == NotifyType::ADDITIONAL_IP6_ADDRESS) {
      seen = true;
      const bool v4 = n->type == NotifyType::ADDITIONAL_IP4_ADDRESS;
      if (n->data.size() != (v4 ? 4u : 16u) || out.size() == kMaxAdditionalAddresses) continue;
      Address a;
      a.family = v4 ? AddressFamily::ipv4 : AddressFamily::ipv6;
      std::copy(n->data.begin(), n->data.end(), a.ip.begin());
      if (usable_for_ike(a)) out.push_back(a);
    }
  }
  if (!seen) return std::nullopt;
  return out;
}

Bytes no_nats_allowed_data(const Address& source, const Address& destination) {
  Bytes data;
  put_address(data, source);
  put_address(data, destination);
  put_port(data, source.port);
  put_port(data, destination.port);
  return data;
}

bool no_nats_allowed_matches(ByteView data, const Address& source, const Address& destination) {
  if (source.family != destination.family) return false;
  return equal(data, no_nats_allowed_data(source, destination));
}

NatCheck check_nat_detection(const IkeMessage& msg, uint64_t spi_i, uint64_t spi_r, const Address& source,
                             const Address& destination) {
  NatCheck check;
  check.present = msg.find_notify(NotifyType::NAT_DETECTION_SOURCE_IP) != nullptr &&
                  msg.find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP) != nullptr;
  if (!check.present) return check;
  check.source_natted = !any_nat_hash_matches(msg, NotifyType::NAT_DETECTION_SOURCE_IP,
                                              nat_detection_hash(spi_i, spi_r, source));
  check.destination_natted = !any_nat_hash_matches(msg, NotifyType::NAT_DETECTION_DESTINATION_IP,
                                                   nat_detection_hash(spi_i, spi_r, destination));
  return check;
}

namespace {

bool inside(const wire::TrafficSelector& ts, const Address& a) {
  const ByteView ip = a.ip_bytes();
  if (ts.start_address.size() != ip.size() || ts.end_address.size() != ip.size()) return false;
  return !std::lexicographical_compare(ip.begin(), ip.end(), ts.start_address.begin(),
                                       ts.start_address.end()) &&
         !std::lexicographical_compare(ts.end_address.begin(), ts.end_address.end(), ip.begin(), ip.end());
}

}  // namespace

bool inner_address(const IkeSa& sa, const Address& address) {
  return std::any_of(sa.children.begin(), sa.children.end(), [&](const ChildSa& child) {
    return std::any_of(child.local_ts.begin(), child.local_ts.end(),
                       [&](const wire::TrafficSelector& ts) { return inside(ts, address); });
  });
}

std::vector<std::pair<Address, Address>> mobike_paths(const IkeSa& sa, const std::vector<Address>* ours) {
  std::vector<Address> locals{sa.local};
  if (ours != nullptr) {
    for (const Address& a : *ours) {
      if (a.family == sa.local.family && usable_for_ike(a) && !inner_address(sa, a) && !a.same_ip(sa.local))
        locals.push_back(a.with_port(sa.local.port));
    }
  }
  std::vector<Address> remotes{sa.remote};
  for (const Address& a : sa.rare().peer_additional_addresses) {
    if (a.family == sa.remote.family && !a.same_ip(sa.remote)) remotes.push_back(a.with_port(sa.remote.port));
  }
  std::vector<std::pair<Address, Address>> paths;
  for (const Address& local : locals) {
    for (const Address& remote : remotes) paths.emplace_back(local, remote);
  }
  return paths;
}

}  // namespace tern::ike

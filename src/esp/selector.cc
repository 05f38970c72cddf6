// See selector.h.
#include "esp/selector.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "wire/ts_payload.h"

namespace tern::esp {
namespace {

size_t address_size(ike::AddressFamily f) {
  return f == ike::AddressFamily::ipv4 ? 4 : 16;
}

bool is_full_range(uint16_t start, uint16_t end) {
  return start == 0 && end == 65535;
}
bool is_opaque(uint16_t start, uint16_t end) {
  return start == wire::kOpaqueStartPort && end == wire::kOpaqueEndPort;
}

}  // namespace

Result<Selector> Selector::compile(const wire::TrafficSelector& ts) {
  Selector s;
  size_t n = 0;
  switch (ts.type) {
    case wire::TsType::TS_IPV4_ADDR_RANGE: s.family = ike::AddressFamily::ipv4, n = 4; break;
    case wire::TsType::TS_IPV6_ADDR_RANGE: s.family = ike::AddressFamily::ipv6, n = 16; break;
    default:
      return fail(Errc::invalid_syntax,
                  fmt::format("traffic selector: TS Type {}", static_cast<unsigned>(ts.type)));
  }
  if (ts.start_address.size() != n || ts.end_address.size() != n)
    return fail(Errc::invalid_syntax, fmt::format("traffic selector: {}-octet addresses in a {}-octet range",
                                                  ts.start_address.size(), n));
  std::copy_n(ts.start_address.begin(), n, s.start.begin());
  std::copy_n(ts.end_address.begin(), n, s.end.begin());
  if (std::memcmp(s.start.data(), s.end.data(), n) > 0)
    return fail(Errc::invalid_syntax, "traffic selector: start address above end address");
  if (ts.start_port > ts.end_port && !is_opaque(ts.start_port, ts.end_port))
    return fail(Errc::invalid_syntax, "traffic selector: start port above end port");
  s.protocol = ts.ip_protocol;
  s.start_port = ts.start_port;
  s.end_port = ts.end_port;
  return s;
}

bool Selector::matches(const PacketSelector& packet, const std::array<uint8_t, 16>& address,
                       uint16_t port) const {
  if (packet.family != family) return false;
  if (protocol != 0 && protocol != packet.protocol) return false;
  const size_t n = address_size(family);
  if (std::memcmp(address.data(), start.data(), n) < 0 || std::memcmp(address.data(), end.data(), n) > 0)
    return false;
  if (is_full_range(start_port, end_port)) return true;
  if (is_opaque(start_port, end_port)) return !packet.has_ports;
  return packet.has_ports && port >= start_port && port <= end_port;
}

uint8_t Selector::prefix_length() const {
  const size_t n = address_size(family);
  unsigned bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t diff = start[i] ^ end[i];
    if (diff != 0) return static_cast<uint8_t>(bits + static_cast<unsigned>(std::countl_zero(diff)));
    bits += 8;
  }
  return static_cast<uint8_t>(bits);
}

uint32_t Selector::port_count() const {
  if (is_opaque(start_port, end_port)) return 65536;
  return uint32_t{end_port} - start_port + 1;
}

wire::TrafficSelector Selector::to_wire() const {
  wire::TrafficSelector ts;
  const size_t n = address_size(family);
  ts.type = family == ike::AddressFamily::ipv4 ? wire::TsType::TS_IPV4_ADDR_RANGE
                                               : wire::TsType::TS_IPV6_ADDR_RANGE;
  ts.ip_protocol = protocol;
  ts.start_port = start_port;
  ts.end_port = end_port;
  ts.start_address.assign(start.begin(), start.begin() + static_cast<std::ptrdiff_t>(n));
  ts.end_address.assign(end.begin(), end.begin() + static_cast<std::ptrdiff_t>(n));
  return ts;
}

std::string Selector::to_string() const {
  return to_wire().to_string();
}

std::vector<wire::TrafficSelector> to_wire(std::span<const Selector> list) {
  std::vector<wire::TrafficSelector> out;
  out.reserve(list.size());
  for (const Selector& s : list) out.push_back(s.to_wire());
  return out;
}

bool any_matches_source(std::span<const Selector> list, const PacketSelector& packet) {
  return std::any_of(list.begin(), list.end(), [&](const Selector& s) { return s.matches_source(packet); });
}
bool any_matches_destination(std::span<const Selector> list, const PacketSelector& packet) {
  return std::any_of(list.begin(), list.end(),
                     [&](const Selector& s) { return s.matches_destination(packet); });
}

}  // namespace tern::esp

// See ts_text.h.
#include "control/ts_text.h"

#include <fmt/format.h>

#include <optional>

namespace tern::control {
namespace {

// The prefix length when [start, end] is exactly one prefix: every bit before
// it equal, start all zeros and end all ones after it.
std::optional<unsigned> prefix_length(ByteView start, ByteView end) {
  if (start.size() != end.size() || start.empty()) return std::nullopt;
  const size_t bits = start.size() * 8;
  auto bit = [](ByteView a, size_t i) { return (a[i / 8] >> (7 - i % 8)) & 1; };
  size_t n = 0;
  while (n < bits && bit(start, n) == bit(end, n)) ++n;
  for (size_t i = n; i < bits; ++i)
    if (bit(start, i) != 0 || bit(end, i) != 1) return std::nullopt;
  return static_cast<unsigned>(n);
}

std::string ports_text(const wire::TrafficSelector& ts) {
  if (ts.start_port == wire::kOpaqueStartPort && ts.end_port == wire::kOpaqueEndPort) return "OPAQUE";
  if (ts.start_port == ts.end_port) return fmt::format("{}", ts.start_port);
  return fmt::format("{}-{}", ts.start_port, ts.end_port);
}

}  // namespace

std::string ip_protocol_text(uint8_t ip_protocol) {
  switch (ip_protocol) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 47: return "gre";
    case 50: return "esp";
    case 58: return "ipv6-icmp";
    case 132: return "sctp";
    default: return fmt::format("{}", ip_protocol);
  }
}

std::string ts_text(const wire::TrafficSelector& ts) {
  std::string out;
  if (std::optional<unsigned> prefix = prefix_length(ts.start_address, ts.end_address)) {
    out = fmt::format("{}/{}", wire::ip_address_to_string(ts.start_address), *prefix);
  } else {
    out = wire::ip_address_to_string(ts.start_address) + "-" + wire::ip_address_to_string(ts.end_address);
  }
  const bool any_port = ts.start_port == 0 && ts.end_port == 65535;
  if (ts.ip_protocol == 0 && any_port) return out;
  out += "[" + (ts.ip_protocol == 0 ? std::string("any") : ip_protocol_text(ts.ip_protocol));
  if (!any_port) out += "/" + ports_text(ts);
  return out + "]";
}

}  // namespace tern::control

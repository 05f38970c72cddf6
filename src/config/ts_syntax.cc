// Traffic selector text -> wire::TrafficSelector (see ts_syntax.h).
#include "config/ts_syntax.h"

#include <fmt/format.h>

#include <charconv>

#include "config/ip_syntax.h"

namespace tern::config {
namespace {

using Failure = Unexpected<std::string>;

constexpr std::string_view kForms = "e.g. 10.1.0.0/24, 2001:db8::/64, 192.0.2.7 or 10.1.0.10-10.1.0.20";
constexpr std::string_view kProtocols = "tcp, udp, icmp, icmpv6, sctp or a number 0..255";

std::optional<unsigned> number(std::string_view text, unsigned max) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > max)
    return std::nullopt;
  return value;
}

wire::TrafficSelector range(const ike::Address& start, const ike::Address& end) {
  wire::TrafficSelector ts;
  ts.type = start.family == ike::AddressFamily::ipv4 ? wire::TsType::TS_IPV4_ADDR_RANGE
                                                     : wire::TsType::TS_IPV6_ADDR_RANGE;
  ByteView s = start.ip_bytes();
  ByteView e = end.ip_bytes();
  ts.start_address.assign(s.begin(), s.end());
  ts.end_address.assign(e.begin(), e.end());
  return ts;
}

Expected<wire::TrafficSelector, std::string> addresses(std::string_view text) {
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto start = parse_ip(text.substr(0, dash));
    auto end = parse_ip(text.substr(dash + 1));
    if (!start || !end) return Failure(fmt::format("'{}' is not an address range ({})", text, kForms));
    if (start->family != end->family) return Failure(fmt::format("range '{}' mixes IPv4 and IPv6", text));
    if (end->ip < start->ip) return Failure(fmt::format("range '{}' ends before it starts", text));
    return range(*start, *end);
  }
  std::string_view ip_text = text;
  std::optional<unsigned> prefix;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) ip_text = text.substr(0, slash);
  auto ip = parse_ip(ip_text);
  if (!ip) return Failure(fmt::format("'{}' is not an IP address, subnet or range ({})", text, kForms));
  const unsigned bits = ip->family == ike::AddressFamily::ipv4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    std::string_view prefix_text = text.substr(slash + 1);
    prefix = number(prefix_text, 999);
    if (!prefix) return Failure(fmt::format("'{}': '{}' is not a prefix length", text, prefix_text));
    if (*prefix > bits) {
      return Failure(fmt::format("'{}': prefix length {} is longer than {} bits of an {} address", text,
                                 *prefix, bits, bits == 32 ? "IPv4" : "IPv6"));
    }
  }
  ike::Address start = *ip;
  ike::Address end = *ip;
  const unsigned p = prefix.value_or(bits);
  for (unsigned bit = p; bit < bits; ++bit) {
    auto mask = static_cast<uint8_t>(0x80u >> (bit % 8));
    start.ip[bit / 8] = static_cast<uint8_t>(start.ip[bit / 8] & ~mask);
    end.ip[bit / 8] = static_cast<uint8_t>(end.ip[bit / 8] | mask);
  }
  if (start.ip != ip->ip) {
    return Failure(fmt::format("'{}' has host bits set; the subnet is {}/{}", text, ip_to_string(start), p));
  }
  return range(start, end);
}

Expected<uint8_t, std::string> protocol(std::string_view text, std::string_view written) {
  struct Name {
    std::string_view name;
    uint8_t number;
  };
  static constexpr Name kNames[] = {{"tcp", 6},     {"udp", 17},   {"icmp", 1},
                                    {"icmpv6", 58}, {"sctp", 132}, {"%any", 0}};
  for (const Name& n : kNames) {
    if (n.name == text) return n.number;
  }
  if (auto n = number(text, 255)) return static_cast<uint8_t>(*n);
  return Failure(fmt::format("'{}': unknown protocol '{}' ({})", written, text, kProtocols));
}

// "[proto]" or "[proto/port]" or "[proto/lo-hi]" into `ts`.
Expected<wire::TrafficSelector, std::string> with_protocol(wire::TrafficSelector ts, std::string_view inside,
                                                           std::string_view written) {
  size_t slash = inside.find('/');
  auto proto = protocol(inside.substr(0, slash), written);
  if (!proto) return Failure(proto.error());
  ts.ip_protocol = *proto;
  if (slash == std::string_view::npos) return ts;
  std::string_view ports = inside.substr(slash + 1);
  if (ts.ip_protocol == 0)
    return Failure(fmt::format("'{}': a port needs a protocol ({})", written, kProtocols));
  size_t dash = ports.find('-');
  auto lo = number(ports.substr(0, dash), 65535);
  auto hi = dash == std::string_view::npos ? lo : number(ports.substr(dash + 1), 65535);
  if (!lo || !hi)
    return Failure(fmt::format("'{}': '{}' is not a port or port range 0..65535", written, ports));
  if (*lo > *hi) return Failure(fmt::format("'{}': port range {} ends before it starts", written, ports));
  ts.start_port = static_cast<uint16_t>(*lo);
  ts.end_port = static_cast<uint16_t>(*hi);
  return ts;
}

}  // namespace

Expected<wire::TrafficSelector, std::string> parse_traffic_selector(std::string_view text) {
  std::string_view addr = text;
  std::string_view inside;
  bool has_protocol = false;
  if (size_t open = text.find('['); open != std::string_view::npos) {
    if (!text.ends_with(']'))
      return Failure(
          fmt::format("'{}': protocol/port must be written as [proto] or [proto/port] at the end", text));
    addr = text.substr(0, open);
    inside = text.substr(open + 1, text.size() - open - 2);
    has_protocol = true;
  }
  auto ts = addresses(addr);
  if (!ts) return ts;
  if (!has_protocol) return ts;
  return with_protocol(std::move(*ts), inside, text);
}

wire::TrafficSelector host_selector(const ike::Address& address) {
  return range(address, address);
}

}  // namespace tern::config

// See ip_packet.h. Bounds first, then meaning; every read is checked against
// the length the header claims, which is itself checked against the buffer.
#include "esp/ip_packet.h"

#include <fmt/format.h>

#include <algorithm>

#include "esp/esp_packet.h"
#include "esp/ip_protocol.h"

namespace tern::esp {
namespace {

// Fills the ports of `sel` from the transport header at `at` (of a packet of
// `length` octets), for an initial fragment.
Result<void> read_ports(ByteView packet, size_t at, size_t length, PacketSelector& sel) {
  const char* what = nullptr;
  size_t need = 0;
  switch (sel.protocol) {
    case kIpProtoTcp: what = "TCP", need = 4; break;
    case kIpProtoUdp: what = "UDP", need = 4; break;
    case kIpProtoSctp: what = "SCTP", need = 4; break;
    case kIpProtoIcmp: what = "ICMP", need = 2; break;
    case kIpProtoIcmpv6: what = "ICMPv6", need = 2; break;
    default: return {};  // no ports
  }
  if (length - at < need)
    return fail(Errc::truncated, fmt::format("inner packet: {} header needs {} octets for its ports, {} left",
                                             what, need, length - at));
  sel.has_ports = true;
  if (need == 2) {  // Type << 8 | Code (RFC 7296 §3.13.1)
    sel.src_port = sel.dst_port = load_be16(&packet[at]);
  } else {
    sel.src_port = load_be16(&packet[at]);
    sel.dst_port = load_be16(&packet[at + 2]);
  }
  return {};
}

Result<IpPacket> read_ipv4(ByteView p) {
  if (p.size() < kIpv4HeaderSize)
    return fail(Errc::truncated, fmt::format("inner IPv4 packet: header needs {} octets, {} given",
                                             kIpv4HeaderSize, p.size()));
  const size_t header_length = size_t{p[0] & 0x0fu} * 4;
  if (header_length < kIpv4HeaderSize)
    return fail(Errc::bad_length, fmt::format("inner IPv4 packet: IHL {} is below 5", header_length / 4));
  const size_t total = load_be16(&p[2]);
  if (total < header_length)
    return fail(Errc::bad_length,
                fmt::format("inner IPv4 packet: Total Length {} is below the header length {}", total,
                            header_length));
  if (total > p.size())
    return fail(Errc::truncated,
                fmt::format("inner IPv4 packet: Total Length {}, {} octets given", total, p.size()));
  IpPacket out;
  out.total_length = total;
  PacketSelector& sel = out.selector;
  sel.family = ike::AddressFamily::ipv4;
  sel.protocol = p[9];
  std::copy_n(&p[12], 4, sel.src.begin());
  std::copy_n(&p[16], 4, sel.dst.begin());
  const bool initial_fragment = (load_be16(&p[6]) & 0x1fffu) == 0;
  if (initial_fragment) {
    Result<void> ports = read_ports(p, header_length, total, sel);
    if (!ports) return fail(ports.error());
  }
  return out;
}

Result<IpPacket> read_ipv6(ByteView p) {
  if (p.size() < kIpv6HeaderSize)
    return fail(Errc::truncated, fmt::format("inner IPv6 packet: header needs {} octets, {} given",
                                             kIpv6HeaderSize, p.size()));
  const size_t total = kIpv6HeaderSize + load_be16(&p[4]);
  if (total > p.size())
    return fail(Errc::truncated,
                fmt::format("inner IPv6 packet: 40 + Payload Length = {}, {} octets given", total, p.size()));
  IpPacket out;
  out.total_length = total;
  PacketSelector& sel = out.selector;
  sel.family = ike::AddressFamily::ipv6;
  std::copy_n(&p[8], 16, sel.src.begin());
  std::copy_n(&p[24], 16, sel.dst.begin());

  // Walk the extension headers; each is at least 8 octets, so this ends.
  uint8_t next = p[6];
  size_t at = kIpv6HeaderSize;
  bool initial_fragment = true;
  while (initial_fragment && (next == kIpProtoHopByHop || next == kIpProtoIpv6Route ||
                              next == kIpProtoIpv6Opts || next == kIpProtoIpv6Frag || next == kIpProtoAh)) {
    if (total - at < 8)
      return fail(Errc::truncated, fmt::format("inner IPv6 packet: extension header {} at offset {} needs 8 "
                                               "octets, {} left",
                                               next, at, total - at));
    size_t length = 0;
    if (next == kIpProtoIpv6Frag) {
      length = 8;
      initial_fragment = (load_be16(&p[at + 2]) >> 3) == 0;
    } else if (next == kIpProtoAh) {
      length = (size_t{p[at + 1]} + 2) * 4;  // RFC 4302 §2.2: in 32-bit words, minus 2
    } else {
      length = (size_t{p[at + 1]} + 1) * 8;  // RFC 8200 §4.3: in 8-octet units, not counting the first
    }
    if (total - at < length)
      return fail(Errc::truncated, fmt::format("inner IPv6 packet: extension header {} at offset {} is {} "
                                               "octets, {} left",
                                               next, at, length, total - at));
    next = p[at];
    at += length;
  }
  sel.protocol = next;
  if (initial_fragment) {
    Result<void> ports = read_ports(p, at, total, sel);
    if (!ports) return fail(ports.error());
  }
  return out;
}

}  // namespace

Result<IpPacket> read_ip_packet(ByteView packet) {
  if (packet.empty()) return fail(Errc::truncated, "inner packet: empty");
  switch (packet[0] >> 4) {
    case 4: return read_ipv4(packet);
    case 6: return read_ipv6(packet);
    default: return fail(Errc::bad_version, fmt::format("inner packet: IP version {}", packet[0] >> 4));
  }
}

}  // namespace tern::esp

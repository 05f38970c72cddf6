// See transport_packet.h: cutting the IP header off outbound transport-mode
// packets and writing one in front of inbound payloads.
#include "esp/transport_packet.h"

#include <fmt/format.h>

#include <cstring>

#include "esp/esp_packet.h"
#include "esp/ip_packet.h"
#include "esp/ip_protocol.h"

namespace tern::esp {
namespace {

constexpr uint8_t kHopLimit = 64;  // IPv4 TTL / IPv6 Hop Limit of a rebuilt packet

void store_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// The ones' complement sum of n octets (RFC 1071) added to `acc`, not folded.
uint64_t sum(const uint8_t* p, size_t n, uint64_t acc) {
  for (; n >= 2; p += 2, n -= 2) acc += load_be16(p);
  if (n == 1) acc += uint64_t{p[0]} << 8;
  return acc;
}

uint16_t fold(uint64_t acc) {
  while ((acc >> 16) != 0) acc = (acc & 0xffffu) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}

Result<TransportSplit> split_ipv4(ByteView p) {
  if (p.size() < kIpv4HeaderSize)
    return fail(Errc::truncated,
                fmt::format("transport: IPv4 header needs {} octets, {} given", kIpv4HeaderSize, p.size()));
  const size_t header_length = size_t{p[0] & 0x0fu} * 4;
  if (header_length < kIpv4HeaderSize)
    return fail(Errc::bad_length, fmt::format("transport: IPv4 IHL {} is below 5", header_length / 4));
  const size_t total = load_be16(&p[2]);
  if (total < header_length)
    return fail(Errc::bad_length, fmt::format("transport: IPv4 Total Length {} is below the header length {}",
                                              total, header_length));
  if (total > p.size())
    return fail(Errc::truncated,
                fmt::format("transport: IPv4 Total Length {}, {} octets given", total, p.size()));
  const uint16_t fragment = load_be16(&p[6]);
  if ((fragment & 0x3fffu) != 0)  // MF or a Fragment Offset
    return fail(Errc::unsupported, "transport: an IPv4 fragment (transport mode carries whole datagrams)");
  return TransportSplit{p.subspan(header_length, total - header_length), p[9]};
}

Result<TransportSplit> split_ipv6(ByteView p) {
  if (p.size() < kIpv6HeaderSize)
    return fail(Errc::truncated,
                fmt::format("transport: IPv6 header needs {} octets, {} given", kIpv6HeaderSize, p.size()));
  const size_t total = kIpv6HeaderSize + load_be16(&p[4]);
  if (total > p.size())
    return fail(Errc::truncated,
                fmt::format("transport: IPv6 40 + Payload Length = {}, {} octets given", total, p.size()));
  const uint8_t next_header = p[6];
  switch (next_header) {
    case kIpProtoHopByHop:
    case kIpProtoIpv6Route:
    case kIpProtoIpv6Frag:
    case kIpProtoIpv6Opts:
      return fail(Errc::unsupported,
                  fmt::format("transport: IPv6 extension header {} is not carried", next_header));
    default: break;
  }
  return TransportSplit{p.subspan(kIpv6HeaderSize, total - kIpv6HeaderSize), next_header};
}

// Where the checksum of `protocol` sits in its header, and the header's
// minimum length; 0 for protocols whose checksum has no pseudo-header.
struct ChecksumField {
  size_t offset = 0;
  size_t header = 0;
  const char* name = "";
};

ChecksumField checksum_field(uint8_t protocol, ike::AddressFamily family) {
  switch (protocol) {
    case kIpProtoTcp: return {16, 20, "TCP"};
    case kIpProtoUdp: return {6, 8, "UDP"};
    case kIpProtoIcmpv6:
      if (family == ike::AddressFamily::ipv6) return {2, 4, "ICMPv6"};
      return {};
    default: return {};
  }
}

// Recomputes the upper-layer checksum of `l4` (already in place after the
// header) over the pseudo-header of RFC 768/793 (IPv4) or RFC 8200 §8.1.
Result<void> recompute_l4_checksum(const TransportHeader& h, MutableByteView l4) {
  const ChecksumField field = checksum_field(h.next_header, h.source.family);
  if (field.header == 0) return {};
  if (l4.size() < field.header)
    return fail(Errc::truncated, fmt::format("transport: {} header needs {} octets, {} given", field.name,
                                             field.header, l4.size()));
  const ByteView src = h.source.ip_bytes();
  const ByteView dst = h.destination.ip_bytes();
  uint64_t acc = sum(src.data(), src.size(), 0);
  acc = sum(dst.data(), dst.size(), acc);
  acc += h.next_header;
  acc += l4.size();  // IPv4: 16-bit length; IPv6: 32-bit length (both sum alike)
  l4[field.offset] = 0;
  l4[field.offset + 1] = 0;
  acc = sum(l4.data(), l4.size(), acc);
  uint16_t checksum = static_cast<uint16_t>(~fold(acc));
  if (checksum == 0 && h.next_header == kIpProtoUdp) checksum = 0xffff;  // 0 means "none" (RFC 768)
  store_be16(&l4[field.offset], checksum);
  return {};
}

}  // namespace

Result<TransportSplit> split_transport_packet(ByteView packet) {
  if (packet.empty()) return fail(Errc::truncated, "transport: empty packet");
  switch (packet[0] >> 4) {
    case 4: return split_ipv4(packet);
    case 6: return split_ipv6(packet);
    default: return fail(Errc::bad_version, fmt::format("transport: IP version {}", packet[0] >> 4));
  }
}

size_t transport_header_size(ike::AddressFamily family) {
  return family == ike::AddressFamily::ipv4 ? kIpv4HeaderSize : kIpv6HeaderSize;
}

Result<ByteView> build_transport_packet(const TransportHeader& h, ByteView payload, MutableByteView out) {
  const ike::AddressFamily family = h.source.family;
  if (h.destination.family != family)
    return fail(Errc::bad_version, "transport: source and destination of different address families");
  const bool v4 = family == ike::AddressFamily::ipv4;
  const size_t header = transport_header_size(family);
  const size_t length_limit = v4 ? 65535 - header : 65535;  // Total Length / Payload Length
  if (payload.size() > length_limit)
    return fail(Errc::too_many, fmt::format("transport: {} octets of payload exceed the IPv{} length field",
                                            payload.size(), v4 ? 4 : 6));
  if (out.size() < header + payload.size())
    return fail(Errc::bad_length, fmt::format("transport: a packet of {} octets does not fit in {}",
                                              header + payload.size(), out.size()));
  std::memmove(out.data() + header, payload.data(), payload.size());
  uint8_t* ip = out.data();
  std::memset(ip, 0, header);
  if (v4) {
    ip[0] = 0x45;
    store_be16(&ip[2], static_cast<uint16_t>(header + payload.size()));
    ip[6] = 0x40;  // DF; ID 0 (RFC 6864 §4.1: an atomic datagram)
    ip[8] = kHopLimit;
    ip[9] = h.next_header;
    std::memcpy(&ip[12], h.source.ip.data(), 4);
    std::memcpy(&ip[16], h.destination.ip.data(), 4);
    store_be16(&ip[10], static_cast<uint16_t>(~fold(sum(ip, header, 0))));
  } else {
    ip[0] = 0x60;
    store_be16(&ip[4], static_cast<uint16_t>(payload.size()));
    ip[6] = h.next_header;
    ip[7] = kHopLimit;
    std::memcpy(&ip[8], h.source.ip.data(), 16);
    std::memcpy(&ip[24], h.destination.ip.data(), 16);
  }
  if (h.l4_checksum == L4Checksum::recompute) {
    Result<void> fixed = recompute_l4_checksum(h, out.subspan(header, payload.size()));
    if (!fixed) return fail(fixed.error());
  }
  return ByteView(out.data(), header + payload.size());
}

}  // namespace tern::esp

// Reading what policy needs from an inner IP packet: the version, source and
// destination addresses, the transport protocol and its ports (RFC 4301
// §4.4.1.1 selectors), and the length the header claims.
//
// Who calls it: InboundSa::decap (tunnel mode: the decrypted inner packet
// must be a sane IP packet whose addresses fit the CHILD_SA's selectors) and
// io/ for every packet read from the TUN device before SaTable::lookup_outbound.
//
// Ports: TCP, UDP and SCTP carry source and destination ports in their first
// four octets. ICMP and ICMPv6 have no ports; RFC 7296 §3.13.1 treats Type and
// Code as one 16-bit port (Type in the high octet), and both src_port and
// dst_port carry that value, so a selector restricting ICMP on either side can
// match. Non-initial fragments (IPv4 Fragment Offset != 0, IPv6 Fragment
// header with a non-zero offset) and other protocols have no ports
// (has_ports == false): they match only selectors with the full port range or
// the OPAQUE one (RFC 4301 §4.4.1). IPv6 extension headers (Hop-by-Hop,
// Routing, Destination Options, Fragment, AH) are walked to find the protocol.
//
// How it fails: bounds first, meaning second, never reading past `packet`.
// Errc::truncated when the packet is shorter than its fixed header, its
// length field, an extension header or the ports of an initial fragment;
// Errc::bad_length when IHL < 5 or Total Length is below the header length;
// Errc::bad_version when the version nibble is neither 4 nor 6.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"

namespace tern::esp {

inline constexpr size_t kIpv4HeaderSize = 20;  // without options
inline constexpr size_t kIpv6HeaderSize = 40;

// The selector fields of one packet (RFC 4301 §4.4.1.1).
struct PacketSelector {
  ike::AddressFamily family = ike::AddressFamily::ipv4;
  std::array<uint8_t, 16> src{};  // IPv4 uses the first 4 octets; the rest stay zero
  std::array<uint8_t, 16> dst{};
  uint8_t protocol = 0;  // IPv4 Protocol / the IPv6 Next Header after the extension headers
  bool has_ports = false;
  uint16_t src_port = 0;  // ICMP/ICMPv6: Type << 8 | Code
  uint16_t dst_port = 0;

  size_t address_size() const { return family == ike::AddressFamily::ipv4 ? 4 : 16; }
};

struct IpPacket {
  PacketSelector selector;
  // Octets the header says the packet occupies: IPv4 Total Length, IPv6
  // 40 + Payload Length. Never more than the bytes given; anything after it
  // is not part of the packet (ESP TFC padding, RFC 4303 §2.7).
  size_t total_length = 0;
};

Result<IpPacket> read_ip_packet(ByteView packet);

}  // namespace tern::esp

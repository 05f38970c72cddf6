// A traffic selector (RFC 7296 §3.13.1, wire::TrafficSelector) compiled for
// matching packets on the data path: fixed-size addresses, no allocation.
//
// Who calls it: EspSaParams (esp_sa.cc) compiles the CHILD_SA's local_ts and
// remote_ts once at install; InboundSa::decap checks the inner source against
// remote_ts and destination against local_ts; SaTable ranks outbound policies
// by specificity.
//
// Port rule (RFC 4301 §4.4.1): the full range 0-65535 matches every packet;
// OPAQUE (start 65535, end 0) matches only packets whose ports are not
// available (non-initial fragments, protocols without ports); any other range
// matches only packets with ports inside it.
//
// How it fails: compile() returns Errc::invalid_syntax for an address that is
// not 4 octets (TS_IPV4_ADDR_RANGE) or 16 (TS_IPV6_ADDR_RANGE), or for
// start > end (the wire parser already refuses both; a hand-built selector may not).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "esp/ip_packet.h"
#include "ike/address.h"
#include "wire/ts_payload.h"

namespace tern::esp {

struct Selector {
  ike::AddressFamily family = ike::AddressFamily::ipv4;
  std::array<uint8_t, 16> start{};
  std::array<uint8_t, 16> end{};
  uint8_t protocol = 0;  // 0: any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;

  static Result<Selector> compile(const wire::TrafficSelector& ts);

  // Whether a packet's address (source or destination, as the caller picks),
  // protocol and port on that side fall inside this selector.
  bool matches(const PacketSelector& packet, const std::array<uint8_t, 16>& address, uint16_t port) const;
  bool matches_source(const PacketSelector& p) const { return matches(p, p.src, p.src_port); }
  bool matches_destination(const PacketSelector& p) const { return matches(p, p.dst, p.dst_port); }

  // Leading bits shared by start and end: the prefix length of a CIDR range
  // (10.1.0.0-10.1.0.255 -> 24); for other ranges, of the smallest prefix
  // containing it. Larger is more specific.
  uint8_t prefix_length() const;
  // 65536 for the full range and OPAQUE; smaller is more specific.
  uint32_t port_count() const;

  // Back to the wire form it was compiled from.
  wire::TrafficSelector to_wire() const;
  std::string to_string() const;
  friend bool operator==(const Selector&, const Selector&) = default;
};

// Whether any selector in `list` matches (src or dst side, as above).
bool any_matches_source(std::span<const Selector> list, const PacketSelector& packet);
bool any_matches_destination(std::span<const Selector> list, const PacketSelector& packet);
std::vector<wire::TrafficSelector> to_wire(std::span<const Selector> list);

}  // namespace tern::esp

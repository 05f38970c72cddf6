// Traffic Selector payload, TSi and TSr (RFC 7296 §3.13, §3.13.1).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for payload
// types TSi and TSr; the ike/ child_* tasks narrow the selectors and esp/
// installs them. parse() checks bounds first (Errc::truncated when the Number
// of TSs or a Selector Length runs past the body, Errc::bad_length when bytes
// are left over or a Selector Length does not fit its type), then meaning
// (Errc::invalid_syntax: an unknown TS Type, start address above end address,
// start port above end port). Every error is answered with INVALID_SYNTAX.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Number of TSs |                 RESERVED                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                       <Traffic Selectors>                     ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Each Traffic Selector (§3.13.1); Selector Length counts the whole selector,
// 16 octets for TS_IPV4_ADDR_RANGE and 40 for TS_IPV6_ADDR_RANGE:
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   TS Type     |IP Protocol ID*|       Selector Length         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Start Port*         |           End Port*           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                         Starting Address*                     ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   ~                         Ending Address*                       ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"
#include "wire/ts_address.h"

namespace tern::wire {

// Start Port 65535 with End Port 0: the OPAQUE port selector of RFC 4301
// §4.4.1 (ports not available, e.g. non-initial fragments). Allowed on receipt.
inline constexpr uint16_t kOpaqueStartPort = 65535;
inline constexpr uint16_t kOpaqueEndPort = 0;

struct TrafficSelector {
  TsType type = TsType::TS_IPV4_ADDR_RANGE;
  uint8_t ip_protocol = 0;  // 0: any protocol
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  TsAddress start_address;  // 4 octets (IPv4) or 16 (IPv6), network order, inline
  TsAddress end_address;

  static TrafficSelector ipv4_range(const std::array<uint8_t, 4>& start, const std::array<uint8_t, 4>& end,
                                    uint8_t ip_protocol = 0, uint16_t start_port = 0,
                                    uint16_t end_port = 65535);
  static TrafficSelector ipv6_range(const std::array<uint8_t, 16>& start, const std::array<uint8_t, 16>& end,
                                    uint8_t ip_protocol = 0, uint16_t start_port = 0,
                                    uint16_t end_port = 65535);

  // "10.1.0.0-10.1.0.255 proto 0 ports 0-65535"
  std::string to_string() const;

  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

struct TsPayload {
  std::vector<TrafficSelector> selectors;  // 1..255

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<TsPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  // More than 255 selectors, or an address of the wrong size, is our own bug.
  void build(ByteWriter& w) const;

  friend bool operator==(const TsPayload&, const TsPayload&) = default;
};

// Text form of a 4-octet (dotted quad) or 16-octet (RFC 5952: lower-case hex,
// the longest run of two or more zero groups as "::") address; any other size
// prints as hex. Shared with IdPayload::to_string.
std::string ip_address_to_string(ByteView address);

}  // namespace tern::wire

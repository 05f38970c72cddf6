// IANA "Assigned Internet Protocol Numbers" that the ESP data plane looks at:
// the Next Header of an ESP trailer (RFC 4303 §2.6), the IPv4 Protocol and
// IPv6 Next Header fields, and the IP Protocol ID of a traffic selector (0:
// any). wire/iana.h has no registry for them, so they live here as named
// constants. Nothing here fails.
#pragma once

#include <cstdint>

namespace tern::esp {

inline constexpr uint8_t kIpProtoAny = 0;       // traffic selector: any protocol
inline constexpr uint8_t kIpProtoHopByHop = 0;  // IPv6 Hop-by-Hop Options header
inline constexpr uint8_t kIpProtoIcmp = 1;
inline constexpr uint8_t kIpProtoIpv4 = 4;  // IPv4 in IP: tunnel-mode Next Header for an IPv4 packet
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoIpv6 = 41;  // tunnel-mode Next Header for an IPv6 packet
inline constexpr uint8_t kIpProtoIpv6Route = 43;
inline constexpr uint8_t kIpProtoIpv6Frag = 44;
inline constexpr uint8_t kIpProtoEsp = 50;
inline constexpr uint8_t kIpProtoAh = 51;
inline constexpr uint8_t kIpProtoIcmpv6 = 58;
inline constexpr uint8_t kIpProtoNoNext = 59;    // "No Next Header": an ESP dummy packet (RFC 4303 §2.6)
inline constexpr uint8_t kIpProtoIpv6Opts = 60;  // IPv6 Destination Options header
inline constexpr uint8_t kIpProtoSctp = 132;

}  // namespace tern::esp

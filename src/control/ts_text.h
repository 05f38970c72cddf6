// Traffic selectors as a network engineer writes them (list-sas, status):
//
//   10.1.0.0/24            a range that is a prefix, any protocol, any port
//   10.1.0.5-10.1.0.9      a range that is not a prefix
//   10.1.0.0/24[tcp]       one protocol, any port
//   10.1.0.0/24[udp/500]   one protocol, one port ("1024-65535" for a range,
//                          "OPAQUE" for RFC 4301's opaque ports 65535-0)
//   2001:db8::/32[any/80]  ports without a protocol (legal on the wire)
//
// Called by sa_json.cc. Nothing here fails: a selector whose two addresses
// differ in size (never made by wire/, which checks) prints as "a-b".
#pragma once

#include <cstdint>
#include <string>

#include "wire/ts_payload.h"

namespace tern::control {

std::string ts_text(const wire::TrafficSelector& ts);
// "tcp", "udp", "icmp", "ipv6-icmp", "sctp", "gre", "esp"; others as the number.
std::string ip_protocol_text(uint8_t ip_protocol);

}  // namespace tern::control

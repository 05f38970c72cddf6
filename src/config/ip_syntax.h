// IP address literals as an operator writes them: "192.0.2.1", "2001:db8::1",
// "::ffff:192.0.2.1". No names, no zone ids, no ports (inet_pton lives in
// io/; config/ parses the text itself).
//
// Who calls it: daemon_section (listen), connection_section (local_addrs /
// remote_addrs), identity_syntax (ID_IPV4_ADDR / ID_IPV6_ADDR) and
// ts_syntax. Fails with nullopt; callers say what was expected.
#pragma once

#include <optional>
#include <string_view>

#include "ike/address.h"

namespace tern::config {

// The address with port 0.
std::optional<ike::Address> parse_ip(std::string_view text);
std::optional<ike::Address> parse_ipv4(std::string_view text);
std::optional<ike::Address> parse_ipv6(std::string_view text);

// "192.0.2.1", "2001:db8::1" (RFC 5952).
std::string ip_to_string(const ike::Address& address);

}  // namespace tern::config

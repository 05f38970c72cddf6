// IKE identities (RFC 7296 §3.5) as written in `id` and in [[secret]] ids:
//
//   "a@example.org"          ID_RFC822_ADDR (contains '@')
//   "vpn.example.org"        ID_FQDN (letters, digits, '-', '_', '.')
//   "@vpn.example.org"       ID_FQDN, strongSwan's explicit form
//   "192.0.2.1", "2001:db8::1"  ID_IPV4_ADDR / ID_IPV6_ADDR
//   "fqdn:...", "email:..." / "rfc822:...", "keyid:0x0a1b" (hex) / "keyid:text"
//   "%any"                   matches any identity (remote ids and secrets only)
//   "C=CH, O=org, CN=name"   ID_DER_ASN1_DN (contains '='; crypto/distinguished_name.h)
//
// Who calls it: peer_section (local / remote id) and secrets ([[secret]]
// ids). Fails with a message saying what is allowed.
#pragma once

#include <string>
#include <string_view>

#include "base/expected.h"
#include "ike/connection_config.h"

namespace tern::config {

enum class AnyIdentity : uint8_t { refused, allowed };

Expected<ike::Identity, std::string> parse_identity(std::string_view text, AnyIdentity any);

// The canonical text identities compare by: "rfc822:a@example.org", "%any".
inline std::string canonical(const ike::Identity& id) {
  return id.to_string();
}

}  // namespace tern::config

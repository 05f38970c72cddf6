// Identity text -> ike::Identity (see identity_syntax.h).
#include "config/identity_syntax.h"

#include <fmt/format.h>

#include "base/bytes.h"
#include "config/ip_syntax.h"
#include "crypto/distinguished_name.h"

namespace tern::config {
namespace {

using Failure = Unexpected<std::string>;

constexpr std::string_view kForms =
    "an FQDN, an email address, an IP address, a DN (\"C=CH, O=org, CN=name\"), or fqdn: / email: / keyid: "
    "followed by the value";

// RFC 1035 host names, loosely (underscores are common in practice):
// dot-separated labels of letters, digits, '-' and '_', at most 253 characters.
Expected<ike::Identity, std::string> fqdn(std::string_view name, std::string_view written) {
  if (name.empty()) return Failure(fmt::format("empty FQDN in identity '{}'", written));
  if (name.size() > 253) return Failure(fmt::format("FQDN '{}' is longer than 253 characters", name));
  size_t label = 0;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (c == '.') {
      if (label == 0) return Failure(fmt::format("FQDN '{}' has an empty label", name));
      label = 0;
      continue;
    }
    if (!ok) {
      return Failure(fmt::format(
          "identity '{}' has the character '{}', not allowed in an FQDN (letters, digits, '-', '_', '.'); "
          "identities are {}",
          written, c, kForms));
    }
    if (++label > 63) return Failure(fmt::format("FQDN '{}' has a label longer than 63 characters", name));
  }
  return ike::Identity::fqdn(name);
}

Expected<ike::Identity, std::string> email(std::string_view address, std::string_view written) {
  size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return Failure(
        fmt::format("'{}' is not an email address (one '@' between a name and a domain)", written));
  }
  for (char c : address) {
    if (c <= ' ' || c > '~')
      return Failure(fmt::format("email identity '{}' contains a space or non-ASCII character", written));
  }
  return ike::Identity::rfc822(address);
}

Expected<ike::Identity, std::string> key_id(std::string_view value, std::string_view written) {
  if (value.starts_with("0x") || value.starts_with("0X")) {
    auto bytes = from_hex(value.substr(2));
    if (!bytes || bytes->empty())
      return Failure(fmt::format("'{}': keyid:0x needs an even number of hex digits", written));
    return ike::Identity::key_id(*bytes);
  }
  if (value.empty())
    return Failure(fmt::format("'{}': keyid: needs a value (text or 0x followed by hex)", written));
  return ike::Identity::key_id(as_bytes(value));
}

}  // namespace

Expected<ike::Identity, std::string> parse_identity(std::string_view text, AnyIdentity any) {
  if (text.empty()) return Failure(fmt::format("empty identity (identities are {})", kForms));
  if (text == "%any") {
    if (any == AnyIdentity::refused)
      return Failure(
          "%any matches any peer and cannot be our own identity; write an FQDN, email or IP address");
    return ike::Identity::match_any();
  }
  if (text.starts_with("fqdn:")) return fqdn(text.substr(5), text);
  if (text.starts_with("email:")) return email(text.substr(6), text);
  if (text.starts_with("rfc822:")) return email(text.substr(7), text);
  if (text.starts_with("keyid:")) return key_id(text.substr(6), text);
  if (text.find('=') != std::string_view::npos) {
    auto der = crypto::dn_from_text(text);
    if (!der) return Failure(der.error().detail);
    return ike::Identity::dn(*der);
  }
  if (auto ip = parse_ip(text)) {
    if (ip->family == ike::AddressFamily::ipv4) {
      return ike::Identity::ipv4({ip->ip[0], ip->ip[1], ip->ip[2], ip->ip[3]});
    }
    return ike::Identity::ipv6(ip->ip);
  }
  if (text.find_first_not_of("0123456789.") == std::string_view::npos)
    return Failure(fmt::format("'{}' is not a valid IPv4 address", text));
  if (text.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos &&
      text.find(':') != std::string_view::npos)
    return Failure(fmt::format("'{}' is not a valid IPv6 address", text));
  // strongSwan's "@name": an FQDN, never resolved or read as an address.
  if (text.starts_with('@') && text.find('@', 1) == std::string_view::npos) return fqdn(text.substr(1), text);
  if (text.find('@') != std::string_view::npos) return email(text, text);
  return fqdn(text, text);
}

}  // namespace tern::config

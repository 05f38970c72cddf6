// [connection.local] / [connection.remote] -> auth method and identity (see peer_section.h).
#include "config/peer_section.h"

#include <fmt/format.h>

#include "config/identity_syntax.h"

namespace tern::config {
namespace {

constexpr std::string_view kPeerKeys[] = {"auth", "id"};
constexpr std::string_view kPubkeyOnly =
    "belongs to auth = \"pubkey\", which is not supported yet (supported: psk)";
constexpr Reserved kPeerReserved[] = {
    {"cert", kPubkeyOnly},
    {"certs", kPubkeyOnly},
    {"key", kPubkeyOnly},
    {"pubkeys", kPubkeyOnly},
    {"cacerts", kPubkeyOnly},
    {"crls", kPubkeyOnly},
    {"eap_id", "belongs to EAP authentication, which is not supported yet (supported: psk)"},
};

bool known_later(std::string_view method) {
  return method == "pubkey" || method.starts_with("eap") || method.starts_with("xauth") || method == "rsa" ||
         method == "ecdsa" || method == "bliss";
}

}  // namespace

ike::Identity address_identity(const ike::Address& address) {
  if (address.family == ike::AddressFamily::ipv4)
    return ike::Identity::ipv4({address.ip[0], address.ip[1], address.ip[2], address.ip[3]});
  return ike::Identity::ipv6(address.ip);
}

PeerSettings read_peer(TableReader& connection, Side side, const std::optional<ike::Address>& address) {
  const std::string_view name = side == Side::local ? "local" : "remote";
  PeerSettings out;
  const toml::table* table = connection.table(name);
  if (table == nullptr) {
    if (!connection.has(name)) {
      connection.missing(name,
                         fmt::format("a [connection.{}] table with auth = \"psk\" and an optional id", name));
    }
    return out;
  }
  TableReader r{*table, connection.key(name), connection.header_of(name), TableKind::table,
                connection.problems()};
  r.allow_only(kPeerKeys, kPeerReserved);

  if (auto auth = r.string("auth")) {
    if (*auth == "psk") {
      out.psk = true;
    } else if (known_later(*auth)) {
      r.error("auth", fmt::format("auth = {} is not supported yet (supported: psk)", *auth));
    } else {
      r.error("auth",
              fmt::format("unknown auth method '{}' (supported: psk; pubkey and eap-* arrive later)", *auth));
    }
  } else if (!r.has("auth")) {
    r.missing("auth", "supported: psk");
  }

  if (auto id = r.string("id")) {
    auto parsed = parse_identity(*id, side == Side::remote ? AnyIdentity::allowed : AnyIdentity::refused);
    if (parsed) {
      out.id = std::move(*parsed);
    } else {
      r.error("id", parsed.error());
    }
  } else if (!r.has("id") && address) {
    out.id = address_identity(*address);
  }
  return out;
}

}  // namespace tern::config

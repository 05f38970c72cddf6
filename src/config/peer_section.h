// [connection.local] and [connection.remote]: how each side authenticates
// (auth = "psk"; pubkey and EAP arrive later) and its identity (id; by
// default the side's IP address, ID_IPV4_ADDR / ID_IPV6_ADDR).
//
// Who calls it: connection_section, once per side. Problems go to the
// connection's reader.
#pragma once

#include <optional>

#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

enum class Side : uint8_t { local, remote };

struct PeerSettings {
  bool psk = false;                 // auth = "psk" was read
  std::optional<ike::Identity> id;  // the id written, or the default; nullopt when it was wrong
};

// `address`: the side's IKE address (for the default id), nullopt when it was wrong.
PeerSettings read_peer(TableReader& connection, Side side, const std::optional<ike::Address>& address);

// The identity an address stands for (ID_IPV4_ADDR / ID_IPV6_ADDR).
ike::Identity address_identity(const ike::Address& address);

}  // namespace tern::config

// Shared by key_exchange.cc and the group implementations (ke_modp.cc,
// ke_ecp.cc, ke_montgomery.cc); not for use outside crypto/.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "crypto/key_exchange.h"

namespace tern::crypto::ke {

// An unacceptable peer Key Exchange Data: Errc::invalid_ke, answered with
// INVALID_SYNTAX. "ECP_256 KE data: point is not on the curve"
Unexpected<Error> invalid_peer_value(wire::KeGroup group, std::string what);

// The length check every group does first.
Result<void> check_peer_length(wire::KeGroup group, ByteView peer_public, size_t expected);

// nullopt if the group is not one of this file's.
std::optional<size_t> modp_public_value_size(wire::KeGroup group);
std::optional<size_t> ecp_public_value_size(wire::KeGroup group);
std::optional<size_t> montgomery_public_value_size(wire::KeGroup group);

// Only called for groups whose *_public_value_size is set.
std::unique_ptr<KeyExchange> create_modp(wire::KeGroup group, Random& random);
std::unique_ptr<KeyExchange> create_ecp(wire::KeGroup group, Random& random);
std::unique_ptr<KeyExchange> create_montgomery(wire::KeGroup group, Random& random);

}  // namespace tern::crypto::ke

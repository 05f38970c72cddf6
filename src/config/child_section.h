// [[connection.child]]: the CHILD_SAs of a connection, each with its name,
// traffic selectors, ESP proposals, mode and lifetimes (lifetimes.h). The
// first is made in IKE_AUTH, each further one with its own CREATE_CHILD_SA
// (RFC 7296 §1.3.1). A connection needs at least one child; names must be
// unique within the connection ("a second child named 'net' in connection
// 'site-b'", at the second name).
//
// Who calls it: connection_section. Problems go to the connection's reader.
#pragma once

#include <optional>

#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

// Fills out.children (name, esp_proposals, local_ts, remote_ts, mode, limits).
// `local` / `remote`: the IKE addresses (default selectors), nullopt when wrong.
void read_child(TableReader& connection, const std::optional<ike::Address>& local,
                const std::optional<ike::Address>& remote, ike::ConnectionConfig& out);

// [A-Za-z0-9._-]{1,64}: connection and child names (they appear in
// `ternctl up CONN/CHILD`). nullopt when valid, else the complaint.
std::optional<std::string> check_name(std::string_view name, std::string_view what);

}  // namespace tern::config

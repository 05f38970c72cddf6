// [[connection.child]]: the CHILD_SA a connection makes in IKE_AUTH: its
// name, traffic selectors, ESP proposals, mode and lifetimes (volume limits
// acted on, time-based ones only acknowledged: lifetimes.h).
//
// This build makes exactly one CHILD_SA per IKE SA (more arrive with
// CREATE_CHILD_SA), so a connection needs exactly one child; none or
// several is a Problem.
//
// Who calls it: connection_section. Problems go to the connection's reader.
#pragma once

#include <optional>

#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

// Fills out.child_name, esp_proposals, local_ts, remote_ts, mode and child_limits.
// `local` / `remote`: the IKE addresses (default selectors), nullopt when wrong.
void read_child(TableReader& connection, const std::optional<ike::Address>& local,
                const std::optional<ike::Address>& remote, ike::ConnectionConfig& out);

// [A-Za-z0-9._-]{1,64}: connection and child names (they appear in
// `ternctl up CONN/CHILD`). nullopt when valid, else the complaint.
std::optional<std::string> check_name(std::string_view name, std::string_view what);

}  // namespace tern::config

// A connection's fingerprint: equal strings <=> equal settings, including
// the resolved PSK. It is the hex SHA-256 of a canonical serialization of
// every ConnectionConfig field and the start action, followed by the PSK's
// length and octets, so the secret itself is never kept (or compared) in
// clear. Whitespace, comments and key order in the file do not change it;
// a different PSK, address, proposal, ... does.
//
// Who calls it: load.cc after the PSK is resolved; ternd's reload compares
// fingerprints to decide which connections changed. Cannot fail.
#pragma once

#include <string>

#include "config/config.h"
#include "ike/connection_config.h"

namespace tern::config {

// `files_digest`: the digest of the files auth = "pubkey" read (peer_section.h); empty otherwise.
std::string fingerprint(const ike::ConnectionConfig& engine, StartAction start_action,
                        std::string_view files_digest = {});

}  // namespace tern::config

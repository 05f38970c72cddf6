// [[connection]]: one IKE SA configuration (addresses, proposals, DPD,
// encapsulation, start action, window) with its [connection.local],
// [connection.remote] and [[connection.child]].
//
// Who calls it: load.cc, once per [[connection]]. Everything but the PSK is
// read here; load.cc then checks names across connections and resolves each
// connection's PSK from the [[secret]]s (secrets.h). Problems go to
// `problems`; the result holds whatever could be read.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

struct ParsedConnection {
  ike::ConnectionConfig engine;  // psk still empty
  StartAction start_action = StartAction::none;
  std::string path;  // "connection[0]"
  Where at;          // the [[connection]] header
  std::optional<std::string> name;
  Where name_at;
  // A side said auth = "psk" and both identities are known: a [[secret]] must match.
  bool needs_psk = false;
  // auth = "pubkey": what was loaded (ConnectionSettings) and the digest of the files read.
  std::vector<LoadedCertificate> certificates;
  std::vector<std::string> crl_files;
  std::string files_digest;
};

ParsedConnection read_connection(const toml::table& table, size_t index, const DaemonSettings& daemon,
                                 Problems& problems);

}  // namespace tern::config

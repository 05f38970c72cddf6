// [daemon]: where ternd listens, its control socket, retransmission
// defaults, key log and log level (docs/config.md lists every key).
//
// Who calls it: load.cc, once per file. Problems go to `problems`; the
// settings returned keep the defaults for every key that was absent or wrong.
#pragma once

#include "config/config.h"
#include "config/toml_reader.h"

namespace tern::config {

// `daemon`: the [daemon] table, or nullptr when the file has none.
DaemonSettings read_daemon(const toml::table* daemon, Problems& problems);

}  // namespace tern::config

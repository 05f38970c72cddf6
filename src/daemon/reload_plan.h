// What a reload changes (SIGHUP, `ternctl reload`): the new file's connections
// compared with the running ones by name and fingerprint. An unchanged
// connection keeps its running ConnectionConfig object — the Endpoint then
// keeps its IKE SAs (ike::Endpoint::reload) — while changed and removed ones
// lose theirs. Daemon-wide settings that need new sockets are not applied
// while running; the plan names them so the operator is told to restart.
// Pure function of two Configs; nothing here fails.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"

namespace tern::daemon {

struct ReloadPlan {
  config::Config next;  // the new config, with unchanged connections' engine pointers reused
  std::vector<std::string> added, changed, removed, unchanged;
  std::vector<std::string> needs_restart;  // daemon keys that differ: "listen", "ike_port", ...
};

ReloadPlan plan_reload(const config::Config& running, config::Config next);

}  // namespace tern::daemon

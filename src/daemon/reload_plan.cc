#include "daemon/reload_plan.h"

namespace tern::daemon {

ReloadPlan plan_reload(const config::Config& running, config::Config next) {
  ReloadPlan plan;
  auto find = [](const config::Config& c, const std::string& name) -> const config::ConnectionSettings* {
    for (const auto& s : c.connections) {
      if (s.engine->name == name) return &s;
    }
    return nullptr;
  };
  for (config::ConnectionSettings& s : next.connections) {
    const config::ConnectionSettings* old = find(running, s.engine->name);
    if (old == nullptr) {
      plan.added.push_back(s.engine->name);
    } else if (old->fingerprint == s.fingerprint) {
      s.engine = old->engine;  // the same object: its IKE SAs stay
      plan.unchanged.push_back(s.engine->name);
    } else {
      plan.changed.push_back(s.engine->name);
    }
  }
  for (const config::ConnectionSettings& s : running.connections) {
    if (find(next, s.engine->name) == nullptr) plan.removed.push_back(s.engine->name);
  }
  const config::DaemonSettings& a = running.daemon;
  const config::DaemonSettings& b = next.daemon;
  if (a.listen != b.listen) plan.needs_restart.push_back("listen");
  if (a.ike_port != b.ike_port) plan.needs_restart.push_back("ike_port");
  if (a.natt_port != b.natt_port) plan.needs_restart.push_back("natt_port");
  if (a.fragment_size != b.fragment_size) plan.needs_restart.push_back("fragment_size");
  if (a.cookie_threshold != b.cookie_threshold) plan.needs_restart.push_back("cookie_threshold");
  if (a.cookie_threshold_ip != b.cookie_threshold_ip) plan.needs_restart.push_back("cookie_threshold_ip");
  if (a.workers != b.workers) plan.needs_restart.push_back("workers");
  if (a.data_plane != b.data_plane) plan.needs_restart.push_back("data_plane");
  if (a.control_socket != b.control_socket) plan.needs_restart.push_back("control_socket");
  plan.next = std::move(next);
  return plan;
}

}  // namespace tern::daemon

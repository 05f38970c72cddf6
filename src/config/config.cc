// Problem::to_string, StartAction names and Config::endpoint_config (see config.h).
#include "config/config.h"

#include <fmt/format.h>

namespace tern::config {

std::string Problem::to_string() const {
  std::string out = file;
  if (line != 0) out += fmt::format(":{}", line);
  if (line != 0 && column != 0) out += fmt::format(":{}", column);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

std::string_view to_string(StartAction action) {
  switch (action) {
    case StartAction::none: return "none";
    case StartAction::start: return "start";
    case StartAction::trap: return "trap";
  }
  return "unknown";
}

std::string_view to_string(DataPlaneMode mode) {
  switch (mode) {
    case DataPlaneMode::tun: return "tun";
    case DataPlaneMode::none: return "none";
  }
  return "unknown";
}

std::string_view to_string(LoadedCertificate::Role role) {
  switch (role) {
    case LoadedCertificate::Role::local: return "local";
    case LoadedCertificate::Role::intermediate: return "intermediate";
    case LoadedCertificate::Role::ca: return "ca";
  }
  return "unknown";
}

ike::EndpointConfig Config::endpoint_config() const {
  ike::EndpointConfig out;
  out.natt_port = daemon.natt_port;
  out.nat_keepalive = daemon.keep_alive;
  out.fragment_size = daemon.fragment_size;
  out.cookie_threshold = daemon.cookie_threshold;
  out.cookie_threshold_ip = daemon.cookie_threshold_ip;
  out.keylog = daemon.keylog.has_value();
  out.connections.reserve(connections.size());
  for (const ConnectionSettings& c : connections) out.connections.push_back(c.engine);
  return out;
}

}  // namespace tern::config

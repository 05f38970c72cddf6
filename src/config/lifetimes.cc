// Lifetime keys: validated, then acknowledged with a warning (see lifetimes.h).
#include "config/lifetimes.h"

#include <fmt/format.h>

#include <limits>

namespace tern::config {
namespace {

std::string_view not_acted_on_because(std::string_view key) {
  if (key.starts_with("reauth") || key == "over_time") return "this build does not reauthenticate";
  if (key.starts_with("life")) return "this build does not expire SAs";
  return "this build does not rekey";
}

void acknowledge(TableReader& r, std::string_view key) {
  r.warn(key, fmt::format("{} is accepted but not acted on yet: {} (SAs live until deleted)", key,
                          not_acted_on_because(key)));
}

void read_lifetimes(TableReader& r, std::span<const std::string_view> keys) {
  std::optional<Duration> rekey_time;
  std::optional<Duration> life_time;
  for (std::string_view key : keys) {
    if (!r.has(key)) continue;
    bool valid = false;
    if (key.ends_with("_time")) {
      auto d = r.duration(key);
      valid = d.has_value();
      if (key == "rekey_time") rekey_time = d;
      if (key == "life_time") life_time = d;
    } else {
      valid = r.integer(key, 1, std::numeric_limits<int64_t>::max()).has_value();
    }
    if (valid) acknowledge(r, key);
  }
  if (rekey_time && life_time && *life_time <= *rekey_time) {
    r.error("life_time", fmt::format("life_time ({}) must be longer than rekey_time ({})",
                                     format_duration(*life_time), format_duration(*rekey_time)));
  }
}

}  // namespace

void read_ike_lifetimes(TableReader& connection) {
  read_lifetimes(connection, kIkeLifetimeKeys);
}

void read_child_lifetimes(TableReader& child) {
  read_lifetimes(child, kChildLifetimeKeys);
}

}  // namespace tern::config

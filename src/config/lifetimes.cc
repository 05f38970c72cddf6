// Lifetime keys: validated; volume limits returned, the rest acknowledged
// with a warning (see lifetimes.h).
#include "config/lifetimes.h"

#include <fmt/format.h>

#include <limits>
#include <optional>
#include <span>
#include <string>

namespace tern::config {
namespace {

// The warning for a key this build does not fully act on; nullopt: acted on.
std::optional<std::string> not_fully_acted_on(std::string_view key) {
  if (key == "life_bytes" || key == "life_packets") return std::nullopt;
  if (key == "rekey_bytes" || key == "rekey_packets") {
    return fmt::format(
        "{} is acted on only in part: reaching it is logged once, but this build does not rekey (the "
        "CHILD_SA "
        "is deleted at life_bytes, life_packets, or when its sequence numbers run out)",
        key);
  }
  std::string_view because = "this build does not rekey";
  if (key.starts_with("reauth") || key == "over_time") because = "this build does not reauthenticate";
  if (key.starts_with("life")) because = "this build does not expire SAs by time";
  return fmt::format("{} is accepted but not acted on yet: {} (SAs live until deleted)", key, because);
}

void check_order(TableReader& r, std::string_view rekey_key, uint64_t rekey, std::string_view life_key,
                 uint64_t life) {
  if (rekey == 0 || life == 0 || life > rekey) return;
  r.error(life_key, fmt::format("{} ({}) must be larger than {} ({})", life_key, life, rekey_key, rekey));
}

ike::ChildLimits read_lifetimes(TableReader& r, std::span<const std::string_view> keys) {
  std::optional<Duration> rekey_time;
  std::optional<Duration> life_time;
  ike::ChildLimits limits;
  for (std::string_view key : keys) {
    if (!r.has(key)) continue;
    bool valid = false;
    if (key.ends_with("_time")) {
      auto d = r.duration(key);
      valid = d.has_value();
      if (key == "rekey_time") rekey_time = d;
      if (key == "life_time") life_time = d;
    } else {
      std::optional<int64_t> n = r.integer(key, 1, std::numeric_limits<int64_t>::max());
      valid = n.has_value();
      const uint64_t value = n ? static_cast<uint64_t>(*n) : 0;
      if (key == "rekey_bytes") limits.rekey_bytes = value;
      if (key == "life_bytes") limits.life_bytes = value;
      if (key == "rekey_packets") limits.rekey_packets = value;
      if (key == "life_packets") limits.life_packets = value;
    }
    if (!valid) continue;
    if (std::optional<std::string> warning = not_fully_acted_on(key)) r.warn(key, *warning);
  }
  if (rekey_time && life_time && *life_time <= *rekey_time) {
    r.error("life_time", fmt::format("life_time ({}) must be longer than rekey_time ({})",
                                     format_duration(*life_time), format_duration(*rekey_time)));
  }
  check_order(r, "rekey_bytes", limits.rekey_bytes, "life_bytes", limits.life_bytes);
  check_order(r, "rekey_packets", limits.rekey_packets, "life_packets", limits.life_packets);
  return limits;
}

}  // namespace

void read_ike_lifetimes(TableReader& connection) {
  (void)read_lifetimes(connection, kIkeLifetimeKeys);
}

ike::ChildLimits read_child_lifetimes(TableReader& child) {
  return read_lifetimes(child, kChildLifetimeKeys);
}

}  // namespace tern::config

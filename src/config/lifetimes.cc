// Lifetime keys: validated; the child's rekey and volume limits returned, the rest acknowledged
// with a warning (see lifetimes.h).
#include "config/lifetimes.h"

#include <fmt/format.h>

#include <limits>
#include <optional>
#include <span>
#include <string>

namespace tern::config {
namespace {

enum class Section : uint8_t { ike, child };

// The warning for a key this build does not act on; nullopt: acted on.
std::optional<std::string> not_acted_on(Section section, std::string_view key) {
  if (key == "life_bytes" || key == "life_packets" || key == "rekey_bytes" || key == "rekey_packets")
    return std::nullopt;
  if (section == Section::child && (key == "rekey_time" || key == "rand_time")) return std::nullopt;
  std::string_view because = "this build does not rekey IKE SAs";
  if (key.starts_with("reauth") || key == "over_time") because = "this build does not reauthenticate";
  if (key.starts_with("life")) because = "this build does not expire SAs by time";
  return fmt::format("{} is accepted but not acted on yet: {} (SAs live until deleted)", key, because);
}

void check_order(TableReader& r, std::string_view rekey_key, uint64_t rekey, std::string_view life_key,
                 uint64_t life) {
  if (rekey == 0 || life == 0 || life > rekey) return;
  r.error(life_key, fmt::format("{} ({}) must be larger than {} ({})", life_key, life, rekey_key, rekey));
}

ike::ChildLimits read_lifetimes(TableReader& r, Section section, std::span<const std::string_view> keys) {
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
      if (section == Section::child && d && key == "rekey_time") limits.rekey_time = *d;
      if (section == Section::child && d && key == "rand_time") limits.rand_time = *d;
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
    if (std::optional<std::string> warning = not_acted_on(section, key)) r.warn(key, *warning);
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
  (void)read_lifetimes(connection, Section::ike, kIkeLifetimeKeys);
}

ike::ChildLimits read_child_lifetimes(TableReader& child) {
  return read_lifetimes(child, Section::child, kChildLifetimeKeys);
}

}  // namespace tern::config

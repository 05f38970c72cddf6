#include "base/time.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace tern {

std::optional<Duration> parse_duration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    int64_t us;
  };
  // Longest suffixes first so that "ms" is not read as "s".
  static constexpr Unit units[] = {{"ms", 1'000},        {"us", 1},
                                   {"s", 1'000'000},     {"m", 60'000'000},
                                   {"h", 3'600'000'000}, {"d", 86'400'000'000}};
  for (const Unit& unit : units) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    // from_chars also reads "nan" and "inf": only finite, non-negative numbers are durations.
    if (ec != std::errc{} || end != number.data() + number.size() || !std::isfinite(value) || value < 0)
      return std::nullopt;
    double us = value * static_cast<double>(unit.us);
    if (us > 9.0e18) return std::nullopt;
    return Duration{static_cast<int64_t>(us)};
  }
  return std::nullopt;
}

std::string format_duration(Duration d) {
  int64_t us = d.count();
  struct Unit {
    const char* suffix;
    int64_t us;
  };
  static constexpr Unit units[] = {
      {"d", 86'400'000'000}, {"h", 3'600'000'000}, {"m", 60'000'000}, {"s", 1'000'000}, {"ms", 1'000}};
  for (const Unit& unit : units) {
    if (us != 0 && us % unit.us == 0) return fmt::format("{}{}", us / unit.us, unit.suffix);
  }
  return fmt::format("{}us", us);
}

}  // namespace tern

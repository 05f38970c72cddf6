// "Did you mean ...?" for misspelt keys and keywords: the candidate closest
// to what was written, by edit distance (insertions, deletions,
// substitutions and swaps of two neighbouring characters each count 1).
//
// Who calls it: toml_reader (unknown keys) and proposal_keywords (unknown
// keywords). Cannot fail.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace tern::config {

// Optimal string alignment distance between a and b.
size_t edit_distance(std::string_view a, std::string_view b);

// The first candidate with the smallest distance to `written`, if that
// distance is at most `max_distance` (and smaller than `written` itself).
std::optional<std::string_view> closest(std::string_view written,
                                        std::span<const std::string_view> candidates,
                                        size_t max_distance = 2);

}  // namespace tern::config

// Edit distance and closest-candidate lookup (see suggest.h).
#include "config/suggest.h"

#include <algorithm>
#include <vector>

namespace tern::config {

size_t edit_distance(std::string_view a, std::string_view b) {
  // d[i][j]: distance between a[0..i) and b[0..j), one row per i.
  const size_t cols = b.size() + 1;
  std::vector<size_t> d((a.size() + 1) * cols);
  auto at = [&](size_t i, size_t j) -> size_t& { return d[i * cols + j]; };
  for (size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, at(i - 2, j - 2) + 1);
      at(i, j) = best;
    }
  }
  return at(a.size(), b.size());
}

std::optional<std::string_view> closest(std::string_view written,
                                        std::span<const std::string_view> candidates, size_t max_distance) {
  std::optional<std::string_view> best;
  size_t best_distance = max_distance + 1;
  for (std::string_view candidate : candidates) {
    size_t distance = edit_distance(written, candidate);
    // A suggestion must keep something of what was written: "ab" is not "cd".
    if (distance < best_distance && distance < written.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace tern::config

// Choosing a connection's child by traffic selectors (see child_select.h).
#include "ike/child_select.h"

#include <algorithm>
#include <bit>

#include "ike/ts_narrowing.h"

namespace tern::ike {

namespace {

// How wide a selector is, in bits that may vary: address bits below the
// first one where start and end differ, port bits likewise, 8 for any
// protocol. 0.0.0.0/0 all ports any protocol: 32 + 16 + 8.
unsigned free_bits(const wire::TrafficSelector& ts) {
  unsigned bits = 0;
  const size_t n = std::min(ts.start_address.size(), ts.end_address.size());
  for (size_t i = 0; i < n; ++i) {
    const auto diff = static_cast<uint8_t>(ts.start_address[i] ^ ts.end_address[i]);
    if (diff == 0) continue;
    bits = static_cast<unsigned>((n - i - 1) * 8) + static_cast<unsigned>(std::bit_width(diff));
    break;
  }
  bits += static_cast<unsigned>(std::bit_width(static_cast<unsigned>(ts.start_port ^ ts.end_port)));
  return bits + (ts.ip_protocol == 0 ? 8u : 0u);
}

unsigned widest(std::span<const wire::TrafficSelector> list) {
  unsigned most = 0;
  for (const auto& ts : list) most = std::max(most, free_bits(ts));
  return most;
}

}  // namespace

std::optional<ChildMatch> select_child_config(const ConnectionConfig& connection,
                                              std::span<const wire::TrafficSelector> tsi,
                                              std::span<const wire::TrafficSelector> tsr) {
  std::optional<ChildMatch> best;
  bool best_covers = false;
  unsigned best_width = 0;
  for (const ChildConfig& child : connection.children) {
    ChildMatch match{&child, narrow(tsi, child.remote_ts), narrow(tsr, child.local_ts)};
    if (match.tsi.empty() || match.tsr.empty()) continue;
    const bool covers = is_subset(tsi, child.remote_ts) && is_subset(tsr, child.local_ts);
    const unsigned width = widest(child.local_ts) + widest(child.remote_ts);
    const bool better = !best || (covers && !best_covers) || (covers == best_covers && width < best_width);
    if (!better) continue;
    best = std::move(match);
    best_covers = covers;
    best_width = width;
  }
  return best;
}

std::string selectors_text(std::span<const wire::TrafficSelector> list) {
  std::string out;
  for (const auto& ts : list) out += (out.empty() ? "" : ", ") + ts.to_string();
  return out;
}

}  // namespace tern::ike

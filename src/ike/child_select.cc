// Choosing a connection's child by traffic selectors (see child_select.h).
#include "ike/child_select.h"

#include "ike/ts_narrowing.h"

namespace tern::ike {

std::optional<ChildMatch> select_child_config(const ConnectionConfig& connection,
                                              std::span<const wire::TrafficSelector> tsi,
                                              std::span<const wire::TrafficSelector> tsr) {
  for (const ChildConfig& child : connection.children) {
    ChildMatch match{&child, narrow(tsi, child.remote_ts), narrow(tsr, child.local_ts)};
    if (!match.tsi.empty() && !match.tsr.empty()) return match;
  }
  return std::nullopt;
}

std::string selectors_text(std::span<const wire::TrafficSelector> list) {
  std::string out;
  for (const auto& ts : list) out += (out.empty() ? "" : ", ") + ts.to_string();
  return out;
}

}  // namespace tern::ike

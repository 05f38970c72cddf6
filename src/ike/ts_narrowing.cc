// Traffic selector intersection and subset checks (see ts_narrowing.h).
// Addresses are compared as big-endian octet strings of equal length.
#include "ike/ts_narrowing.h"

#include <algorithm>

namespace tern::ike {
namespace {

bool less(const wire::TsAddress& a, const wire::TsAddress& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

bool well_formed(const wire::TrafficSelector& ts) {
  return ts.start_address.size() == ts.end_address.size() && !less(ts.end_address, ts.start_address);
}

}  // namespace

std::optional<wire::TrafficSelector> intersect(const wire::TrafficSelector& a,
                                               const wire::TrafficSelector& b) {
  if (a.type != b.type || a.start_address.size() != b.start_address.size()) return std::nullopt;
  if (!well_formed(a) || !well_formed(b)) return std::nullopt;
  if (a.ip_protocol != 0 && b.ip_protocol != 0 && a.ip_protocol != b.ip_protocol) return std::nullopt;
  wire::TrafficSelector out;
  out.type = a.type;
  out.ip_protocol = a.ip_protocol != 0 ? a.ip_protocol : b.ip_protocol;
  // OPAQUE ports (65535-0) or other empty port ranges never overlap.
  out.start_port = std::max(a.start_port, b.start_port);
  out.end_port = std::min(a.end_port, b.end_port);
  if (out.start_port > out.end_port) return std::nullopt;
  out.start_address = less(a.start_address, b.start_address) ? b.start_address : a.start_address;
  out.end_address = less(a.end_address, b.end_address) ? a.end_address : b.end_address;
  if (less(out.end_address, out.start_address)) return std::nullopt;
  return out;
}

std::vector<wire::TrafficSelector> narrow(std::span<const wire::TrafficSelector> requested,
                                          std::span<const wire::TrafficSelector> allowed) {
  std::vector<wire::TrafficSelector> out;
  for (const wire::TrafficSelector& r : requested) {
    for (const wire::TrafficSelector& a : allowed) {
      std::optional<wire::TrafficSelector> both = intersect(r, a);
      if (both && std::find(out.begin(), out.end(), *both) == out.end()) out.push_back(std::move(*both));
    }
  }
  return out;
}

bool is_subset(std::span<const wire::TrafficSelector> answer, std::span<const wire::TrafficSelector> asked) {
  if (answer.empty()) return false;
  return std::all_of(answer.begin(), answer.end(), [&](const wire::TrafficSelector& ts) {
    return std::any_of(asked.begin(), asked.end(), [&](const wire::TrafficSelector& a) {
      std::optional<wire::TrafficSelector> both = intersect(ts, a);
      return both && *both == ts;
    });
  });
}

}  // namespace tern::ike

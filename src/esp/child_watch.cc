// ChildWatch (see child_watch.h).
#include "esp/child_watch.h"

#include <algorithm>
#include <optional>

namespace tern::esp {
namespace {

using Limit = ike::ChildLimitReached::Limit;
using Cause = ike::ChildLimitReached::Cause;

bool reached(uint64_t limit, uint64_t in, uint64_t out) {
  return limit != 0 && std::max(in, out) >= limit;
}

// The first limit of one kind the sample has reached, or nullopt.
std::optional<Cause> reached_cause(const ChildSample& s, bool seq, uint64_t bytes, uint64_t packets) {
  if (seq) return Cause::sequence_numbers;
  if (reached(bytes, s.bytes_in, s.bytes_out)) return Cause::bytes;
  if (reached(packets, s.packets_in, s.packets_out)) return Cause::packets;
  return std::nullopt;
}

}  // namespace

ChildSample sample(const InboundSa& inbound, const OutboundSa& outbound) {
  const InboundCounters& in = inbound.counters();
  const OutboundCounters& out = outbound.counters();
  return ChildSample{
      in.packets,   in.bytes, out.packets, out.bytes, outbound.needs_rekey(), outbound.seq_exhausted(),
      inbound.spi()};
}

ChildWatch::ChildWatch(const ike::ChildLimits& limits) {
  if (limits.rekey_bytes != 0 || limits.life_bytes != 0 || limits.rekey_packets != 0 ||
      limits.life_packets != 0)
    limits_ = std::make_unique<const VolumeLimits>(
        VolumeLimits{limits.rekey_bytes, limits.life_bytes, limits.rekey_packets, limits.life_packets});
}

void ChildWatch::poll(const ChildSample& now, std::vector<ike::DataplaneEvent>& out) {
  static constexpr VolumeLimits kNone{};
  const VolumeLimits& limits = limits_ ? *limits_ : kNone;
  const auto packets_in = static_cast<uint32_t>(now.packets_in);
  if (packets_in != packets_in_at_last_poll_) out.push_back(ike::ChildTrafficSeen{now.spi_in});
  packets_in_at_last_poll_ = packets_in;
  if (hard_reported_) return;
  if (std::optional<Cause> hard =
          reached_cause(now, now.seq_exhausted, limits.life_bytes, limits.life_packets)) {
    hard_reported_ = true;
    soft_reported_ = true;
    out.push_back(ike::ChildLimitReached{now.spi_in, Limit::hard, *hard});
    return;
  }
  if (soft_reported_) return;
  if (std::optional<Cause> soft =
          reached_cause(now, now.seq_needs_rekey, limits.rekey_bytes, limits.rekey_packets)) {
    soft_reported_ = true;
    out.push_back(ike::ChildLimitReached{now.spi_in, Limit::soft, *soft});
  }
}

}  // namespace tern::esp

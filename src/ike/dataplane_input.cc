// Endpoint::on_dataplane_event: what the data plane saw on a CHILD_SA (see
// dataplane_event.h and endpoint.h).
//
//   ChildTrafficSeen   RFC 7296 §2.4: a liveness check is needed only when
//                      nothing cryptographically protected came from the peer
//                      recently, and authenticated ESP counts: it moves the IKE
//                      SA's last_received, so a busy tunnel sends no DPD.
//   soft limit         once per child (Event child_sa_limit, counter
//                      child_soft_limits): the child is rekeyed with
//                      CREATE_CHILD_SA (tasks/child_rekey.h); the new child
//                      starts with fresh counters in the data plane.
//   hard limit         the CHILD_SA is deleted as DownChild does it
//                      (INFORMATIONAL D(ESP), child_delete.h), with the limit
//                      as the reason; counter child_hard_limits.
//   EspSourceChanged   RFC 7296 §2.23: the new address becomes the IKE SA's
//                      mapping candidate and a liveness check asks there
//                      (nat_mapping.h); its authenticated answer moves the
//                      IKE SA and the CHILD_SAs. Counter esp_source_changes.
#include <fmt/format.h>

#include <algorithm>

#include "ike/endpoint.h"
#include "ike/nat_mapping.h"
#include "ike/tasks/child_delete.h"
#include "ike/tasks/ike_dpd.h"

namespace tern::ike {
namespace {

using Limit = ChildLimitReached::Limit;
using Cause = ChildLimitReached::Cause;

// "life_packets = 50", "rekey_bytes = 1000000", "2^32 sequence numbers"
std::string what_was_reached(const ChildLimitReached& limit, const ChildLimits& limits,
                             const ChildSa& child) {
  const bool soft = limit.limit == Limit::soft;
  switch (limit.cause) {
    case Cause::bytes:
      return fmt::format("{} = {}", soft ? "rekey_bytes" : "life_bytes",
                         soft ? limits.rekey_bytes : limits.life_bytes);
    case Cause::packets:
      return fmt::format("{} = {}", soft ? "rekey_packets" : "life_packets",
                         soft ? limits.rekey_packets : limits.life_packets);
    case Cause::sequence_numbers: break;
  }
  const char* space = child.suite.esn == wire::EsnId::ESN ? "2^64" : "2^32";
  return soft ? fmt::format("sequence numbers nearly exhausted: fewer than 2^20 of {} left", space)
              : fmt::format("all {} sequence numbers used", space);
}

}  // namespace

IkeSa* Endpoint::find_sa_of_child(uint32_t spi_in) {
  if (const ChildSpi* entry = child_spis_.find(spi_in)) {
    if (IkeSa* sa = lookup(entry->owner);
        sa != nullptr && sa->state != IkeSaState::dead && sa->find_child_by_spi_in(spi_in) != nullptr) {
      touch(*sa);
      return sa;
    }
  }
  // Not in the index (it is kept where CHILD_SAs are installed, moved and
  // removed): the walk stays as the safety net.
  for (IkeSa* sa : sas_.in_id_order()) {
    if (sa->state != IkeSaState::dead && sa->find_child_by_spi_in(spi_in) != nullptr) {
      touch(*sa);
      return sa;
    }
  }
  return nullptr;
}

void Endpoint::on_dataplane_event(const DataplaneEvent& event, Timestamp now) {
  if (const auto* seen = std::get_if<ChildTrafficSeen>(&event)) {
    if (IkeSa* sa = find_sa_of_child(seen->spi_in)) {
      sa->last_received = std::max(sa->last_received, now);
      rearm(*sa);  // its liveness check moves later; nothing else changes (no reap)
    }
    return;
  }
  if (const auto* moved = std::get_if<EspSourceChanged>(&event)) {
    IkeSa* sa = find_sa_of_child(moved->spi_in);
    if (sa == nullptr) return;
    TaskContext ctx = context(*sa, now);
    if (ask_at_new_address(ctx, moved->source) && !sa->tasks.has_outstanding(TaskType::ike_dpd))
      start_task(*sa, std::make_unique<IkeDpd>(), now);
    reap(now);
    return;
  }
  const auto& limit = std::get<ChildLimitReached>(event);
  IkeSa* sa = find_sa_of_child(limit.spi_in);
  if (sa == nullptr) return;  // gone meanwhile
  child_limit_reached(*sa, *sa->find_child_by_spi_in(limit.spi_in), limit, now);
  reap(now);
}

void Endpoint::child_limit_reached(IkeSa& sa, ChildSa& child, const ChildLimitReached& limit, Timestamp now) {
  const std::string what = what_was_reached(limit, sa.config->child_or_first(child.name).limits, child);
  const std::string who =
      fmt::format("CHILD_SA {}/{} (SPI in 0x{:08x})", sa.connection_name(), child.name, child.spi_in);
  if (limit.limit == Limit::soft) {
    if (child.soft_limit_reported || child.hard_limit_reached) return;
    child.soft_limit_reported = true;
    ++counters_.child_soft_limits;
    effects_.push_back(Event{EventKind::child_sa_limit, sa.id, sa.connection_name(),
                             fmt::format("{} reached its soft limit ({}): rekeying it", who, what)});
    if (sa.state == IkeSaState::established)
      start_child_rekey(sa, child.spi_in, fmt::format("soft limit ({})", what), now);
    return;
  }
  // Hard: once; not while our Delete of it (or of the whole IKE SA) is under way.
  if (child.hard_limit_reached || child.deleting || sa.state != IkeSaState::established) return;
  child.hard_limit_reached = true;
  ++counters_.child_hard_limits;
  std::string reason = fmt::format("CHILD_SA lifetime reached ({})", what);
  effects_.push_back(Event{EventKind::child_sa_limit, sa.id, sa.connection_name(),
                           fmt::format("{} reached its hard limit ({}): deleting it", who, what)});
  start_task(sa, std::make_unique<ChildDelete>(child.spi_in, std::move(reason)), now);
}

}  // namespace tern::ike

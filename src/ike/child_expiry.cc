// Endpoint: the hard lifetime of a CHILD_SA by time (ChildLimits::life_time).
//
// install_child records expire_at = life_time after the CHILD_SA was
// installed (a rekey's successor gets its own). When on_timer passes it and
// the child was not replaced meanwhile, the child is deleted as for a hard
// volume limit (dataplane_input.cc): INFORMATIONAL D(ESP) (child_delete.h),
// an Event child_sa_limit, counter child_hard_limits, and the limit as the
// reason in RemoveChildSa (the daemon counts it under child_teardown_reasons).
// A child whose rekeys failed (rekey_problem, e.g. the peers disagree about
// PFS) names that problem in the reason too, so the outage is explained where
// it happens. Children already going (deleting, rekeyed and waiting for their
// Delete, or past a hard limit) are left alone.
#include <fmt/format.h>

#include "ike/endpoint.h"
#include "ike/tasks/child_delete.h"

namespace tern::ike {
namespace {

bool expiry_pending(const ChildSa& child) {
  return child.expire_at && !child.deleting && !child.rekeyed && !child.hard_limit_reached;
}

}  // namespace

std::optional<Timestamp> Endpoint::next_child_expiry(const IkeSa& sa) {
  std::optional<Timestamp> next;
  if (sa.state != IkeSaState::established) return next;
  for (const ChildSa& child : sa.children) {
    if (expiry_pending(child) && (!next || *child.expire_at < *next)) next = child.expire_at;
  }
  return next;
}

void Endpoint::expire_children(IkeSa& sa, Timestamp now) {
  if (sa.state != IkeSaState::established) return;
  std::vector<uint32_t> due;
  for (const ChildSa& child : sa.children) {
    if (expiry_pending(child) && now >= *child.expire_at) due.push_back(child.spi_in);
  }
  for (uint32_t spi : due) {
    ChildSa* child = sa.find_child_by_spi_in(spi);
    if (child == nullptr || !expiry_pending(*child)) continue;
    child->hard_limit_reached = true;
    child->rekey_at.reset();
    ++counters_.child_hard_limits;
    const std::string what = fmt::format(
        "life_time = {}", format_duration(sa.config->child_or_first(child->name).limits.life_time));
    std::string reason = fmt::format("CHILD_SA lifetime reached ({})", what);
    if (!child->rekey_problem.empty()) reason += ", not rekeyed: " + child->rekey_problem.str();
    effects_.push_back(Event{EventKind::child_sa_limit, sa.id, sa.connection_name(),
                             fmt::format("CHILD_SA {}/{} (SPI in 0x{:08x}) reached its hard limit ({}){}: "
                                         "deleting it",
                                         sa.connection_name(), child->name, spi, what,
                                         child->rekey_problem.empty() ? "" : " without a successful rekey")});
    start_task(sa, std::make_unique<ChildDelete>(spi, std::move(reason)), now);
  }
}

}  // namespace tern::ike

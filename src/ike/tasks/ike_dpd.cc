// ike_dpd task (see ike_dpd.h).
#include "ike/tasks/ike_dpd.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"
#include "ike/tasks/mobike_update.h"

namespace tern::ike {

TaskStatus IkeDpd::build(TaskContext& ctx, IkeMessage& msg) {
  if (probe_) return probe_->build(ctx, msg);
  ++ctx.counters.liveness_checks_sent;
  const IkeSa& sa = ctx.sa;
  asked_nat_ = sa.mobike && sa.is_initiator() && sa.local_behind_nat;
  if (asked_nat_) add_nat_detection(ctx, msg, sa.local, sa.remote);
  return TaskStatus::need_more;  // an empty INFORMATIONAL, or one with NAT_DETECTION
}

TaskStatus IkeDpd::process(TaskContext& ctx, const IkeMessage& msg) {
  // Any answer: the peer is alive.
  IkeSa& sa = ctx.sa;
  if (probe_) {
    if (msg.find_notify(wire::NotifyType::COOKIE2) != nullptr) return probe_->process(ctx, msg);
    // A late answer to the liveness check itself (no COOKIE2: it came on the
    // old path, slow but working): the peer is alive there, nothing moves.
    sa.local = probe_from_.first;
    sa.remote = probe_from_.second;
    ctx.event(EventKind::ike_sa_moved,
              fmt::format("the liveness check was answered on {} - {} after all: staying there",
                          sa.local.to_string(), sa.remote.to_string()));
    return TaskStatus::done;
  }
  const auto* seen = msg.find_notify(wire::NotifyType::NAT_DETECTION_DESTINATION_IP);
  if (!asked_nat_ || seen == nullptr || sa.state != IkeSaState::established) return TaskStatus::done;
  if (equal(seen->data, sa.rare().nat_destination_seen)) return TaskStatus::done;
  const bool known = !sa.rare().nat_destination_seen.empty();
  sa.rare_mut().nat_destination_seen = seen->data;
  if (sa.tasks.has_initiated_task([](const Task& t) { return t.type() == TaskType::mobike_update; }))
    return TaskStatus::done;
  ++ctx.counters.nat_mapping_updates_sent;
  ctx.event(EventKind::nat_mapping_changed,
            known ? "the peer sees us at another address or port (its NAT_DETECTION_DESTINATION_IP changed: "
                    "our NAT mapped us anew): sending UPDATE_SA_ADDRESSES so that it follows (RFC 4555 §3.8)"
                  : "the peer's view of our address behind the NAT is not known on this path yet: sending "
                    "UPDATE_SA_ADDRESSES so that it follows our current mapping (RFC 4555 §3.8)");
  sa.tasks.queue(std::make_unique<MobikeUpdate>(MobikeUpdate::Options{}));
  return TaskStatus::done;
}

bool IkeDpd::before_retransmit(TaskContext& ctx, uint32_t retransmit) {
  if (probe_) return probe_->before_retransmit(ctx, retransmit);
  IkeSa& sa = ctx.sa;
  if (retransmit < kRetransmitsBeforeProbing || !sa.mobike || !sa.is_initiator() ||
      sa.state != IkeSaState::established)
    return false;
  const Address old_local = sa.local, old_remote = sa.remote;
  auto probe = std::make_unique<MobikeUpdate>(MobikeUpdate::Options{});
  if (!probe->start_probing(ctx)) return false;
  probe_ = std::move(probe);
  probe_from_ = {old_local, old_remote};
  ctx.event(
      EventKind::ike_sa_moved,
      fmt::format("no answer to the liveness check on {} - {} after {} retransmits: trying other address "
                  "pairs with UPDATE_SA_ADDRESSES before declaring the peer dead (RFC 4555 §3.5); now "
                  "{} - {}",
                  old_local.to_string(), old_remote.to_string(), retransmit, sa.local.to_string(),
                  sa.remote.to_string()));
  return true;
}

}  // namespace tern::ike

// child_create_refused task (see child_create_refused.h).
#include "ike/tasks/child_create_refused.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"

namespace tern::ike {

TaskStatus ChildCreateRefused::build(TaskContext& /*ctx*/, IkeMessage& msg) {
  msg.add_notify(wire::NotifyType::NO_ADDITIONAL_SAS);
  return TaskStatus::done;
}

TaskStatus ChildCreateRefused::process(TaskContext& ctx, const IkeMessage& msg) {
  ++ctx.counters.create_child_sa_refused;
  const char* what = msg.find<wire::TsPayload>(wire::PayloadType::TSi) == nullptr
                         ? "to rekey the IKE SA (not supported yet)"
                     : msg.find_notify(wire::NotifyType::REKEY_SA) != nullptr
                         ? "to rekey a CHILD_SA (not supported yet)"
                         : "for another CHILD_SA (one CHILD_SA per IKE SA for now)";
  ctx.event(EventKind::child_sa_failed, fmt::format("peer asked {}: answered NO_ADDITIONAL_SAS", what));
  return TaskStatus::need_more;
}

}  // namespace tern::ike

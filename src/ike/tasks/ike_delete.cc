// ike_delete task (see ike_delete.h).
#include "ike/tasks/ike_delete.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"
#include "ike/ike_sa_table.h"
#include "ike/tasks/child_delete.h"
#include "ike/tasks/ike_rekey.h"

namespace tern::ike {

TaskStatus IkeDelete::build(TaskContext& ctx, IkeMessage& msg) {
  if (initiator()) {
    leave_the_data_plane(ctx);
    msg.add(wire::PayloadType::Delete, wire::DeletePayload{wire::ProtocolId::IKE, 0, {}});
    ctx.sa.state = IkeSaState::deleting;
    return TaskStatus::need_more;
  }
  // The empty answer goes out first. A rekey of the peer's that we answered
  // while ours was in flight stands: the peer deletes the old IKE SA only
  // when its own rekey survived (§2.8.2), so the CHILD_SAs move to it.
  hand_over_to_peers_rekey(ctx, ctx.sa);
  if (ctx.sa.state == IkeSaState::rekeyed && ctx.sa.successor) {
    ctx.sa.die(fmt::format("rekeyed: replaced by IKE SA #{}", static_cast<uint64_t>(*ctx.sa.successor)));
  } else {
    for (ChildSa& child : ctx.sa.children) child.peer_deleted = true;
    ctx.sa.die("deleted by peer");
  }
  return TaskStatus::done;
}

void IkeDelete::leave_the_data_plane(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  const IkeSa* successor = (sa.successor && ctx.table != nullptr) ? ctx.table->find(*sa.successor) : nullptr;
  const bool replaced = successor != nullptr && successor->state == IkeSaState::established;
  while (!sa.children.empty()) remove_child(ctx, sa, sa.children.front().spi_in, reason_, replaced);
}

TaskStatus IkeDelete::process(TaskContext& ctx, const IkeMessage& /*msg*/) {
  if (initiator()) ctx.sa.die(reason_);
  return initiator() ? TaskStatus::done : TaskStatus::need_more;
}

}  // namespace tern::ike

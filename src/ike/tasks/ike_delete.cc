// ike_delete task (see ike_delete.h).
#include "ike/tasks/ike_delete.h"

#include "ike/ike_sa.h"

namespace tern::ike {

TaskStatus IkeDelete::build(TaskContext& ctx, IkeMessage& msg) {
  if (initiator()) {
    msg.add(wire::PayloadType::Delete, wire::DeletePayload{wire::ProtocolId::IKE, 0, {}});
    ctx.sa.state = IkeSaState::deleting;
    return TaskStatus::need_more;
  }
  ctx.sa.die("deleted by peer");  // the empty answer goes out first
  return TaskStatus::done;
}

TaskStatus IkeDelete::process(TaskContext& ctx, const IkeMessage& /*msg*/) {
  if (initiator()) ctx.sa.die("deleted by local request");
  return initiator() ? TaskStatus::done : TaskStatus::need_more;
}

}  // namespace tern::ike

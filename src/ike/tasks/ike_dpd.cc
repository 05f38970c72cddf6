// ike_dpd task (see ike_dpd.h).
#include "ike/tasks/ike_dpd.h"

namespace tern::ike {

TaskStatus IkeDpd::build(TaskContext& ctx, IkeMessage& /*msg*/) {
  ++ctx.counters.liveness_checks_sent;
  return TaskStatus::need_more;  // an empty INFORMATIONAL
}

TaskStatus IkeDpd::process(TaskContext& /*ctx*/, const IkeMessage& /*msg*/) {
  return TaskStatus::done;  // the peer is alive
}

}  // namespace tern::ike

// auth_failed_notice task (see auth_failed_notice.h).
#include "ike/tasks/auth_failed_notice.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"

namespace tern::ike {

TaskStatus AuthFailedNotice::process(TaskContext& ctx, const IkeMessage& /*msg*/) {
  IkeSa& sa = ctx.sa;
  ++ctx.counters.authentication_failures;
  const std::string reason = fmt::format(
      "the peer {} refused our authentication after IKE_AUTH (AUTHENTICATION_FAILED); its log says why "
      "(our certificate, identity or key)",
      sa.remote.to_string());
  ctx.event(EventKind::authentication_failed, reason);
  sa.rare_mut().death_reason = reason;
  return TaskStatus::need_more;
}

TaskStatus AuthFailedNotice::build(TaskContext& /*ctx*/, IkeMessage& /*msg*/) {
  return TaskStatus::failed;  // the empty answer goes out, then the IKE SA dies
}

}  // namespace tern::ike

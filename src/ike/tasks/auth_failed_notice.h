// auth_failed_notice: the responder's reading of N(AUTHENTICATION_FAILED) in
// an INFORMATIONAL request (RFC 7296 §2.21.2).
//
//   HDR, SK {N(AUTHENTICATION_FAILED)}  -->
//                            <--  HDR, SK {}
//
// The initiator sends it right after IKE_AUTH when it refused our
// authentication (our certificate, identity or AUTH): the IKE SA exists here
// but not there. It is protected by the IKE SA, so it is authentic: we
// answer, report it in plain words (Event authentication_failed, counter
// authentication_failures) and the IKE SA and its CHILD_SAs are removed, so
// that nothing half-made waits for DPD or a timeout.
//
// The initiator's side is TaskManager::notify_authentication_failed.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class AuthFailedNotice final : public Task {
 public:
  AuthFailedNotice() : Task(Role::responder) {}
  TaskType type() const override { return TaskType::auth_failed_notice; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
};

}  // namespace tern::ike

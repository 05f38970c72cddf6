// ike_dpd: dead peer detection with a liveness check (RFC 7296 §1.4, §2.4).
//
//   HDR, SK {}  -->
//          <--  HDR, SK {}
//
// The Endpoint queues one (initiator) when IkeSa::liveness_deadline() passes:
// nothing authenticated has come from the peer for dpd_delay. Any answer is
// proof of life (the task manager records when it came). No answer within the
// retransmit budget: the task manager destroys the SA with "peer not
// responding (DPD)" and the Endpoint applies dpd_action. The responder side
// needs no task: any INFORMATIONAL without payloads it understands is answered
// empty (task_factory.h). Never fails.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class IkeDpd final : public Task {
 public:
  IkeDpd() : Task(Role::initiator) {}
  TaskType type() const override { return TaskType::ike_dpd; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
};

}  // namespace tern::ike

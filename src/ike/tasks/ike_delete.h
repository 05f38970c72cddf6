// ike_delete: deleting the IKE SA with an INFORMATIONAL exchange (RFC 7296
// §1.4.1, §3.11). Deleting the IKE SA deletes its CHILD_SAs with it.
//
//   HDR, SK {D(IKE)}  -->
//                <--  HDR, SK {}
//
// Initiator (either original role: `Down`): sends D(IKE), and on the answer
// the SA dies ("deleted by local request"). Responder: answers with an empty
// INFORMATIONAL and the SA dies ("deleted by peer"). Never fails; an
// unanswered Delete ends like any unanswered request ("peer not responding").
#pragma once

#include "ike/task.h"

namespace tern::ike {

class IkeDelete final : public Task {
 public:
  explicit IkeDelete(Role role) : Task(role) {}
  TaskType type() const override { return TaskType::ike_delete; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
};

}  // namespace tern::ike

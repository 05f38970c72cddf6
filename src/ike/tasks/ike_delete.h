// ike_delete: deleting the IKE SA with an INFORMATIONAL exchange (RFC 7296
// §1.4.1, §3.11). Deleting the IKE SA deletes its CHILD_SAs with it.
//
//   HDR, SK {D(IKE)}  -->
//                <--  HDR, SK {}
//
// Initiator (either original role: `Down`, a rekey or reauthentication that
// replaced the SA, its hard lifetime): sends D(IKE), and on the answer the SA
// dies with the given reason ("deleted by local request" by default). Its
// CHILD_SAs leave the data plane before the Delete goes out: the peer drops
// them when it reads it, so ESP we sent on them after that would be lost
// (the traffic falls back to the reauthentication's CHILD_SAs, if any).
// Responder: answers with an empty INFORMATIONAL and the SA dies ("deleted by
// peer", or, for an SA a rekey replaced, "rekeyed: replaced by IKE SA #N"). Never fails; an
// unanswered Delete ends like any unanswered request ("peer not responding").
#pragma once

#include <string>

#include "ike/task.h"

namespace tern::ike {

class IkeDelete final : public Task {
 public:
  explicit IkeDelete(Role role, std::string reason = "deleted by local request")
      : Task(role), reason_(std::move(reason)) {}
  TaskType type() const override { return TaskType::ike_delete; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  void leave_the_data_plane(TaskContext& ctx);

  std::string reason_;
};

}  // namespace tern::ike

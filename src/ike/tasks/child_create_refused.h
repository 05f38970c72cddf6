// child_create_refused: the responder's answer to every CREATE_CHILD_SA
// request (RFC 7296 §1.3, §2.21.1) until tern creates additional CHILD_SAs
// and rekeys (child_rekey, ike_rekey are not written yet).
//
//   HDR, SK {SA, Ni, [KEi], [TSi, TSr]}  -->
//                     <--  HDR, SK {N(NO_ADDITIONAL_SAS)}
//
// NO_ADDITIONAL_SAS tells the peer we take no more CHILD_SAs on this IKE SA;
// the IKE SA and its existing CHILD_SAs are unchanged. Counted
// (create_child_sa_refused) with an Event. Never fails.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class ChildCreateRefused final : public Task {
 public:
  ChildCreateRefused() : Task(Role::responder) {}
  TaskType type() const override { return TaskType::child_create_refused; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
};

}  // namespace tern::ike

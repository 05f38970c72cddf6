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
// empty (task_factory.h).
//
// NAT mapping changes under MOBIKE (RFC 4555 §3.8): with MOBIKE the peer
// does not follow our NAT's new mapping by itself; the original initiator,
// when it is behind a NAT, asks how the peer sees it:
//
//   HDR, SK {N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)}  -->
//          <--  HDR, SK {N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)}
//
// and compares the answer's NAT_DETECTION_DESTINATION_IP with the last one
// the peer sent (IkeSa::nat_destination_seen). Another value (or none known
// yet on this path, as after the float to port 4500) means the peer sees us at
// another address or port: an UPDATE_SA_ADDRESSES (tasks/mobike_update.h) is
// queued, and the peer moves the IKE SA and its CHILD_SAs to the new mapping.
//
// Path failure under MOBIKE (RFC 4555 §3.5): when the original initiator's
// liveness check gets no answer after kRetransmitsBeforeProbing
// retransmissions and other address pairs exist (our other local addresses,
// the peer's ADDITIONAL_*_ADDRESS), the retransmissions become an
// UPDATE_SA_ADDRESSES (same Message ID, tasks/mobike_update.h) sent on the
// other pairs in turn; an answer on one moves the IKE SA and its CHILD_SAs
// there. Only when the retransmit budget is spent on every pair is the peer
// declared dead. Never fails.
#pragma once

#include <memory>
#include <utility>

#include "ike/task.h"
#include "ike/tasks/mobike_update.h"

namespace tern::ike {

class IkeDpd final : public Task {
 public:
  IkeDpd() : Task(Role::initiator) {}
  TaskType type() const override { return TaskType::ike_dpd; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
  bool before_retransmit(TaskContext& ctx, uint32_t retransmit) override;
  static constexpr uint32_t kRetransmitsBeforeProbing = 2;

 private:
  bool asked_nat_ = false;                  // the request carried NAT_DETECTION (§3.8)
  std::unique_ptr<MobikeUpdate> probe_;     // path probing under way: it builds and reads from now on
  std::pair<Address, Address> probe_from_;  // the pair that stopped answering
};

}  // namespace tern::ike

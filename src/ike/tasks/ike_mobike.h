// ike_mobike: MOBIKE negotiation in IKE_AUTH (RFC 4555 §3.1, §3.4).
//
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr, N(MOBIKE_SUPPORTED),
//            N(ADDITIONAL_IP4_ADDRESS)+ | N(NO_ADDITIONAL_ADDRESSES)}  -->
//      <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr, N(MOBIKE_SUPPORTED),
//                    N(ADDITIONAL_IP4_ADDRESS)+ | N(NO_ADDITIONAL_ADDRESSES)}
//
// A setup task (task_factory.h), passive in IKE_SA_INIT. The initiator sends
// N(MOBIKE_SUPPORTED) when its connection says `mobike = true`; the responder
// answers with it when its connection says so and the request had it. Both
// ends that sent and received it mark the IKE SA (IkeSa::mobike): from then
// on the initiator may move it with UPDATE_SA_ADDRESSES
// (tasks/mobike_update.h). Our other addresses (TaskContext::local_addresses,
// mobike_addresses.h) go beside it; the peer's are kept
// (IkeSa::peer_additional_addresses). A move goes to the NAT-T port even
// without a NAT (RFC 4555; Endpoint::on_local_addresses). Never fails.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class IkeMobike final : public Task {
 public:
  explicit IkeMobike(Role role) : Task(role) {}
  TaskType type() const override { return TaskType::ike_mobike; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  bool peer_supports_ = false;  // responder: the IKE_AUTH request carried N(MOBIKE_SUPPORTED)
};

}  // namespace tern::ike

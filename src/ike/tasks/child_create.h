// child_create: the first CHILD_SA, made inside IKE_AUTH (RFC 7296 §1.2,
// §2.9, §2.17, §3.3, §3.13).
//
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr, [N(USE_TRANSPORT_MODE)]}  -->
//                <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr, [N(USE_TRANSPORT_MODE)]}
//
// Which child: the initiator makes the first of IkeSa::children_to_create
// (the connection's first child unless a command asked for another) and,
// once the IKE SA is established, queues child_create_additional for the
// rest. The responder takes the first child of its connection whose
// selectors narrow the peer's TSi/TSr to something (child_select.h).
//
// Initiator: offers the configured ESP suites (without their PFS groups:
// IKE_AUTH has no KE, proposal.h without_pfs) with a fresh inbound SPI, TSi =
// local_ts, TSr = remote_ts; accepts an answer that is one of its suites and
// selectors that are a subset of what it asked for (a KE transform in the
// answer is ignored, and warned about as below when its group is none of ours). Responder: picks the
// first acceptable ESP proposal (KE transforms, which a peer should not
// send here, are ignored; when they name PFS groups none of which is ours,
// the child is installed with a pfs_mismatch warning, pfs_diagnosis.h), narrows TSi to remote_ts and TSr to
// local_ts (ts_narrowing.h). Transport mode only when both ends want it.
// Keys: KEYMAT = prf+(SK_d, Ni | Nr) (child_install.h); the result is an
// InstallChildSa effect and a ChildSa on the IKE SA.
//
// Never fails the IKE SA: NO_PROPOSAL_CHOSEN / TS_UNACCEPTABLE (answered by
// the responder, or received by the initiator) and a bad answer leave the IKE
// SA up without a CHILD_SA, with a child_sa_failed Event saying why.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ike/proposal.h"
#include "ike/task.h"
#include "wire/ts_payload.h"

namespace tern::ike {

class ChildCreate final : public Task {
 public:
  explicit ChildCreate(Role role) : Task(role) {}
  TaskType type() const override { return TaskType::child_create; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  void process_request(TaskContext& ctx, const IkeMessage& msg);
  void process_response(TaskContext& ctx, const IkeMessage& msg);
  // Initiator, once IKE_AUTH established the IKE SA: one
  // child_create_additional per further child in IkeSa::children_to_create.
  void queue_additional_children(TaskContext& ctx);
  void install(TaskContext& ctx, const ChildConfig& config, const EspSuite& suite,
               std::vector<wire::TrafficSelector> local_ts, std::vector<wire::TrafficSelector> remote_ts,
               ChildMode mode);

  std::string child_name_;              // initiator: the child it asked for
  const ChildConfig* child_ = nullptr;  // responder: the child the peer's selectors chose
  uint32_t spi_in_ = 0;
  uint32_t spi_out_ = 0;
  bool requested_ = false;  // responder: the request carried SAi2/TSi/TSr
  std::optional<wire::NotifyType> error_;
  std::optional<Selection<EspSuite>> selected_;
  std::vector<wire::TrafficSelector> tsi_, tsr_;  // responder: narrowed
  ChildMode mode_ = ChildMode::tunnel;
  std::optional<std::string> pfs_warning_;  // the peer's PFS groups (if it lists any) share none with ours
};

}  // namespace tern::ike

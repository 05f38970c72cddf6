// ike_natd: NAT detection in IKE_SA_INIT (RFC 7296 §2.23).
//
//   HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
//      <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
//
// Each side hashes the addresses it sent from and to (nat_detection.h) and
// checks the peer's hashes against the addresses the datagram really had. A
// source mismatch means the peer is behind a NAT, a destination mismatch
// that we are. With `force_encap` we send a random source hash, so the peer
// believes we are behind a NAT (what strongSwan does to force UDP
// encapsulation). When either side detects a NAT, the initiator floats to the
// NAT-T port for IKE_AUTH on; the responder follows the first authenticated
// request that arrives there (task_manager.cc), and the CHILD_SAs use UDP
// encapsulation. A peer that sends no NAT_DETECTION notifies gets none of
// this. Never fails.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class IkeNatd final : public Task {
 public:
  explicit IkeNatd(Role role) : Task(role) {}
  TaskType type() const override { return TaskType::ike_natd; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
};

}  // namespace tern::ike

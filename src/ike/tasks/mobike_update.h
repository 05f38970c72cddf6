// mobike_update: moving an IKE SA and its CHILD_SAs to new addresses
// (RFC 4555 §3.5, §3.7, §3.9), same SPIs and keys.
//
//   HDR, SK {N(UPDATE_SA_ADDRESSES), N(NAT_DETECTION_SOURCE_IP),
//            N(NAT_DETECTION_DESTINATION_IP), [N(NO_NATS_ALLOWED)],
//            [N(COOKIE2)], N(ADDITIONAL_*_ADDRESS)+ | N(NO_ADDITIONAL_ADDRESSES)}  -->
//      <--  HDR, SK {N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP),
//                    [N(COOKIE2)]}
//                   or HDR, SK {N(UNEXPECTED_NAT_DETECTED), [N(COOKIE2)]}
//
// Initiator (only the original initiator of a MOBIKE IKE SA moves it, §3.1):
// the Endpoint has already put the new addresses on the IKE SA
// (Endpoint::on_local_addresses) and queues this task; the request (and its
// retransmits) leave from the new address. The NAT_DETECTION hashes are
// those of the new addresses with the IKE SA's SPIs. With the answer, NAT
// state is re-computed: a NAT that appeared moves ESP into UDP (the IKE SA is
// on the NAT-T port already, as RFC 4555 peers are), one that went away takes it
// out; every CHILD_SA gets UpdateChildSa. COOKIE2 (§3.7, on by
// default) is a random value the answer must echo: a wrong or missing echo
// deletes the IKE SA (it says the answer did not come from the peer we
// talked to). No answer after kRetransmitsPerPath retransmissions: the
// request (built again, same Message ID, with hashes for the new path) goes
// on the next address pair (the peer's ADDITIONAL_IP*_ADDRESS, then our other
// addresses), and so on in turn until the retransmit budget is spent. An answer N(UNEXPECTED_NAT_DETECTED)
// leaves the CHILD_SAs as they were and says so in an Event.
//
// Responder (responder_tasks_for: an INFORMATIONAL with N(UPDATE_SA_ADDRESSES),
// only address notifies, or only NAT_DETECTION: the peer's liveness check of
// §3.8, answered with the hashes of the addresses it came from and to): on a MOBIKE IKE SA, the request's
// addresses (TaskContext::received_local/received_remote) become the IKE SA's, NAT state follows the
// request's hashes and each CHILD_SA gets UpdateChildSa; an older UPDATE_SA_ADDRESSES than the last one
// followed changes nothing (§3.5). N(NO_NATS_ALLOWED) whose addresses are not
// those the datagram had is answered N(UNEXPECTED_NAT_DETECTED) and nothing
// moves (§3.9). COOKIE2 is echoed. On an IKE SA without MOBIKE the request is
// answered empty and nothing moves. Never fails the IKE SA as responder.
#pragma once

#include <utility>
#include <vector>

#include "base/bytes.h"
#include "ike/address.h"
#include "ike/task.h"

namespace tern::ike {

class MobikeUpdate final : public Task {
 public:
  struct Options {
    bool cookie2 = true;           // initiator: ask for a return routability echo (§3.7)
    bool no_nats_allowed = false;  // initiator: refuse a NAT on the new path (§3.9)
  };
  // Initiator.
  explicit MobikeUpdate(Options options) : Task(Role::initiator), options_(options) {}
  // Responder.
  MobikeUpdate() : Task(Role::responder) {}
  TaskType type() const override { return TaskType::mobike_update; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
  // Path probing: every kRetransmitsPerPath retransmissions without an
  // answer, the request goes on the next address pair (mobike_paths: the
  // pair it was sent on first, then the peer's ADDITIONAL_IP*_ADDRESS of that
  // family, then our other local addresses with each of the peer's).
  bool before_retransmit(TaskContext& ctx, uint32_t retransmit) override;
  static constexpr uint32_t kRetransmitsPerPath = 2;
  // Initiator, instead of build()'s first call: the current path stopped
  // answering (tasks/ike_dpd.h); the IKE SA moves to the next address pair on
  // the NAT-T port at once (our other addresses towards the peer's current
  // one first, then the peer's other addresses), and each later
  // retransmission goes on the next pair. False (nothing changed) when there
  // is no other pair.
  bool start_probing(TaskContext& ctx);

 private:
  TaskStatus process_response(TaskContext& ctx, const IkeMessage& msg);

  Options options_{};
  Bytes cookie2_;                                   // initiator: what we sent; responder: what to echo
  std::vector<std::pair<Address, Address>> paths_;  // initiator: (ours, peer's) to try, in order
  size_t path_ = 0;                                 // initiator: the pair in use
  uint32_t retransmits_on_path_ = 0;
  uint32_t retransmits_per_path_ = kRetransmitsPerPath;  // 1 while probing for a failed path
  bool unexpected_nat_ = false;                          // responder: answer N(UNEXPECTED_NAT_DETECTED)
  bool updated_ = false;                  // responder: the IKE SA moved; answer with NAT_DETECTION
  bool echo_nat_ = false;                 // responder: a liveness check with NAT_DETECTION (§3.8)
  Address echo_local_{}, echo_remote_{};  // responder: where that request arrived on and came from
};

// N(NAT_DETECTION_SOURCE_IP) and N(NAT_DETECTION_DESTINATION_IP) for `local`
// and `remote` with the IKE SA's SPIs (a random source hash with encap = true).
void add_nat_detection(TaskContext& ctx, IkeMessage& msg, const Address& local, const Address& remote);

// Keeps the answer's NAT_DETECTION_DESTINATION_IP (how the peer sees us) in
// IkeSa::nat_destination_seen (§3.8, tasks/ike_dpd.h).
void remember_nat_destination(IkeSa& sa, const IkeMessage& answer);

// Every CHILD_SA of `sa` as UpdateChildSa on the IKE SA's current
// addresses and NAT state (and ChildSa::encap to match).
void move_children(TaskContext& ctx);

}  // namespace tern::ike

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
// to the peer's next address (its ADDITIONAL_IP*_ADDRESS), and so on in turn
// until the retransmit budget is spent. An answer N(UNEXPECTED_NAT_DETECTED) leaves the CHILD_SAs as
// they were and says so in an Event.
//
// Responder (responder_tasks_for: an INFORMATIONAL with N(UPDATE_SA_ADDRESSES)
// or only address notifies): on a MOBIKE IKE SA, the request's addresses
// (TaskContext::received_local/received_remote) become the IKE SA's, NAT
// state follows the request's hashes and each CHILD_SA gets
// UpdateChildSa; an older UPDATE_SA_ADDRESSES than the last one
// followed changes nothing (§3.5). N(NO_NATS_ALLOWED) whose addresses are not
// those the datagram had is answered N(UNEXPECTED_NAT_DETECTED) and nothing
// moves (§3.9). COOKIE2 is echoed. On an IKE SA without MOBIKE the request is
// answered empty and nothing moves. Never fails the IKE SA as responder.
#pragma once

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
  // answer, the request goes to the next of the peer's addresses (the one
  // it was sent to first, then its ADDITIONAL_IP*_ADDRESS of that family).
  bool before_retransmit(TaskContext& ctx, uint32_t retransmit) override;
  static constexpr uint32_t kRetransmitsPerPath = 2;

 private:
  TaskStatus process_response(TaskContext& ctx, const IkeMessage& msg);

  Options options_{};
  Bytes cookie2_;                         // initiator: what we sent; responder: what to echo
  std::vector<Address> peer_candidates_;  // initiator: where the request may go, in order
  bool unexpected_nat_ = false;           // responder: answer N(UNEXPECTED_NAT_DETECTED)
  bool updated_ = false;                  // responder: the IKE SA moved; answer with NAT_DETECTION
};

// Every CHILD_SA of `sa` as UpdateChildSa on the IKE SA's current
// addresses and NAT state (and ChildSa::encap to match).
void move_children(TaskContext& ctx);

}  // namespace tern::ike

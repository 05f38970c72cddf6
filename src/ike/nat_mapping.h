// Following a peer whose NAT mapping changed (RFC 7296 §2.23, RFC 3948).
//
// A NAT in front of the peer may drop its mapping (timeout, reboot,
// `conntrack -F`) and make a new one with another outside address or port.
// §2.23: a host that is not behind a NAT itself SHOULD then send everything
// to the address and port of the latest *authenticated, new* message, and
// SHOULD NOT do so because of a packet that could be replayed. So:
//
//   follow_peer_address       the task manager calls it for each new
//                             authenticated IKE message: a request it
//                             processes, or the response to an outstanding
//                             request of ours (never a retransmit it answers
//                             from its cache). When the peer is behind a NAT
//                             and we are not, and the message came from
//                             another address or port, the IKE SA moves there
//                             and every CHILD_SA with it (UpdateChildSa for
//                             the data plane), Event nat_mapping_changed,
//                             counter nat_mapping_changes. In IKE_AUTH this is
//                             also the float to the NAT-T port (§2.23), for
//                             either end when a NAT was detected.
//   ask_at_new_address        the data plane saw authenticated ESP from a new
//                             address (dataplane_event.h EspSourceChanged).
//                             ESP alone moves nothing: the address becomes
//                             the SA's mapping candidate, and the Endpoint
//                             starts a liveness check (tasks/ike_dpd.h). True
//                             when one should start.
//   send_to_mapping_candidate while there is a candidate, each request we
//                             send (and each retransmit) also goes there: the
//                             old mapping may be gone, so only a copy to the
//                             new one can reach the peer. Its authenticated
//                             answer, coming from the new address, moves the
//                             SA (follow_peer_address); an answer from the old
//                             address ends the check with nothing moved.
//
// Never fails; unauthenticated input never gets here.
#pragma once

#include <vector>

#include "base/bytes.h"
#include "ike/address.h"
#include "ike/task.h"
#include "wire/iana.h"

namespace tern::ike {

void follow_peer_address(TaskContext& ctx, wire::ExchangeType exchange, const Address& local,
                         const Address& remote);
bool ask_at_new_address(TaskContext& ctx, const Address& source);
void send_to_mapping_candidate(TaskContext& ctx, const std::vector<Bytes>& datagrams);

}  // namespace tern::ike

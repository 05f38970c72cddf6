// A peer that lost its state (a restart, a crash): recognizing it early and
// bringing the tunnel back (see endpoint.h "Peers that restart").
//
// RFC 7296 §2.21.4: a node that gets a request for IKE SPIs it does not know
// may answer, unprotected, with N(INVALID_IKE_SPI). Such an answer to one of
// our requests (typically a liveness check) is a hint that the peer has
// restarted, but only a hint: anyone on the path can forge it, so it never
// tears anything down by itself. When the connection's dpd_action is
// restart and we initiated the IKE SA, the hint starts a reauthentication
// (make-before-break, ike_renewal.cc): a new IKE SA is set up while the old
// one stays; if the peer really restarted, the new one is established within
// a round trip or two and replaces the old one, instead of waiting for the
// retransmit budget to run out. A forged hint costs one reauthentication.
// Once per IKE SA; counter peer_restarts_suspected, Event peer_restart_suspected.
#include <fmt/format.h>

#include "ike/endpoint.h"
#include "wire/notify_payload.h"

namespace tern::ike {

bool Endpoint::is_invalid_ike_spi_answer(const wire::Message& message) {
  // IKE_SA_INIT answers are not protected anyway: ike_init reads their notifies.
  if (!message.header.is_response() || message.header.exchange == wire::ExchangeType::IKE_SA_INIT)
    return false;
  for (const wire::Payload& p : message.payloads) {
    const auto* n = std::get_if<wire::NotifyPayload>(&p.body);
    if (n != nullptr && n->type == wire::NotifyType::INVALID_IKE_SPI) return true;
  }
  return false;
}

void Endpoint::peer_restart_hint(IkeSa& sa, const Address& remote, Timestamp now) {
  if (sa.state != IkeSaState::established || sa.restart_suspected || !sa.tasks.request_outstanding()) return;
  if (!remote.same_ip(sa.remote)) return;
  sa.restart_suspected = true;
  ++counters_.peer_restarts_suspected;
  const bool restart = sa.config->dpd_action == DpdAction::restart && sa.is_initiator();
  effects_.push_back(Event{
      EventKind::peer_restart_suspected, sa.id, sa.connection_name(),
      fmt::format("peer {} answered INVALID_IKE_SPI (unprotected): it may have restarted and lost this IKE "
                  "SA; {}",
                  remote.to_string(),
                  restart ? "reauthenticating (a new IKE SA replaces this one if the peer answers)"
                          : "waiting for the liveness check to decide (dpd_action is not restart)")});
  if (restart) start_reauth(sa, "the peer may have restarted (INVALID_IKE_SPI)", now);
}

}  // namespace tern::ike

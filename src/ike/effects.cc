// Names of the event kinds (see effects.h).
#include "ike/effects.h"

namespace tern::ike {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::ike_sa_established: return "ike_sa_established";
    case EventKind::ike_sa_destroyed: return "ike_sa_destroyed";
    case EventKind::child_sa_installed: return "child_sa_installed";
    case EventKind::child_sa_removed: return "child_sa_removed";
    case EventKind::child_sa_failed: return "child_sa_failed";
    case EventKind::proposal_mismatch: return "proposal_mismatch";
    case EventKind::authentication_failed: return "authentication_failed";
    case EventKind::invalid_ke_retry: return "invalid_ke_retry";
    case EventKind::retransmit: return "retransmit";
    case EventKind::message_dropped: return "message_dropped";
    case EventKind::dpd_action: return "dpd_action";
    case EventKind::invalid_spi_reported: return "invalid_spi_reported";
    case EventKind::child_sa_limit: return "child_sa_limit";
    case EventKind::child_sa_rekey_started: return "child_sa_rekey_started";
    case EventKind::child_sa_rekey_failed: return "child_sa_rekey_failed";
    case EventKind::ike_sa_rekey_started: return "ike_sa_rekey_started";
    case EventKind::ike_sa_rekeyed: return "ike_sa_rekeyed";
    case EventKind::ike_sa_rekey_failed: return "ike_sa_rekey_failed";
    case EventKind::ike_sa_reauth: return "ike_sa_reauth";
    case EventKind::pfs_mismatch: return "pfs_mismatch";
    case EventKind::certificate_note: return "certificate_note";
    case EventKind::certificate_expired: return "certificate_expired";
    case EventKind::ike_sa_moved: return "ike_sa_moved";
    case EventKind::nat_mapping_changed: return "nat_mapping_changed";
    case EventKind::peer_restart_suspected: return "peer_restart_suspected";
    case EventKind::child_sa_rekey_collision: return "child_sa_rekey_collision";
  }
  return "unknown";
}

}  // namespace tern::ike

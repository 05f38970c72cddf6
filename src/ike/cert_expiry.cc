// The certificate-expiry watch (see endpoint.h, docs/certificates.md).
//
// An IKE SA authenticated with certificates is only as good as they are: a
// rekey changes its keys but not its authentication, so without this watch
// an IKE SA (and its CHILD_SAs) could be renewed long after the peer's
// certificate expired or was replaced. When the earlier notAfter of the
// peer's end-entity certificate and ours passes (wall clock, through the
// offset the Endpoint was given), the IKE SA is
//   - reauthenticated, make before break, when the peer's certificate
//     expired: the peer may hold a fresh one, which the new IKE SA checks as
//     usual. If that fails, the old IKE SA is deleted, not kept
//     (settle_renewals, IkeSa::cert_expired);
//   - when ours expired: reauthenticated the same way if the connection
//     holds another certificate valid now (several `cert` entries, e.g. the
//     renewed one beside the old: credential_choice.h picks it), deleted
//     otherwise (a reload with a renewed certificate replaces the
//     connection, and with it its IKE SAs, at once).
// Each case is logged in plain words (certificate_expired Event) and counted.
#include <fmt/format.h>

#include <algorithm>

#include "ike/credential_choice.h"
#include "ike/endpoint.h"
#include "ike/tasks/ike_delete.h"

namespace tern::ike {

std::optional<Timestamp> Endpoint::cert_expiry_deadline(const IkeSa& sa) const {
  if (!wall_offset_ || sa.cert_expired || sa.state != IkeSaState::established) return std::nullopt;
  std::optional<crypto::WallTime> first = sa.rare().peer_cert_not_after;
  if (sa.rare().local_cert_not_after && (!first || *sa.rare().local_cert_not_after < *first))
    first = sa.rare().local_cert_not_after;
  if (!first) return std::nullopt;
  // wall time = Unix epoch + now + offset (set_wall_clock_offset)
  return Timestamp{std::chrono::duration_cast<Duration>(first->time_since_epoch()) - *wall_offset_};
}

std::optional<Timestamp> Endpoint::cert_wall_deadline(const IkeSa& sa) const {
  // What consider_renewal_deadlines and cert_expiry_deadline ask, but for the offset.
  if (sa.cert_expired || sa.state != IkeSaState::established || sa.successor || sa.replacement_pending)
    return std::nullopt;
  std::optional<crypto::WallTime> first = sa.rare().peer_cert_not_after;
  if (sa.rare().local_cert_not_after && (!first || *sa.rare().local_cert_not_after < *first))
    first = sa.rare().local_cert_not_after;
  if (!first) return std::nullopt;
  return Timestamp{std::chrono::duration_cast<Duration>(first->time_since_epoch())};
}

bool Endpoint::watch_cert_expiry(IkeSa& sa, Timestamp now) {
  const std::optional<Timestamp> due = cert_expiry_deadline(sa);
  if (!due || now < *due) return false;
  const std::optional<crypto::WallTime> wall = wall_time(now);
  const bool ours = sa.rare().local_cert_not_after && wall && *sa.rare().local_cert_not_after <= *wall;
  sa.cert_expired = true;
  ++counters_.ike_sas_cert_expired;
  const std::string our_file = sa.local_credential ? sa.local_credential->cert_file : "?";
  if (ours) {
    const auto renewed = std::ranges::find_if(
        sa.config->credentials, [&](const auto& c) { return valid_at(c->chain.front(), wall); });
    const std::string when = crypto::format_wall_time(*sa.rare().local_cert_not_after);
    if (renewed == sa.config->credentials.end()) {
      ++counters_.cert_expiry_deletes;
      effects_.push_back(
          Event{EventKind::certificate_expired, sa.id, sa.connection_name(),
                fmt::format("our certificate ({}) expired on {}; deleting the IKE SA authenticated "
                            "with it. Install a renewed certificate and run `ternctl reload`",
                            our_file, when)});
      start_task(sa, std::make_unique<IkeDelete>(Role::initiator, "our certificate expired on " + when), now);
      return true;
    }
    ++counters_.cert_expiry_reauths;
    effects_.push_back(
        Event{EventKind::certificate_expired, sa.id, sa.connection_name(),
              fmt::format("our certificate ({}) expired on {}; reauthenticating with {} ({}) "
                          "(the IKE SA is deleted if that fails)",
                          our_file, when, (*renewed)->chain.front().subject(), (*renewed)->cert_file)});
    start_reauth(sa, "our certificate expired", now);
    if (!sa.successor) {
      ++counters_.cert_expiry_deletes;
      start_task(sa, std::make_unique<IkeDelete>(Role::initiator, "our certificate expired on " + when), now);
    }
    return true;
  }
  ++counters_.cert_expiry_reauths;
  const std::string when = crypto::format_wall_time(*sa.rare().peer_cert_not_after);
  effects_.push_back(
      Event{EventKind::certificate_expired, sa.id, sa.connection_name(),
            fmt::format("the peer's certificate {} expired on {}; reauthenticating (the IKE SA "
                        "is deleted unless the peer proves itself with a valid one)",
                        sa.rare().peer_cert_subject, when)});
  start_reauth(sa, "the peer's certificate expired", now);
  if (!sa.successor) {
    // start_reauth could not start (it always can for an established SA
    // that is not being replaced, which the caller checked); never keep it.
    ++counters_.cert_expiry_deletes;
    start_task(sa, std::make_unique<IkeDelete>(Role::initiator, "the peer's certificate expired on " + when),
               now);
  }
  return true;
}

}  // namespace tern::ike

// When an IKE SA is renewed (ConnectionConfig::ike_lifetimes, swanctl.conf
// rekey_time, reauth_time, rand_time, over_time): sets IkeSa::rekey_at,
// reauth_at and expire_at, which the Endpoint's timer acts on
// (ike_renewal.cc).
//
//   rekey_at  = established_at   + rekey_time  - jitter   (a rekey, §2.18)
//   reauth_at = authenticated_at + reauth_time - jitter   (make-before-break)
//   expire_at = the earlier of the two, without jitter, + over_time
//
// Each jitter is drawn from [0, rand_time] with the injected Random, so that
// two peers with equal settings do not start at once (§2.8.1 collisions stay
// rare). An IKE SA made by a rekey inherits reauth_at: a rekey changes the
// keys, not the authentication. Zero durations mean "never".
#pragma once

#include <optional>

#include "base/time.h"
#include "crypto/random.h"
#include "ike/connection_config.h"

namespace tern::ike {

class IkeSa;

// `from` + `period` - a random jitter in [0, rand] (never before `from`);
// nullopt when `period` is zero.
std::optional<Timestamp> renewal_deadline(Timestamp from, Duration period, Duration rand,
                                          crypto::Random& random);

// At IKE_AUTH: all three from `now`.
void schedule_after_authentication(IkeSa& sa, crypto::Random& random, Timestamp now);
// For the IKE SA a rekey made at `now`: rekey_at afresh, reauth_at from the
// old SA (`inherited_reauth_at`), expire_at from both.
void schedule_after_rekey(IkeSa& sa, std::optional<Timestamp> inherited_reauth_at, crypto::Random& random,
                          Timestamp now);

}  // namespace tern::ike

// IKE SA renewal deadlines (see ike_lifetime.h).
#include "ike/ike_lifetime.h"

#include <algorithm>

#include "ike/ike_sa.h"

namespace tern::ike {
namespace {

void set_expiry(IkeSa& sa, Timestamp now, std::optional<Timestamp> reauth_nominal) {
  const IkeLifetimes& l = sa.config->ike_lifetimes;
  sa.expire_at.reset();
  if (l.over_time <= Duration::zero()) return;
  std::optional<Timestamp> earliest = reauth_nominal;
  if (l.rekey_time > Duration::zero()) {
    const Timestamp rekey = now + l.rekey_time;
    earliest = earliest ? std::min(*earliest, rekey) : rekey;
  }
  if (earliest) sa.expire_at = *earliest + l.over_time;
}

}  // namespace

std::optional<Timestamp> renewal_deadline(Timestamp from, Duration period, Duration rand,
                                          crypto::Random& random) {
  if (period <= Duration::zero()) return std::nullopt;
  Duration jitter{0};
  if (rand > Duration::zero()) {
    const auto span = static_cast<uint64_t>(rand.count()) + 1;
    jitter = Duration{static_cast<Duration::rep>(random.u64() % span)};
  }
  return from + (period > jitter ? period - jitter : Duration::zero());
}

void schedule_after_authentication(IkeSa& sa, crypto::Random& random, Timestamp now) {
  const IkeLifetimes& l = sa.config->ike_lifetimes;
  sa.authenticated_at = now;
  sa.rekey_at = renewal_deadline(now, l.rekey_time, l.rand_time, random);
  sa.reauth_at = renewal_deadline(now, l.reauth_time, l.rand_time, random);
  set_expiry(sa, now,
             l.reauth_time > Duration::zero() ? std::optional<Timestamp>(now + l.reauth_time) : std::nullopt);
}

void schedule_after_rekey(IkeSa& sa, std::optional<Timestamp> inherited_reauth_at, crypto::Random& random,
                          Timestamp now) {
  const IkeLifetimes& l = sa.config->ike_lifetimes;
  sa.rekey_at = renewal_deadline(now, l.rekey_time, l.rand_time, random);
  sa.reauth_at = inherited_reauth_at;
  std::optional<Timestamp> reauth_nominal;
  if (sa.authenticated_at && l.reauth_time > Duration::zero())
    reauth_nominal = *sa.authenticated_at + l.reauth_time;
  set_expiry(sa, now, reauth_nominal);
}

}  // namespace tern::ike

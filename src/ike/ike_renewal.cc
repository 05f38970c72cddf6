// IKE SA renewal in the Endpoint: rekey, reauthentication and hard expiry of
// IKE SAs, and the SA table that tasks use (see endpoint.h, ike_lifetime.h,
// tasks/ike_rekey.h).
#include <fmt/format.h>

#include <algorithm>

#include "ike/endpoint.h"
#include "ike/tasks/ike_delete.h"
#include "ike/tasks/ike_rekey.h"

namespace tern::ike {
namespace {

// A failed reauthentication is tried again this much later (the old IKE SA stays meanwhile).
constexpr Duration kReauthRetry = seconds(60);
// A reauthenticated IKE SA is deleted this long after its successor was
// established, not at once: ESP we sent on its CHILD_SAs just before ours
// switched to the new ones is still on its way, and a peer may read our
// Delete before that ESP (strongSwan with kernel-libipsec reads them on
// different threads, and drops it once the old CHILD_SA is gone: one lost
// ping in net.rekey_soak_strongswan). Nothing of ours uses the old IKE SA
// meanwhile: its CHILD_SAs carry no outbound traffic and are not rekeyed.
constexpr Duration kReauthOverlap = seconds(1);

}  // namespace

uint64_t Endpoint::reserve_spi() {
  const uint64_t spi = allocate_spi();
  sas_.reserve_spi(spi);  // finds no SA until create() takes it
  return spi;
}

void Endpoint::release_spi(uint64_t spi) {
  sas_.release_spi(spi);  // reserved and not taken by create(): free again
}

IkeSa& Endpoint::create(Role role, std::shared_ptr<const ConnectionConfig> config, const Address& local,
                        const Address& remote, uint64_t spi_i, uint64_t spi_r) {
  auto id = next_sa_id();
  auto sa = std::make_unique<IkeSa>(id, role, std::move(config), local, remote);
  sa->spi_i = spi_i;
  sa->spi_r = spi_r;
  IkeSa& ref = sas_.insert(std::move(sa));
  created_.push_back(id);
  touch(ref);
  return ref;
}

IkeSa* Endpoint::find(IkeSaId id) {
  IkeSa* sa = lookup(id);
  if (sa != nullptr) touch(*sa);  // tasks and renewals change the SAs they find
  return sa;
}

void Endpoint::start_ike_rekey(IkeSa& sa, std::string_view why, Timestamp now) {
  if (sa.state != IkeSaState::established || sa.ike_rekeying || sa.successor || sa.replacement_pending)
    return;
  sa.ike_rekeying = true;
  sa.rekey_at.reset();
  ++counters_.ike_rekeys_started;
  effects_.push_back(
      Event{EventKind::ike_sa_rekey_started, sa.id, sa.connection_name(),
            fmt::format("rekeying the IKE SA {:016x}_i {:016x}_r: {}", sa.spi_i, sa.spi_r, why)});
  start_task(sa, std::make_unique<IkeRekey>(Role::initiator), now);
}

void Endpoint::start_reauth(IkeSa& sa, std::string_view why, Timestamp now) {
  if (sa.state != IkeSaState::established || sa.successor || sa.replacement_pending) return;
  if (sa.config->responder_only()) {
    // No single peer address to start the new IKE SA with (remote_addrs is a
    // prefix): the IKE SA runs on until its lifetime ends or the peer renews it.
    sa.reauth_at.reset();
    effects_.push_back(
        Event{EventKind::ike_sa_reauth, sa.id, sa.connection_name(),
              fmt::format("not reauthenticating ({}): the connection only answers peers", why)});
    return;
  }
  sa.reauth_at.reset();
  ++counters_.ike_reauths_started;
  // The new IKE SA makes again every child that is up here (in the
  // connection's order; the first of them in IKE_AUTH), or the connection's
  // first child when none is.
  std::vector<std::string> children;
  for (const ChildConfig& child : sa.config->children) {
    if (sa.child_up(child.name)) children.push_back(child.name);
  }
  if (children.empty()) children.push_back(sa.config->children.front().name);
  IkeSa& next = start_initiator(sa.config, now, std::move(children));
  touch(sa);
  sa.successor = next.id;
  reauthenticating_.push_back(sa.id);
  effects_.push_back(Event{EventKind::ike_sa_reauth, sa.id, sa.connection_name(),
                           fmt::format("reauthenticating: setting up IKE SA #{} to replace this one ({}); "
                                       "this one carries the traffic until it is established",
                                       static_cast<uint64_t>(next.id), why)});
}

void Endpoint::renew_due(IkeSa& sa, Timestamp now) {
  if (sa.state == IkeSaState::rekeyed) {
    // Replaced by a rekey we answered; the initiator's Delete never came.
    if (sa.expire_at && now >= *sa.expire_at)
      sa.die(fmt::format("rekeyed: replaced by IKE SA #{} (the peer did not delete this one)",
                         static_cast<uint64_t>(sa.successor.value_or(IkeSaId{0}))));
    return;
  }
  if (sa.state != IkeSaState::established) return;
  if (sa.retire_at) {  // reauthenticated (settle_renewals): only its Delete is left to do
    if (now < *sa.retire_at) return;
    sa.retire_at.reset();
    start_task(sa,
               std::make_unique<IkeDelete>(
                   Role::initiator, fmt::format("reauthenticated: replaced by IKE SA #{}",
                                                static_cast<uint64_t>(sa.successor.value_or(IkeSaId{0})))),
               now);
    return;
  }
  if (sa.expire_at && now >= *sa.expire_at) {
    sa.expire_at.reset();
    ++counters_.ike_sas_expired;
    effects_.push_back(
        Event{EventKind::ike_sa_rekey_failed, sa.id, sa.connection_name(),
              "IKE SA lifetime over (over_time): it was not rekeyed or reauthenticated in time; "
              "deleting it"});
    start_task(sa, std::make_unique<IkeDelete>(Role::initiator, "IKE SA lifetime over: not replaced in time"),
               now);
    return;
  }
  if (sa.successor || sa.replacement_pending) return;
  if (watch_cert_expiry(sa, now)) return;
  if (sa.reauth_at && now >= *sa.reauth_at) {
    start_reauth(sa, "its reauth_time has come", now);
  } else if (sa.rekey_at && now >= *sa.rekey_at && !sa.ike_rekeying) {
    start_ike_rekey(sa, "its rekey_time has come", now);
  }
}

void Endpoint::consider_renewal_deadlines(const IkeSa& sa, std::optional<Timestamp>& next) const {
  auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (sa.state == IkeSaState::rekeyed) consider(sa.expire_at);
  if (sa.state != IkeSaState::established) return;
  if (sa.retire_at) {
    consider(sa.retire_at);
    return;
  }
  consider(sa.expire_at);
  if (sa.successor || sa.replacement_pending) return;
  // Certificate expiry (cert_expiry_deadline) is armed apart, on the wall clock (cert_wall_deadline).
  consider(sa.reauth_at);
  if (!sa.ike_rekeying) consider(sa.rekey_at);
}

void Endpoint::settle_renewals(Timestamp now) {
  // IKE SAs made by tasks (a rekey) may have inherited queued requests.
  std::vector<IkeSaId> created = std::move(created_);
  created_.clear();
  for (IkeSaId id : created) {
    if (IkeSa* sa = find(id); sa != nullptr && sa->state != IkeSaState::dead) {
      TaskContext ctx = context(*sa, now);
      sa->tasks.initiate(ctx);
    }
  }
  std::erase_if(reauthenticating_, [&](IkeSaId old_id) {
    IkeSa* old = find(old_id);
    if (old == nullptr || old->state == IkeSaState::dead || !old->successor) return true;
    IkeSa* next = find(*old->successor);
    if (next != nullptr && (next->state == IkeSaState::created || next->state == IkeSaState::init_done))
      return false;  // still being set up
    if (next != nullptr && next->state == IkeSaState::established) {
      ++counters_.ike_reauths_completed;
      effects_.push_back(
          Event{EventKind::ike_sa_reauth, old->id, old->connection_name(),
                fmt::format("reauthenticated: IKE SA #{} replaces this one; deleting it in {} ms "
                            "(what was sent on its CHILD_SAs arrives first)",
                            static_cast<uint64_t>(next->id),
                            std::chrono::duration_cast<milliseconds>(kReauthOverlap).count())});
      if (old->state == IkeSaState::established) old->retire_at = now + kReauthOverlap;
      return true;
    }
    // The new IKE SA failed (its reason is in its ike_sa_destroyed Event).
    old->successor.reset();
    if (old->cert_expired) {
      // The peer's certificate expired and it showed no fresh one: the old
      // IKE SA may not outlive the certificate it was authenticated with.
      ++counters_.cert_expiry_deletes;
      effects_.push_back(Event{EventKind::certificate_expired, old->id, old->connection_name(),
                               "reauthentication after the certificate expired failed (the new IKE SA was "
                               "not established); deleting this IKE SA"});
      if (old->state == IkeSaState::established)
        start_task(
            *old,
            std::make_unique<IkeDelete>(Role::initiator, "certificate expired and reauthentication failed"),
            now);
      return true;
    }
    if (old->state == IkeSaState::established) old->reauth_at = now + kReauthRetry;
    effects_.push_back(
        Event{EventKind::ike_sa_reauth, old->id, old->connection_name(),
              fmt::format("reauthentication failed: the new IKE SA was not established; this one "
                          "stays, trying again in {} s",
                          std::chrono::duration_cast<seconds>(kReauthRetry).count())});
    return true;
  });
}

}  // namespace tern::ike

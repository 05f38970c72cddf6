// Endpoint::on_local_addresses: our addresses changed, and MOBIKE IKE SAs we
// initiated move to a working one (see endpoint.h, tasks/mobike_update.h).
#include <fmt/format.h>

#include <algorithm>

#include "ike/endpoint.h"
#include "ike/mobike_addresses.h"
#include "ike/tasks/mobike_update.h"

namespace tern::ike {

std::optional<Address> Endpoint::pick_local_address(const IkeSa& sa) const {
  if (!local_addresses_) return std::nullopt;
  for (const Address& a : *local_addresses_) {
    if (a.family == sa.remote.family && usable_for_ike(a) && !inner_address(sa, a)) return a;
  }
  return std::nullopt;
}

void Endpoint::on_local_addresses(std::vector<Address> addresses, Timestamp now) {
  local_addresses_ = std::move(addresses);
  touch_all();  // walks the table anyway; rare (address changes)
  for (auto& [id, owned] : sas_) {
    IkeSa& sa = *owned;
    if (!sa.is_initiator() || !sa.mobike || sa.state != IkeSaState::established) continue;
    const bool still_there = std::any_of(local_addresses_->begin(), local_addresses_->end(),
                                         [&](const Address& a) { return a.same_ip(sa.local); });
    if (still_there) {
      // Routes (or other addresses) changed: an UPDATE_SA_ADDRESSES that could
      // not leave or was lost on the way (say the route to the peer came a
      // moment after our new address) goes again now, not at its next
      // retransmission a second or more later.
      TaskContext ctx = context(sa, now);
      if (sa.tasks.resend_now(ctx, TaskType::mobike_update)) {
        effects_.push_back(Event{EventKind::retransmit, sa.id, sa.connection_name(),
                                 "our addresses or routes changed: UPDATE_SA_ADDRESSES sent again at once"});
      }
      continue;
    }
    std::optional<Address> next = pick_local_address(sa);
    if (!next) {
      effects_.push_back(Event{
          EventKind::ike_sa_moved, sa.id, sa.connection_name(),
          fmt::format("local address {} is gone and no other {} address is usable: "
                      "waiting for one (RFC 4555)",
                      sa.local.to_string(), sa.remote.family == AddressFamily::ipv4 ? "IPv4" : "IPv6")});
      continue;
    }
    // The move goes to the NAT-T port (RFC 4555 peers use it for
    // MOBIKE): a NAT on the new path then finds IKE where UDP-encapsulated
    // ESP will go, and its mapping for that port is the one IKE made.
    const Address old = sa.local;
    sa.local = next->with_port(config_.natt_port);
    sa.remote = sa.remote.with_port(config_.natt_port);
    effects_.push_back(Event{EventKind::ike_sa_moved, sa.id, sa.connection_name(),
                             fmt::format("local address {} is gone: moving to {} with UPDATE_SA_ADDRESSES",
                                         old.to_string(), sa.local.to_string())});
    start_task(sa, std::make_unique<MobikeUpdate>(MobikeUpdate::Options{}), now);
  }
  reap(now);
}

}  // namespace tern::ike

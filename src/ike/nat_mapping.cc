// Following a peer whose NAT mapping changed (see nat_mapping.h).
#include "ike/nat_mapping.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/ike_sa.h"

namespace tern::ike {
namespace {

// §2.23: only a host that is not behind a NAT follows the peer's address.
bool may_follow(const IkeSa& sa) {
  return sa.remote_behind_nat && !sa.local_behind_nat;
}

}  // namespace

void follow_peer_address(TaskContext& ctx, wire::ExchangeType exchange, const Address& local,
                         const Address& remote) {
  IkeSa& sa = ctx.sa;
  if (exchange == wire::ExchangeType::IKE_SA_INIT) return;
  // Any authentic answer or request ends a check at a candidate address:
  // from the candidate it moves the SA below, from the old address it shows
  // the peer is still there.
  if (sa.rare().mapping_candidate) {
    sa.rare_mut().mapping_candidate.reset();
    sa.trim_rare();
  }
  if (sa.local == local && sa.remote == remote) return;
  if (exchange == wire::ExchangeType::IKE_AUTH) {
    // The float to the NAT-T port (§2.23): no CHILD_SA exists yet. A MOBIKE
    // initiator may float there without a NAT (RFC 4555).
    if (sa.nat_detected() || local.port == ctx.config.natt_port) {
      sa.local = local;
      sa.remote = remote;
    }
    return;
  }
  if (!may_follow(sa) || sa.state == IkeSaState::dead) return;
  const Address old_remote = sa.remote;
  sa.local = local;
  sa.remote = remote;
  ++ctx.counters.nat_mapping_changes;
  for (const ChildSa& child : sa.children) {
    ctx.effects.push_back(UpdateChildSa{sa.id, sa.connection_name(), child.name, child.spi_in, child.spi_out,
                                        sa.local, sa.remote, child.encap});
  }
  ctx.event(EventKind::nat_mapping_changed,
            fmt::format("peer moved from {} to {} (its NAT mapped it anew): the IKE SA and {} CHILD_SA(s) "
                        "follow it",
                        old_remote.to_string(), remote.to_string(), sa.children.size()));
}

bool ask_at_new_address(TaskContext& ctx, const Address& source) {
  IkeSa& sa = ctx.sa;
  if (source == sa.remote || sa.state != IkeSaState::established) return false;
  if (!may_follow(sa)) {
    ++ctx.counters.esp_source_changes_ignored;
    return false;
  }
  if (sa.rare().mapping_candidate == source) return false;  // already asking there
  sa.rare_mut().mapping_candidate = source;
  ++ctx.counters.esp_source_changes;
  ctx.event(EventKind::nat_mapping_changed,
            fmt::format("ESP from the peer arrived from {} instead of {}: asking there with a liveness check "
                        "before anything moves",
                        source.to_string(), sa.remote.to_string()));
  return true;
}

void send_to_mapping_candidate(TaskContext& ctx, const std::vector<Bytes>& datagrams) {
  IkeSa& sa = ctx.sa;
  if (!sa.rare().mapping_candidate) return;
  for (const Bytes& datagram : datagrams) {
    const size_t marker = sa.local.port == ctx.config.natt_port ? 4 : 0;  // non-ESP marker
    Bytes bytes(marker + datagram.size(), 0);
    std::copy(datagram.begin(), datagram.end(), bytes.begin() + static_cast<std::ptrdiff_t>(marker));
    ctx.effects.push_back(Send{sa.local, *sa.rare().mapping_candidate, std::move(bytes)});
  }
}

}  // namespace tern::ike

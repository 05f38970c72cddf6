// mobike_update task (see mobike_update.h).
#include "ike/tasks/mobike_update.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/ike_sa.h"
#include "ike/mobike_addresses.h"
#include "ike/nat_detection.h"

namespace tern::ike {
namespace {

using wire::NotifyType;

constexpr size_t kCookie2Size = 16;  // §3.7 allows 8 to 64 octets

// A request that carries NAT_DETECTION but no address notify (§3.8).
bool only_nat_detection(const IkeMessage& msg) {
  return msg.find_notify(NotifyType::UPDATE_SA_ADDRESSES) == nullptr &&
         msg.find_notify(NotifyType::ADDITIONAL_IP4_ADDRESS) == nullptr &&
         msg.find_notify(NotifyType::ADDITIONAL_IP6_ADDRESS) == nullptr &&
         msg.find_notify(NotifyType::NO_ADDITIONAL_ADDRESSES) == nullptr;
}

std::string path_text(const IkeSa& sa) {
  return fmt::format("{} - {}{}", sa.local.to_string(), sa.remote.to_string(),
                     sa.nat_detected() ? " (NAT: ESP in UDP)" : "");
}

}  // namespace

void add_nat_detection(TaskContext& ctx, IkeMessage& msg, const Address& local, const Address& remote) {
  const IkeSa& sa = ctx.sa;
  Bytes source = sa.config->force_encap ? ctx.random.bytes(kNatDetectionHashSize)
                                        : nat_detection_hash(sa.spi_i, sa.spi_r, local);
  msg.add_notify(NotifyType::NAT_DETECTION_SOURCE_IP, std::move(source));
  msg.add_notify(NotifyType::NAT_DETECTION_DESTINATION_IP, nat_detection_hash(sa.spi_i, sa.spi_r, remote));
}

void remember_nat_destination(IkeSa& sa, const IkeMessage& answer) {
  if (const auto* seen = answer.find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP))
    sa.rare_mut().nat_destination_seen = seen->data;
}

void move_children(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  for (ChildSa& child : sa.children) {
    child.encap = sa.nat_detected();
    ctx.effects.push_back(UpdateChildSa{sa.id, sa.connection_name(), child.name, child.spi_in, child.spi_out,
                                        sa.local, sa.remote, child.encap});
  }
}

TaskStatus MobikeUpdate::build(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (initiator()) {
    if (paths_.empty()) {
      paths_ = mobike_paths(sa, ctx.local_addresses);
      ++ctx.counters.mobike_updates_sent;
    }
    msg.add_notify(NotifyType::UPDATE_SA_ADDRESSES);
    add_nat_detection(ctx, msg, sa.local, sa.remote);
    if (options_.no_nats_allowed)
      msg.add_notify(NotifyType::NO_NATS_ALLOWED, no_nats_allowed_data(sa.local, sa.remote));
    if (options_.cookie2) {
      if (cookie2_.empty()) cookie2_ = ctx.random.bytes(kCookie2Size);  // one value for every version
      msg.add_notify(NotifyType::COOKIE2, cookie2_);
    }
    add_additional_addresses(msg, sa.local, ctx.local_addresses);
    return TaskStatus::need_more;
  }
  if (unexpected_nat_) {
    msg.add_notify(NotifyType::UNEXPECTED_NAT_DETECTED);
  } else if (updated_) {
    add_nat_detection(ctx, msg, sa.local, sa.remote);
  } else if (echo_nat_) {
    // §3.8: NAT_DETECTION in a request without UPDATE_SA_ADDRESSES (the
    // peer's liveness check): answered with the hashes of the addresses the
    // request came from and to, so that a peer behind a NAT sees its mapping.
    add_nat_detection(ctx, msg, echo_local_, echo_remote_);
  }
  if (!cookie2_.empty()) msg.add_notify(NotifyType::COOKIE2, cookie2_);
  return TaskStatus::done;
}

bool MobikeUpdate::before_retransmit(TaskContext& ctx, uint32_t retransmit) {
  if (!initiator() || paths_.size() < 2 || ++retransmits_on_path_ < retransmits_per_path_) return false;
  retransmits_on_path_ = 0;
  IkeSa& sa = ctx.sa;
  const Address old_local = sa.local, old_remote = sa.remote;
  path_ = (path_ + 1) % paths_.size();
  sa.local = paths_[path_].first;
  sa.remote = paths_[path_].second;
  if (!sa.local.same_ip(old_local)) {
    ctx.event(EventKind::ike_sa_moved,
              fmt::format("no answer to UPDATE_SA_ADDRESSES on {} - {} after {} retransmits: trying our "
                          "address {} with the peer's {} (RFC 4555 §3.5)",
                          old_local.to_string(), old_remote.to_string(), retransmit, sa.local.to_string(),
                          sa.remote.to_string()));
  } else {
    ctx.event(EventKind::ike_sa_moved,
              fmt::format("no answer to UPDATE_SA_ADDRESSES from {} after {} retransmits: trying the peer's "
                          "address {}",
                          old_remote.to_string(), retransmit, sa.remote.to_string()));
  }
  return !(sa.local == old_local && sa.remote == old_remote);
}

bool MobikeUpdate::start_probing(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  const Address old_local = sa.local, old_remote = sa.remote;
  // MOBIKE peers move on the NAT-T port (as on_local_addresses does).
  sa.local = sa.local.with_port(ctx.config.natt_port);
  sa.remote = sa.remote.with_port(ctx.config.natt_port);
  paths_ = mobike_paths(sa, ctx.local_addresses);
  if (paths_.size() < 2) {
    paths_.clear();
    sa.local = old_local;
    sa.remote = old_remote;
    return false;
  }
  // The current pair stopped answering: first our other addresses towards
  // the peer's current one (our access link is the likelier cause), then
  // the peer's other addresses; one retransmission on each.
  const Address current_local = paths_.front().first, current_remote = paths_.front().second;
  std::stable_partition(paths_.begin() + 1, paths_.end(), [&](const std::pair<Address, Address>& p) {
    return !p.first.same_ip(current_local) && p.second.same_ip(current_remote);
  });
  retransmits_per_path_ = 1;
  ++ctx.counters.mobike_updates_sent;
  path_ = 1;
  sa.local = paths_[path_].first;
  sa.remote = paths_[path_].second;
  return true;
}

TaskStatus MobikeUpdate::process(TaskContext& ctx, const IkeMessage& msg) {
  if (initiator()) return process_response(ctx, msg);
  IkeSa& sa = ctx.sa;
  if (const auto* cookie2 = msg.find_notify(NotifyType::COOKIE2)) cookie2_ = cookie2->data;
  if (!sa.mobike && only_nat_detection(msg)) return TaskStatus::need_more;  // answered empty
  if (!sa.mobike) {
    ++ctx.counters.mobike_updates_ignored;
    ctx.event(EventKind::message_dropped,
              "address notifies ignored: MOBIKE was not negotiated on this IKE SA (RFC 4555 §3.1)");
    return TaskStatus::need_more;
  }
  std::optional<std::vector<Address>> addresses = read_additional_addresses(msg);
  // NO_ADDITIONAL_ADDRESSES on an SA that knows none changes nothing (and needs no rare block).
  if (addresses && (!addresses->empty() || !sa.rare().peer_additional_addresses.empty())) {
    sa.rare_mut().peer_additional_addresses = std::move(*addresses);
    sa.trim_rare();
  }
  if (!ctx.received_local || !ctx.received_remote) return TaskStatus::need_more;
  if (msg.find_notify(NotifyType::UPDATE_SA_ADDRESSES) == nullptr) {
    if (msg.find_notify(NotifyType::NAT_DETECTION_SOURCE_IP) != nullptr) {
      echo_nat_ = true;
      echo_local_ = *ctx.received_local;
      echo_remote_ = *ctx.received_remote;
    }
    return TaskStatus::need_more;
  }
  const Address& local = *ctx.received_local;
  const Address& remote = *ctx.received_remote;
  if (sa.rare().last_address_update && msg.message_id < *sa.rare().last_address_update) {
    ++ctx.counters.mobike_updates_ignored;
    ctx.event(
        EventKind::ike_sa_moved,
        fmt::format("UPDATE_SA_ADDRESSES with Message ID {} ignored: one with ID {} was followed already "
                    "(RFC 4555 §3.5)",
                    msg.message_id, *sa.rare().last_address_update));
    return TaskStatus::need_more;
  }
  if (const auto* no_nats = msg.find_notify(NotifyType::NO_NATS_ALLOWED)) {
    if (!no_nats_allowed_matches(no_nats->data, remote, local)) {
      unexpected_nat_ = true;
      ++ctx.counters.mobike_updates_refused;
      ctx.event(
          EventKind::ike_sa_moved,
          fmt::format("UPDATE_SA_ADDRESSES from {} to {} refused with UNEXPECTED_NAT_DETECTED: the peer "
                      "allows no NAT (NO_NATS_ALLOWED) and its addresses were translated (RFC 4555 §3.9)",
                      remote.to_string(), local.to_string()));
      return TaskStatus::need_more;
    }
  }
  const std::string before = path_text(sa);
  const NatCheck nat = check_nat_detection(msg, sa.spi_i, sa.spi_r, remote, local);
  sa.local = local;
  sa.remote = remote;
  sa.rare_mut().last_address_update = msg.message_id;
  if (nat.present) {
    sa.remote_behind_nat = nat.source_natted;
    sa.local_behind_nat = nat.destination_natted || sa.config->force_encap;
  }
  updated_ = true;
  ++ctx.counters.mobike_updates_followed;
  move_children(ctx);
  ctx.event(EventKind::ike_sa_moved, fmt::format("peer moved the IKE SA and {} CHILD_SA(s): {} -> {}",
                                                 sa.children.size(), before, path_text(sa)));
  return TaskStatus::need_more;
}

TaskStatus MobikeUpdate::process_response(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (!cookie2_.empty()) {
    const auto* echo = msg.find_notify(NotifyType::COOKIE2);
    if (echo == nullptr || !equal(echo->data, cookie2_)) {
      ++ctx.counters.mobike_updates_failed;
      sa.die(
          fmt::format("the answer to UPDATE_SA_ADDRESSES {} COOKIE2 we sent (RFC 4555 §3.7: return "
                      "routability check failed)",
                      echo == nullptr ? "lacks the" : "does not echo the"));
      return TaskStatus::failed;
    }
  }
  if (msg.find_notify(NotifyType::UNEXPECTED_NAT_DETECTED) != nullptr) {
    ++ctx.counters.mobike_updates_failed;
    ctx.event(EventKind::ike_sa_moved,
              fmt::format("peer refused the move to {}: a NAT is on the path and we sent NO_NATS_ALLOWED "
                          "(UNEXPECTED_NAT_DETECTED, RFC 4555 §3.9); the CHILD_SAs were not moved",
                          path_text(sa)));
    return TaskStatus::done;
  }
  if (const wire::NotifyPayload* error = msg.find_error_notify()) {
    ++ctx.counters.mobike_updates_failed;
    ctx.event(EventKind::ike_sa_moved,
              fmt::format("peer refused UPDATE_SA_ADDRESSES: {}", wire::to_string(error->type)));
    return TaskStatus::done;
  }
  // The hashes of the answer: source is the peer (remote), destination us.
  const NatCheck nat = check_nat_detection(msg, sa.spi_i, sa.spi_r, sa.remote, sa.local);
  if (nat.present) {
    sa.remote_behind_nat = nat.source_natted;
    sa.local_behind_nat = nat.destination_natted || sa.config->force_encap;
  }
  remember_nat_destination(sa, msg);
  if (sa.nat_detected() && sa.local.port != ctx.config.natt_port) {
    sa.local = sa.local.with_port(ctx.config.natt_port);
    sa.remote = sa.remote.with_port(ctx.config.natt_port);
  }
  move_children(ctx);
  ++ctx.counters.mobike_updates_completed;
  ctx.event(EventKind::ike_sa_moved,
            fmt::format("IKE SA and {} CHILD_SA(s) moved to {}", sa.children.size(), path_text(sa)));
  return TaskStatus::done;
}

}  // namespace tern::ike

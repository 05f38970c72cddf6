// child_rekey task (see child_rekey.h).
#include "ike/tasks/child_rekey.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "ike/child_install.h"
#include "ike/ike_sa.h"
#include "ike/pfs_diagnosis.h"
#include "ike/rekey_collision.h"
#include "ike/tasks/child_delete.h"
#include "ike/ts_narrowing.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

constexpr size_t kNonceSize = 32;

Bytes spi_bytes(uint32_t spi) {
  return {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16), static_cast<uint8_t>(spi >> 8),
          static_cast<uint8_t>(spi)};
}

std::optional<uint32_t> spi_from(const Bytes& bytes) {
  if (bytes.size() != 4) return std::nullopt;
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

// The group for KEi: the one the peer asked for, else the first suite's.
wire::KeGroup request_group(const ChildConfig& config, std::optional<wire::KeGroup> retry) {
  if (retry) return *retry;
  return config.esp_proposals.empty() ? wire::KeGroup::NONE : config.esp_proposals.front().ke;
}

}  // namespace

TaskStatus ChildRekey::build(TaskContext& ctx, IkeMessage& msg) {
  if (initiator()) return build_request(ctx, msg);
  build_response(ctx, msg);
  return TaskStatus::done;
}

TaskStatus ChildRekey::process(TaskContext& ctx, const IkeMessage& msg) {
  if (initiator()) return process_response(ctx, msg);
  process_request(ctx, msg);
  return TaskStatus::need_more;
}

const ChildConfig& ChildRekey::child_config(const TaskContext& ctx) const {
  return ctx.sa.config->child_or_first(child_name_);
}

// --- initiator ---------------------------------------------------------------

TaskStatus ChildRekey::build_request(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  ChildSa* old = sa.find_child_by_spi_in(old_spi_in_);
  if (old != nullptr) child_name_ = old->name;
  const ChildConfig& config = child_config(ctx);
  if (old == nullptr || old->being_closed() || old->rekeyed || config.esp_proposals.empty()) {
    // Gone, going or already replaced (the peer's rekey of it was answered,
    // §2.25.1) while this waited for its turn behind the window: CREATE_CHILD_SA
    // cannot be empty, so the request becomes an empty INFORMATIONAL (a liveness check).
    if (old != nullptr) {
      old->rekeying = false;
      ctx.event(
          EventKind::child_sa_rekey_collision,
          fmt::format("our rekey of CHILD_SA {} (SPI in 0x{:08x}) is not sent: {} while it waited for "
                      "its turn",
                      old->name, old_spi_in_, old->rekeyed ? "the peer rekeyed it" : "it is being deleted"));
    }
    msg.exchange = ExchangeType::INFORMATIONAL;
    return TaskStatus::done;
  }
  old->rekeying = true;
  const wire::KeGroup group = request_group(config, retry_group_);
  ke_.reset();
  if (group != wire::KeGroup::NONE) {
    Result<std::unique_ptr<crypto::KeyExchange>> ke = crypto::KeyExchange::create(group, ctx.random);
    if (!ke) {
      // Our own configuration names a group crypto/ cannot do: not the peer's fault.
      give_up(ctx, "key exchange: " + ke.error().to_string());
      msg.exchange = ExchangeType::INFORMATIONAL;
      return TaskStatus::done;
    }
    ke_ = std::move(*ke);
  }
  new_spi_in_ = allocate_esp_spi(ctx);
  nonce_i_ = ctx.random.bytes(kNonceSize);
  msg.add(PayloadType::Notify,
          wire::NotifyPayload{wire::ProtocolId::ESP, spi_bytes(old_spi_in_), NotifyType::REKEY_SA, {}});
  if (old->mode == ChildMode::transport) msg.add_notify(NotifyType::USE_TRANSPORT_MODE);
  msg.add(PayloadType::SA, wire::SaPayload{esp_proposals(config.esp_proposals, new_spi_in_)});
  msg.add(PayloadType::Nonce, wire::NoncePayload{nonce_i_});
  if (ke_) {
    const ByteView kei = ke_->public_value();
    msg.add(PayloadType::KE, wire::KePayload{group, Bytes(kei.begin(), kei.end())});
  }
  msg.add(PayloadType::TSi, wire::TsPayload{old->local_ts});
  msg.add(PayloadType::TSr, wire::TsPayload{old->remote_ts});
  return TaskStatus::need_more;
}

TaskStatus ChildRekey::give_up(TaskContext& ctx, std::string why) {
  IkeSa& sa = ctx.sa;
  if (ChildSa* old = sa.find_child_by_spi_in(old_spi_in_)) old->rekeying = false;
  ++ctx.counters.child_rekeys_failed;
  ctx.event(EventKind::child_sa_rekey_failed,
            fmt::format("rekeying CHILD_SA {} (SPI in 0x{:08x}) failed: {}; the old CHILD_SA stays in use",
                        child_name_, old_spi_in_, why));
  return TaskStatus::done;
}

TaskStatus ChildRekey::refused_over_pfs(TaskContext& ctx, const std::string& problem) {
  ChildSa* old = ctx.sa.find_child_by_spi_in(old_spi_in_);
  if (old == nullptr) return give_up(ctx, problem);
  note_pfs_refusal(ctx, *old, problem);
  return TaskStatus::done;
}

TaskStatus ChildRekey::process_response(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ChildConfig& config = child_config(ctx);
  const std::string peer = wire::ip_address_to_string(sa.remote.ip_bytes());
  if (const wire::NotifyPayload* n = msg.find_notify(NotifyType::INVALID_KE_PAYLOAD)) {
    if (n->data.size() != 2) return give_up(ctx, "peer answered INVALID_KE_PAYLOAD without a group");
    auto wanted = static_cast<wire::KeGroup>((n->data[0] << 8) | n->data[1]);
    const bool ours = std::any_of(config.esp_proposals.begin(), config.esp_proposals.end(),
                                  [&](const EspSuite& s) { return s.ke == wanted; });
    const wire::KeGroup sent = ke_ ? ke_->group() : wire::KeGroup::NONE;
    if (ours && !retry_group_ && wanted != sent) {
      retry_group_ = wanted;
      ctx.event(EventKind::invalid_ke_retry,
                fmt::format("peer {} asked for the PFS group {} for child {} (INVALID_KE_PAYLOAD); retrying "
                            "the rekey with it",
                            peer, group_keyword(wanted), config.name));
      return TaskStatus::need_more;  // build_request again, in a new exchange
    }
    return refused_over_pfs(
        ctx, sent == wire::KeGroup::NONE
                 ? fmt::format("peer {} requires the PFS group {} for child {}; we allow no PFS", peer,
                               group_keyword(wanted), config.name)
                 : fmt::format("peer {} refused the PFS group {} for child {}; it accepts: {}", peer,
                               group_keyword(sent), config.name, group_keyword(wanted)));
  }
  if (msg.find_notify(NotifyType::TEMPORARY_FAILURE) != nullptr) {
    // §2.25.1: the peer is closing this child (its Delete is under way, or it
    // replaced it already). Try again 2 to 10 s later, if the child is still
    // there and still ours to rekey then.
    ChildSa* old = sa.find_child_by_spi_in(old_spi_in_);
    std::string next = "it is gone meanwhile; no retry";
    if (old != nullptr) {
      old->rekeying = false;
      const Duration delay = temporary_failure_retry(ctx.random);
      old->rekey_at = ctx.now + delay;
      next = old->can_rekey()
                 ? fmt::format("trying again in {} ms",
                               std::chrono::duration_cast<std::chrono::milliseconds>(delay).count())
                 : std::string("no retry: it is replaced or being deleted here too");
    }
    ++ctx.counters.child_rekeys_failed;
    ++ctx.counters.child_rekeys_postponed;
    ctx.event(EventKind::child_sa_rekey_failed,
              fmt::format("rekeying CHILD_SA {} (SPI in 0x{:08x}): peer {} answered TEMPORARY_FAILURE (it is "
                          "deleting or replacing it, RFC 7296 §2.25.1); {}",
                          config.name, old_spi_in_, peer, next));
    return TaskStatus::done;
  }
  if (const wire::NotifyPayload* n = msg.find_error_notify()) {
    if (n->type == NotifyType::NO_PROPOSAL_CHOSEN) {
      // The peer accepted these ESP algorithms without a group in IKE_AUTH
      // (§1.2): what differs now is the KE transform (pfs_diagnosis.h).
      const wire::KeGroup sent = ke_ ? ke_->group() : wire::KeGroup::NONE;
      return refused_over_pfs(
          ctx,
          sent == wire::KeGroup::NONE
              ? fmt::format("peer {} answered NO_PROPOSAL_CHOSEN to a rekey without PFS for child {}, "
                            "although it accepted the same ESP algorithms when the CHILD_SA was made: it "
                            "wants a PFS group, and we allow none",
                            peer, config.name)
              : fmt::format("peer {} answered NO_PROPOSAL_CHOSEN to the PFS group {} for child {}, "
                            "although it accepted the same ESP algorithms without PFS when the CHILD_SA "
                            "was made: it wants another PFS group, or none (we allow: {})",
                            peer, group_keyword(sent), config.name,
                            pfs_groups_text(pfs_groups(config.esp_proposals))));
    }
    std::string why = fmt::format("peer {} answered {}", peer, wire::to_string(n->type));
    if (n->type == NotifyType::NO_PROPOSAL_CHOSEN)
      why += fmt::format(" (we offered {})", [&] {
        std::string out;
        for (const EspSuite& s : config.esp_proposals) out += (out.empty() ? "" : ", ") + s.to_string();
        return out;
      }());
    return give_up(ctx, std::move(why));
  }
  ChildSa* old = sa.find_child_by_spi_in(old_spi_in_);
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  const auto* tsi = msg.find<wire::TsPayload>(PayloadType::TSi);
  const auto* tsr = msg.find<wire::TsPayload>(PayloadType::TSr);
  if (sa_payload == nullptr || nonce == nullptr || tsi == nullptr || tsr == nullptr)
    return give_up(ctx, "peer's answer lacks SA, Nr, TSi or TSr");
  std::optional<Selection<EspSuite>> chosen = check_esp_answer(*sa_payload, config.esp_proposals);
  std::optional<uint32_t> spi_out = chosen ? spi_from(chosen->peer_spi) : std::nullopt;
  // The responder installed its half when it answered: refusing the answer
  // means asking it to delete that half (INFORMATIONAL D(ESP, new SPI)).
  auto refuse_answer = [&](std::string why) {
    sa.tasks.queue(ChildDelete::refused(new_spi_in_));
    return give_up(ctx, std::move(why));
  };
  if (!chosen || !spi_out) return refuse_answer("peer chose an ESP proposal we did not offer");
  if (!is_subset(tsi->selectors, config.local_ts) || !is_subset(tsr->selectors, config.remote_ts))
    return refuse_answer("peer's selectors are not a subset of ours");
  SecretBytes g_ir;
  if (chosen->suite.ke != wire::KeGroup::NONE) {
    const auto* ker = msg.find<wire::KePayload>(PayloadType::KE);
    if (!ke_ || ker == nullptr || ker->group != ke_->group())
      return refuse_answer(
          fmt::format("peer chose PFS group {} but sent no matching KEr", group_keyword(chosen->suite.ke)));
    ++ctx.counters.dh_computations;
    Result<SecretBytes> shared = ke_->compute_shared_secret(ker->data);
    if (!shared) return refuse_answer("peer's KEr is unusable: " + shared.error().to_string());
    g_ir = std::move(*shared);
  }
  if (const std::vector<uint32_t>& deleted = sa.rare().unknown_spis_deleted;
      std::find(deleted.begin(), deleted.end(), *spi_out) != deleted.end()) {
    // The peer's Delete of the new pair overtook this answer (the peer is
    // taking the child down): its half is gone already, ours is never installed.
    std::erase(sa.rare_mut().unknown_spis_deleted, *spi_out);
    if (old != nullptr) old->rekeying = false;
    ++ctx.counters.child_rekeys_failed;
    ctx.event(
        EventKind::child_sa_rekey_failed,
        fmt::format("rekeying CHILD_SA {}: the peer deleted the new CHILD_SA (its SPI {:08x}) before its "
                    "answer arrived; nothing installed",
                    config.name, *spi_out));
    return TaskStatus::done;
  }
  if (old == nullptr || old->closing) {
    // Deleted meanwhile (by the peer, §2.25.1: a Delete crossing our rekey),
    // or we are deleting it by local request: the new pair would have no
    // predecessor to replace, or would undo the deletion; ask the peer to drop
    // its half (we never install ours).
    sa.tasks.queue(ChildDelete::refused(new_spi_in_));
    ++ctx.counters.child_rekeys_failed;
    ctx.event(
        EventKind::child_sa_rekey_failed,
        fmt::format("rekeying CHILD_SA {}: the old CHILD_SA was {} meanwhile; the new one (SPI in "
                    "0x{:08x}) is deleted too",
                    config.name, old == nullptr ? "deleted by the peer" : "being deleted here", new_spi_in_));
    return TaskStatus::done;
  }
  nonce_r_ = nonce->data;
  const ChildMode mode =
      (old->mode == ChildMode::transport && msg.find_notify(NotifyType::USE_TRANSPORT_MODE) != nullptr)
          ? ChildMode::transport
          : ChildMode::tunnel;
  const uint32_t old_spi_out = old->spi_out;
  // A pair that loses a simultaneous rekey (§2.8.1) is deleted at once: it
  // never carries our traffic (the old pair does, until the winner's is used).
  const bool redundant =
      old->peer_rekey && redundant_rekey(RekeyExchange{nonce_i_, nonce_r_, new_spi_in_}, *old->peer_rekey,
                                         sa.role) == RedundantRekey::ours;
  if (!install_child(
          ctx, config,
          NewChild{new_spi_in_, *spi_out, chosen->suite, tsi->selectors, tsr->selectors, mode, redundant},
          g_ir.view(), nonce_i_, nonce_r_, Role::initiator)) {
    sa.tasks.queue(ChildDelete::refused(new_spi_in_));
    return give_up(ctx, "key derivation failed");
  }
  ++ctx.counters.child_rekeys_completed;
  old = sa.find_child_by_spi_in(old_spi_in_);  // install_child added to sa.children
  old->rekeying = false;
  old->rekey_at.reset();
  if (old->peer_rekey) return resolve_collision(ctx, *old, *spi_out);
  old->rekeyed = true;
  // Make-before-break: the new pair is in place; now the old one goes. From
  // here on a rekey of it by the peer is answered TEMPORARY_FAILURE (§2.25.1).
  old->closing = !old->hard_limit_reached;  // (at its hard limit, its Delete is queued already)
  if (old->hard_limit_reached) return TaskStatus::done;
  sa.tasks.queue(std::make_unique<ChildDelete>(
      old_spi_in_, fmt::format("rekeyed: replaced by SPIs {:08x}_i {:08x}_o (old {:08x}_o)", new_spi_in_,
                               *spi_out, old_spi_out)));
  return TaskStatus::done;
}

// §2.8.1: both ends rekeyed `old`; both exchanges are complete here. The pair
// made by the exchange with the lowest nonce goes (its initiator deletes it);
// the initiator of the other exchange deletes `old`. The peer decides the same
// from the same nonces.
TaskStatus ChildRekey::resolve_collision(TaskContext& ctx, ChildSa& old, uint32_t new_spi_out) {
  IkeSa& sa = ctx.sa;
  const RekeyExchange ours{nonce_i_, nonce_r_, new_spi_in_};
  const RekeyExchange theirs = *old.peer_rekey;
  const uint32_t old_spi_in = old.spi_in, old_spi_out = old.spi_out;
  const std::string name = old.name;
  old.rekeyed = true;
  ++ctx.counters.child_rekey_collisions;
  const std::string lowest = lowest_nonce_hex(ours, theirs);
  if (redundant_rekey(ours, theirs, sa.role) == RedundantRekey::ours) {
    // Ours lost: we delete the pair we made; the peer deletes `old`.
    ++ctx.counters.child_rekey_collisions_lost;
    if (ChildSa* mine = sa.find_child_by_spi_in(new_spi_in_)) {
      mine->rekeyed = true;
      mine->closing = true;
      mine->rekey_at.reset();
    }
    ctx.event(
        EventKind::child_sa_rekey_collision,
        fmt::format("simultaneous rekey of CHILD_SA {} (RFC 7296 §2.8.1): ours lost on nonces (the lowest, "
                    "{}, is in our exchange); deleting our redundant SPIs {:08x}_i {:08x}_o, keeping the "
                    "peer's {:08x}_i; the peer deletes the old {:08x}_i",
                    name, lowest, new_spi_in_, new_spi_out, theirs.new_spi_in, old_spi_in));
    sa.tasks.queue(std::make_unique<ChildDelete>(
        new_spi_in_,
        fmt::format("redundant: simultaneous rekey, the peer's new CHILD_SA (SPI in {:08x}) won on "
                    "nonces (RFC 7296 §2.8.1)",
                    theirs.new_spi_in)));
    return TaskStatus::done;
  }
  // Ours won: the peer deletes the pair it made; we delete `old`.
  if (ChildSa* redundant = sa.find_child_by_spi_in(theirs.new_spi_in)) {
    redundant->rekeyed = true;  // the peer's Delete of it is coming
    redundant->rekey_at.reset();
  }
  ctx.event(
      EventKind::child_sa_rekey_collision,
      fmt::format("simultaneous rekey of CHILD_SA {} (RFC 7296 §2.8.1): ours won on nonces (the lowest, "
                  "{}, is in the peer's exchange); keeping SPIs {:08x}_i {:08x}_o, the peer deletes its "
                  "redundant {:08x}_i; deleting the old {:08x}_i",
                  name, lowest, new_spi_in_, new_spi_out, theirs.new_spi_in, old_spi_in));
  old.closing = !old.hard_limit_reached;
  if (old.hard_limit_reached) return TaskStatus::done;
  sa.tasks.queue(std::make_unique<ChildDelete>(
      old_spi_in,
      fmt::format("rekeyed: replaced by SPIs {:08x}_i {:08x}_o (old {:08x}_o) after a simultaneous "
                  "rekey",
                  new_spi_in_, new_spi_out, old_spi_out)));
  return TaskStatus::done;
}

// --- responder ---------------------------------------------------------------

void ChildRekey::refuse(TaskContext& ctx, NotifyType type, Bytes data, std::string why) {
  error_ = wire::NotifyPayload{wire::ProtocolId::NONE, {}, type, std::move(data)};
  ++ctx.counters.child_rekeys_refused;
  ctx.event(
      EventKind::child_sa_failed,
      fmt::format("peer's rekey of CHILD_SA {} refused ({}): {}",
                  child_name_.empty() ? std::string("(unknown)") : child_name_, wire::to_string(type), why));
}

void ChildRekey::process_request(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (sa.replacement_pending) {
    // The CHILD_SAs are still on the IKE SA this one may replace (ike_rekey.h).
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {},
           "the simultaneous IKE SA rekey that made this IKE SA is not settled yet (RFC 7296 §2.8.2)");
    return;
  }
  if (sa.retire_at) {
    // A new pair here would take the traffic from the reauthentication's
    // CHILD_SAs and die with this IKE SA a moment later.
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {}, sa.retiring_reason());
    return;
  }
  const wire::NotifyPayload* rekey = msg.find_notify(NotifyType::REKEY_SA);
  std::optional<uint32_t> old_spi_out =
      (rekey != nullptr && rekey->protocol == wire::ProtocolId::ESP) ? spi_from(rekey->spi) : std::nullopt;
  ChildSa* old = old_spi_out ? sa.find_child_by_spi_out(*old_spi_out) : nullptr;
  if (old == nullptr || (old->rekeyed && !old->being_closed())) {
    // §3.10.1: CHILD_SA_NOT_FOUND names the SPI the request named (a child
    // already replaced by the peer's earlier rekey counts as gone).
    refuse(ctx, NotifyType::CHILD_SA_NOT_FOUND, {},
           fmt::format("ESP SPI {:08x} names no CHILD_SA of ours", old_spi_out.value_or(0)));
    if (old_spi_out) {
      error_->protocol = wire::ProtocolId::ESP;
      error_->spi = spi_bytes(*old_spi_out);
    }
    return;
  }
  if (old->being_closed()) {
    // §2.25.1: "a request to rekey a Child SA that it is currently trying to close".
    ++ctx.counters.child_rekeys_refused_closing;
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {},
           fmt::format("we are deleting it (SPI in 0x{:08x}; RFC 7296 §2.25.1)", old->spi_in));
    return;
  }
  // A child we are rekeying ourselves is answered as usual (§2.25.1); the
  // collision is decided when our own exchange completes (§2.8.1).
  collision_ = old->rekeying;
  old_spi_in_ = old->spi_in;
  child_name_ = old->name;
  const ChildConfig& config = child_config(ctx);
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  const auto* tsi = msg.find<wire::TsPayload>(PayloadType::TSi);
  const auto* tsr = msg.find<wire::TsPayload>(PayloadType::TSr);
  if (sa_payload == nullptr || nonce == nullptr || tsi == nullptr || tsr == nullptr) {
    refuse(ctx, NotifyType::TS_UNACCEPTABLE, {}, "the request has no TSi/TSr");
    return;
  }
  selected_ = select_esp_proposal(sa_payload->proposals, config.esp_proposals);
  if (!selected_ || !spi_from(selected_->peer_spi)) {
    if (std::optional<std::string> pfs =
            disjoint_pfs_groups(sa_payload->proposals, config.esp_proposals,
                                wire::ip_address_to_string(sa.remote.ip_bytes()), config.name, true)) {
      note_peer_rekey_refused_over_pfs(ctx, *old, *pfs + "; its rekeys of this child are refused");
    }
    refuse(
        ctx, NotifyType::NO_PROPOSAL_CHOSEN, {},
        "no acceptable ESP proposal: " + explain_esp_mismatch(sa_payload->proposals, config.esp_proposals));
    return;
  }
  const wire::KeGroup group = selected_->suite.ke;
  if (group != wire::KeGroup::NONE) {
    const auto* kei = msg.find<wire::KePayload>(PayloadType::KE);
    if (kei == nullptr || kei->group != group) {
      refuse(ctx, NotifyType::INVALID_KE_PAYLOAD, group_bytes(group),
             fmt::format("we want the PFS group {}; peer sent {}", group_keyword(group),
                         kei == nullptr ? std::string("no KEi") : group_keyword(kei->group)));
      return;
    }
    peer_ke_ = kei->data;
  }
  tsi_ = narrow(tsi->selectors, config.remote_ts);
  tsr_ = narrow(tsr->selectors, config.local_ts);
  if (tsi_.empty() || tsr_.empty()) {
    refuse(ctx, NotifyType::TS_UNACCEPTABLE, {}, "its selectors are not within ours");
    return;
  }
  new_spi_out_ = *spi_from(selected_->peer_spi);
  nonce_i_ = nonce->data;
  mode_ = (msg.find_notify(NotifyType::USE_TRANSPORT_MODE) != nullptr && old->mode == ChildMode::transport)
              ? ChildMode::transport
              : ChildMode::tunnel;
}

void ChildRekey::build_response(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (!error_ && sa.find_child_by_spi_in(old_spi_in_) == nullptr) {
    refuse(ctx, NotifyType::CHILD_SA_NOT_FOUND, {}, "the CHILD_SA went while the request was handled");
  }
  SecretBytes g_ir;
  if (!error_ && !peer_ke_.empty()) {
    ++ctx.counters.dh_computations;
    Result<crypto::KeyExchangeAnswer> answer =
        crypto::answer_key_exchange(selected_->suite.ke, peer_ke_, ctx.random);
    if (!answer) {
      refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, {}, "its KEi is unusable: " + answer.error().to_string());
    } else {
      ke_ = std::move(answer->ke);
      g_ir = std::move(answer->shared);
    }
  }
  if (error_) {
    msg.add(PayloadType::Notify, *error_);
    return;
  }
  new_spi_in_ = allocate_esp_spi(ctx);
  nonce_r_ = ctx.random.bytes(kNonceSize);
  // Make-before-break: the new inbound SA is installed before the answer goes
  // out; the new outbound one is used once the initiator has the pair too.
  if (!install_child(ctx, child_config(ctx),
                     NewChild{new_spi_in_, new_spi_out_, selected_->suite, tsr_, tsi_, mode_, true},
                     g_ir.view(), nonce_i_, nonce_r_, Role::responder)) {
    refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, {}, "key derivation failed");
    msg.add(PayloadType::Notify, *error_);
    return;
  }
  ++ctx.counters.child_rekeys_answered;
  if (ChildSa* old = sa.find_child_by_spi_in(old_spi_in_)) {
    old->rekeyed = true;  // the initiator deletes it next (or, §2.8.1, whoever wins)
    old->rekey_at.reset();
    if (collision_ && old->rekeying) {
      old->peer_rekey = RekeyExchange{nonce_i_, nonce_r_, new_spi_in_};
      ctx.event(
          EventKind::child_sa_rekey_collision,
          fmt::format("simultaneous rekey of CHILD_SA {} (SPI in 0x{:08x}): answered the peer's rekey "
                      "(new SPIs {:08x}_i {:08x}_o) while ours is under way; the lowest nonce decides which "
                      "new pair stays (RFC 7296 §2.8.1)",
                      old->name, old_spi_in_, new_spi_in_, new_spi_out_));
    }
  }
  if (mode_ == ChildMode::transport) msg.add_notify(NotifyType::USE_TRANSPORT_MODE);
  msg.add(PayloadType::SA, wire::SaPayload{{esp_proposal(selected_->suite, selected_->number, new_spi_in_)}});
  msg.add(PayloadType::Nonce, wire::NoncePayload{nonce_r_});
  if (ke_) {
    const ByteView ker = ke_->public_value();
    msg.add(PayloadType::KE, wire::KePayload{ke_->group(), Bytes(ker.begin(), ker.end())});
  }
  msg.add(PayloadType::TSi, wire::TsPayload{tsi_});
  msg.add(PayloadType::TSr, wire::TsPayload{tsr_});
}

}  // namespace tern::ike

// child_create_additional task (see child_create_additional.h).
#include "ike/tasks/child_create_additional.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/child_install.h"
#include "ike/child_select.h"
#include "ike/ike_sa.h"
#include "ike/pfs_diagnosis.h"
#include "ike/tasks/child_delete.h"
#include "ike/ts_narrowing.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

constexpr size_t kNonceSize = 32;

std::optional<uint32_t> spi_from(const Bytes& bytes) {
  if (bytes.size() != 4) return std::nullopt;
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

std::string suites_text(const std::vector<EspSuite>& suites) {
  std::string out;
  for (const EspSuite& s : suites) out += (out.empty() ? "" : ", ") + s.to_string();
  return out;
}

}  // namespace

TaskStatus ChildCreateAdditional::build(TaskContext& ctx, IkeMessage& msg) {
  if (initiator()) return build_request(ctx, msg);
  build_response(ctx, msg);
  return TaskStatus::done;
}

TaskStatus ChildCreateAdditional::process(TaskContext& ctx, const IkeMessage& msg) {
  if (initiator()) return process_response(ctx, msg);
  process_request(ctx, msg);
  return TaskStatus::need_more;
}

// --- initiator ---------------------------------------------------------------

TaskStatus ChildCreateAdditional::build_request(TaskContext& ctx, IkeMessage& msg) {
  const ChildConfig* config = ctx.sa.config->find_child(child_name_);
  if (config == nullptr || config->esp_proposals.empty()) {
    // CREATE_CHILD_SA cannot be empty: the request becomes a liveness check.
    give_up(ctx, "the connection has no such child (or it has no ESP proposals)");
    msg.exchange = ExchangeType::INFORMATIONAL;
    return TaskStatus::done;
  }
  const wire::KeGroup group = retry_group_.value_or(config->esp_proposals.front().ke);
  ke_.reset();
  if (group != wire::KeGroup::NONE) {
    Result<std::unique_ptr<crypto::KeyExchange>> ke = crypto::KeyExchange::create(group, ctx.random);
    if (!ke) {
      give_up(ctx, "key exchange: " + ke.error().to_string());
      msg.exchange = ExchangeType::INFORMATIONAL;
      return TaskStatus::done;
    }
    ke_ = std::move(*ke);
  }
  spi_in_ = allocate_esp_spi(ctx);
  nonce_i_ = ctx.random.bytes(kNonceSize);
  if (config->mode == ChildMode::transport) msg.add_notify(NotifyType::USE_TRANSPORT_MODE);
  msg.add(PayloadType::SA, wire::SaPayload{esp_proposals(config->esp_proposals, spi_in_)});
  msg.add(PayloadType::Nonce, wire::NoncePayload{nonce_i_});
  if (ke_) {
    const ByteView kei = ke_->public_value();
    msg.add(PayloadType::KE, wire::KePayload{group, Bytes(kei.begin(), kei.end())});
  }
  msg.add(PayloadType::TSi, wire::TsPayload{config->local_ts});
  msg.add(PayloadType::TSr, wire::TsPayload{config->remote_ts});
  return TaskStatus::need_more;
}

TaskStatus ChildCreateAdditional::give_up(TaskContext& ctx, const std::string& why) {
  ++ctx.counters.child_sas_additional_failed;
  ctx.event(EventKind::child_sa_failed,
            fmt::format("CHILD_SA {}: {}; nothing installed, the IKE SA and its other CHILD_SAs stay",
                        child_name_, why));
  return TaskStatus::done;
}

TaskStatus ChildCreateAdditional::process_response(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ChildConfig* config = sa.config->find_child(child_name_);
  if (config == nullptr) return give_up(ctx, "the connection has no such child");
  const std::string peer = wire::ip_address_to_string(sa.remote.ip_bytes());
  if (const wire::NotifyPayload* n = msg.find_notify(NotifyType::INVALID_KE_PAYLOAD)) {
    if (n->data.size() != 2) return give_up(ctx, "peer answered INVALID_KE_PAYLOAD without a group");
    auto wanted = static_cast<wire::KeGroup>((n->data[0] << 8) | n->data[1]);
    const bool ours = std::any_of(config->esp_proposals.begin(), config->esp_proposals.end(),
                                  [&](const EspSuite& s) { return s.ke == wanted; });
    const wire::KeGroup sent = ke_ ? ke_->group() : wire::KeGroup::NONE;
    if (ours && !retry_group_ && wanted != sent) {
      retry_group_ = wanted;
      ctx.event(EventKind::invalid_ke_retry,
                fmt::format("peer {} asked for the PFS group {} for child {} (INVALID_KE_PAYLOAD); retrying "
                            "with it",
                            peer, group_keyword(wanted), child_name_));
      return TaskStatus::need_more;  // build_request again, in a new exchange
    }
    return give_up(ctx, sent == wire::KeGroup::NONE
                            ? fmt::format("peer {} requires the PFS group {}; we allow no PFS for it", peer,
                                          group_keyword(wanted))
                            : fmt::format("peer {} refused the PFS group {}; it asks for {}, which we do not "
                                          "allow for this child (we allow: {})",
                                          peer, group_keyword(sent), group_keyword(wanted),
                                          pfs_groups_text(pfs_groups(config->esp_proposals))));
  }
  if (const wire::NotifyPayload* n = msg.find_error_notify()) {
    std::string why = fmt::format("peer {} refused it: {}", peer, wire::to_string(n->type));
    if (n->type == NotifyType::NO_PROPOSAL_CHOSEN)
      why += fmt::format(" (we offered {})", suites_text(config->esp_proposals));
    else if (n->type == NotifyType::TS_UNACCEPTABLE)
      why += fmt::format(" (we asked TSi {} TSr {})", selectors_text(config->local_ts),
                         selectors_text(config->remote_ts));
    else if (n->type == NotifyType::NO_ADDITIONAL_SAS)
      why += " (it accepts no further CHILD_SA on this IKE SA)";
    return give_up(ctx, why);
  }
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  const auto* tsi = msg.find<wire::TsPayload>(PayloadType::TSi);
  const auto* tsr = msg.find<wire::TsPayload>(PayloadType::TSr);
  if (sa_payload == nullptr || nonce == nullptr || tsi == nullptr || tsr == nullptr)
    return give_up(ctx, "peer's answer lacks SA, Nr, TSi or TSr");
  std::optional<Selection<EspSuite>> chosen = check_esp_answer(*sa_payload, config->esp_proposals);
  std::optional<uint32_t> spi_out = chosen ? spi_from(chosen->peer_spi) : std::nullopt;
  // The responder installed its half when it answered: refusing the answer
  // means asking it to delete that half (INFORMATIONAL D(ESP, our SPI)).
  auto refuse_answer = [&](const std::string& why) {
    sa.tasks.queue(ChildDelete::refused(spi_in_));
    return give_up(ctx, why);
  };
  if (!chosen || !spi_out) return refuse_answer("peer chose an ESP proposal we did not offer");
  if (!is_subset(tsi->selectors, config->local_ts) || !is_subset(tsr->selectors, config->remote_ts))
    return refuse_answer(fmt::format("peer's selectors TSi {} TSr {} are not a subset of ours",
                                     selectors_text(tsi->selectors), selectors_text(tsr->selectors)));
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
    // The peer's Delete of the new pair overtook this answer: its half is gone already.
    std::erase(sa.rare_mut().unknown_spis_deleted, *spi_out);
    return give_up(ctx, "the peer deleted it before its answer arrived");
  }
  spi_out_ = *spi_out;
  nonce_r_ = nonce->data;
  const ChildMode mode =
      (config->mode == ChildMode::transport && msg.find_notify(NotifyType::USE_TRANSPORT_MODE) != nullptr)
          ? ChildMode::transport
          : ChildMode::tunnel;
  if (!install_child(ctx, *config,
                     NewChild{spi_in_, spi_out_, chosen->suite, tsi->selectors, tsr->selectors, mode, false},
                     g_ir.view(), nonce_i_, nonce_r_, Role::initiator))
    return refuse_answer("key derivation failed");
  ++ctx.counters.child_sas_additional_created;
  return TaskStatus::done;
}

// --- responder ---------------------------------------------------------------

void ChildCreateAdditional::refuse(TaskContext& ctx, NotifyType type, Bytes data, const std::string& why) {
  error_ = wire::NotifyPayload{wire::ProtocolId::NONE, {}, type, std::move(data)};
  ++ctx.counters.create_child_sa_refused;
  ctx.event(EventKind::child_sa_failed,
            fmt::format("CHILD_SA {}: the peer's CREATE_CHILD_SA for it refused ({}): {}",
                        child_name_.empty() ? std::string("(none matches)") : child_name_,
                        wire::to_string(type), why));
}

void ChildCreateAdditional::process_request(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (sa.replacement_pending) {
    // Made by a simultaneous IKE SA rekey not settled yet (ike_rekey.h): a
    // CHILD_SA made here could vanish with it if it turns out redundant.
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {},
           "the simultaneous IKE SA rekey that made this IKE SA is not settled yet (RFC 7296 §2.8.2)");
    return;
  }
  if (sa.retire_at) {  // it would die with this IKE SA a moment later
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {}, sa.retiring_reason());
    return;
  }
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  const auto* tsi = msg.find<wire::TsPayload>(PayloadType::TSi);
  const auto* tsr = msg.find<wire::TsPayload>(PayloadType::TSr);
  if (sa_payload == nullptr || nonce == nullptr || tsi == nullptr || tsr == nullptr) {
    refuse(ctx, NotifyType::TS_UNACCEPTABLE, {}, "the request has no TSi/TSr");
    return;
  }
  std::optional<ChildMatch> match = select_child_config(*sa.config, tsi->selectors, tsr->selectors);
  if (!match) {
    refuse(ctx, NotifyType::TS_UNACCEPTABLE, {},
           fmt::format("no child of connection {} accepts TSi {} TSr {}", sa.connection_name(),
                       selectors_text(tsi->selectors), selectors_text(tsr->selectors)));
    return;
  }
  child_ = match->config;
  child_name_ = child_->name;
  selected_ = select_esp_proposal(sa_payload->proposals, child_->esp_proposals);
  if (!selected_ || !spi_from(selected_->peer_spi)) {
    std::string why =
        "no acceptable ESP proposal: " + explain_esp_mismatch(sa_payload->proposals, child_->esp_proposals);
    if (std::optional<std::string> pfs =
            disjoint_pfs_groups(sa_payload->proposals, child_->esp_proposals,
                                wire::ip_address_to_string(sa.remote.ip_bytes()), child_->name, true))
      why += "; " + *pfs;
    refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, {}, why);
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
  tsi_ = std::move(match->tsi);
  tsr_ = std::move(match->tsr);
  spi_out_ = *spi_from(selected_->peer_spi);
  nonce_i_ = nonce->data;
  mode_ = (msg.find_notify(NotifyType::USE_TRANSPORT_MODE) != nullptr && child_->mode == ChildMode::transport)
              ? ChildMode::transport
              : ChildMode::tunnel;
}

void ChildCreateAdditional::build_response(TaskContext& ctx, IkeMessage& msg) {
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
  spi_in_ = allocate_esp_spi(ctx);
  nonce_r_ = ctx.random.bytes(kNonceSize);
  // Installed before the answer goes out; our outbound SA is used once ESP
  // arrives on the new inbound one (the initiator has the pair then).
  if (!install_child(ctx, *child_, NewChild{spi_in_, spi_out_, selected_->suite, tsr_, tsi_, mode_, true},
                     g_ir.view(), nonce_i_, nonce_r_, Role::responder)) {
    refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, {}, "key derivation failed");
    msg.add(PayloadType::Notify, *error_);
    return;
  }
  ++ctx.counters.child_sas_additional_answered;
  if (mode_ == ChildMode::transport) msg.add_notify(NotifyType::USE_TRANSPORT_MODE);
  msg.add(PayloadType::SA, wire::SaPayload{{esp_proposal(selected_->suite, selected_->number, spi_in_)}});
  msg.add(PayloadType::Nonce, wire::NoncePayload{nonce_r_});
  if (ke_) {
    const ByteView ker = ke_->public_value();
    msg.add(PayloadType::KE, wire::KePayload{ke_->group(), Bytes(ker.begin(), ker.end())});
  }
  msg.add(PayloadType::TSi, wire::TsPayload{tsi_});
  msg.add(PayloadType::TSr, wire::TsPayload{tsr_});
}

}  // namespace tern::ike

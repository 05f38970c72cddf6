// child_create task (see child_create.h).
#include "ike/tasks/child_create.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/child_install.h"
#include "ike/child_select.h"
#include "ike/ike_sa.h"
#include "ike/pfs_diagnosis.h"
#include "ike/tasks/child_create_additional.h"
#include "ike/tasks/child_delete.h"
#include "ike/ts_narrowing.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

std::optional<uint32_t> spi_from(const Bytes& bytes) {
  if (bytes.size() != 4) return std::nullopt;
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

// The proposals with their KE transforms left out: IKE_AUTH has no KE (§1.2).
// Most peers send none there, and then `proposals` itself is the answer (no
// copy of every proposal per IKE_AUTH); otherwise the copy goes into `storage`.
const std::vector<wire::Proposal>& without_ke(const std::vector<wire::Proposal>& proposals,
                                              std::vector<wire::Proposal>& storage) {
  auto is_ke = [](const wire::Transform& t) { return t.type == wire::TransformType::KE; };
  const bool any = std::any_of(proposals.begin(), proposals.end(), [&](const wire::Proposal& p) {
    return std::any_of(p.transforms.begin(), p.transforms.end(), is_ke);
  });
  if (!any) return proposals;
  storage = proposals;
  for (wire::Proposal& p : storage) std::erase_if(p.transforms, is_ke);
  return storage;
}

// predict_pfs_mismatch for the peer's IKE_AUTH proposals, whose address is
// formatted only when they name a PFS group (most peers name none, §1.2).
std::optional<std::string> pfs_warning(std::span<const wire::Proposal> peer_proposals,
                                       const ChildConfig& config, const IkeSa& sa) {
  if (pfs_groups(peer_proposals).empty()) return std::nullopt;
  return predict_pfs_mismatch(peer_proposals, config.esp_proposals,
                              wire::ip_address_to_string(sa.remote.ip_bytes()), config.name);
}

}  // namespace

TaskStatus ChildCreate::build(TaskContext& ctx, IkeMessage& msg) {
  if (msg.exchange == ExchangeType::IKE_SA_INIT) return TaskStatus::need_more;
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::done;
  IkeSa& sa = ctx.sa;
  if (initiator()) {
    const ChildConfig& config = sa.config->child_or_first(
        sa.rare().children_to_create.empty() ? std::string_view{}
                                             : std::string_view{sa.rare().children_to_create.front()});
    child_name_ = config.name;
    spi_in_ = allocate_esp_spi(ctx);
    msg.add(PayloadType::SA, wire::SaPayload{esp_proposals(without_pfs(config.esp_proposals), spi_in_)});
    msg.add(PayloadType::TSi, wire::TsPayload{config.local_ts});
    msg.add(PayloadType::TSr, wire::TsPayload{config.remote_ts});
    if (config.mode == ChildMode::transport) msg.add_notify(NotifyType::USE_TRANSPORT_MODE);
    return TaskStatus::need_more;
  }
  if (!requested_ || sa.state != IkeSaState::established) return TaskStatus::done;
  if (error_) {
    msg.add_notify(*error_);
    return TaskStatus::done;
  }
  spi_in_ = allocate_esp_spi(ctx);
  msg.add(PayloadType::SA, wire::SaPayload{{esp_proposal(selected_->suite, selected_->number, spi_in_)}});
  msg.add(PayloadType::TSi, wire::TsPayload{tsi_});
  msg.add(PayloadType::TSr, wire::TsPayload{tsr_});
  if (mode_ == ChildMode::transport) msg.add_notify(NotifyType::USE_TRANSPORT_MODE);
  // The responder's local selectors are TSr, the remote ones TSi.
  install(ctx, *child_, selected_->suite, tsr_, tsi_, mode_);
  return TaskStatus::done;
}

TaskStatus ChildCreate::process(TaskContext& ctx, const IkeMessage& msg) {
  if (msg.exchange == ExchangeType::IKE_SA_INIT) return TaskStatus::need_more;
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::done;
  if (ctx.sa.state == IkeSaState::dead) return TaskStatus::done;  // authentication failed
  if (initiator()) {
    process_response(ctx, msg);
    if (ctx.sa.state == IkeSaState::established) queue_additional_children(ctx);
    return TaskStatus::done;
  }
  process_request(ctx, msg);
  return TaskStatus::need_more;
}

void ChildCreate::process_request(TaskContext& ctx, const IkeMessage& msg) {
  const ConnectionConfig& connection = *ctx.sa.config;
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* tsi = msg.find<wire::TsPayload>(PayloadType::TSi);
  const auto* tsr = msg.find<wire::TsPayload>(PayloadType::TSr);
  if (sa_payload == nullptr || tsi == nullptr || tsr == nullptr) return;  // childless (RFC 6023)
  requested_ = true;
  // Which of the connection's children the peer asks for: the first whose
  // selectors narrow the peer's to something (child_select.h).
  std::optional<ChildMatch> match = select_child_config(connection, tsi->selectors, tsr->selectors);
  const ChildConfig& config = match ? *match->config : connection.children.front();
  child_ = &config;
  const std::vector<EspSuite> suites = without_pfs(config.esp_proposals);
  // A peer that lists its PFS groups here (§1.2 says it should not) tells us
  // whether the first rekey can agree (pfs_diagnosis.h); the groups play no
  // part in this selection, as IKE_AUTH has no KE.
  pfs_warning_ = pfs_warning(sa_payload->proposals, config, ctx.sa);
  std::vector<wire::Proposal> storage;
  selected_ = select_esp_proposal(without_ke(sa_payload->proposals, storage), suites);
  if (!selected_ || !spi_from(selected_->peer_spi)) {
    error_ = NotifyType::NO_PROPOSAL_CHOSEN;
    ctx.event(EventKind::child_sa_failed,
              fmt::format("CHILD_SA {}: no acceptable ESP proposal (NO_PROPOSAL_CHOSEN): {}", config.name,
                          explain_esp_mismatch(sa_payload->proposals, suites)));
    return;
  }
  spi_out_ = *spi_from(selected_->peer_spi);
  if (!match) {
    error_ = NotifyType::TS_UNACCEPTABLE;
    ctx.event(
        EventKind::child_sa_failed,
        fmt::format("CHILD_SA {}: traffic selectors unacceptable (TS_UNACCEPTABLE): peer asked TSi {} TSr {}",
                    config.name, selectors_text(tsi->selectors), selectors_text(tsr->selectors)));
    return;
  }
  tsi_ = std::move(match->tsi);
  tsr_ = std::move(match->tsr);
  mode_ = (msg.find_notify(NotifyType::USE_TRANSPORT_MODE) != nullptr && config.mode == ChildMode::transport)
              ? ChildMode::transport
              : ChildMode::tunnel;
}

void ChildCreate::process_response(TaskContext& ctx, const IkeMessage& msg) {
  const ChildConfig& config = ctx.sa.config->child_or_first(child_name_);
  auto failed = [&](std::string why) {
    ctx.event(EventKind::child_sa_failed, fmt::format("CHILD_SA {}: {}", config.name, why));
  };
  if (const wire::NotifyPayload* n = msg.find_error_notify()) {
    return failed(fmt::format("rejected by peer: {}", wire::to_string(n->type)));
  }
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* tsi = msg.find<wire::TsPayload>(PayloadType::TSi);
  const auto* tsr = msg.find<wire::TsPayload>(PayloadType::TSr);
  if (sa_payload == nullptr || tsi == nullptr || tsr == nullptr) return failed("peer created no CHILD_SA");
  // The responder installed its half when it answered: refusing the answer
  // means asking it to delete that half too (INFORMATIONAL D(ESP, our SPI)),
  // or the two ends would disagree about the CHILD_SA.
  auto refuse = [&](std::string why) {
    failed(std::move(why));
    ctx.sa.tasks.queue(ChildDelete::refused(spi_in_));
  };
  // A KE transform in the answer (which §1.2 says should not be there) plays
  // no part in the check, but tells us the responder's PFS group.
  pfs_warning_ = pfs_warning(sa_payload->proposals, config, ctx.sa);
  std::vector<wire::Proposal> storage;
  std::optional<Selection<EspSuite>> chosen = check_esp_answer(
      wire::SaPayload{without_ke(sa_payload->proposals, storage)}, without_pfs(config.esp_proposals));
  if (!chosen || !spi_from(chosen->peer_spi))
    return refuse("responder chose an ESP proposal we did not offer");
  if (!is_subset(tsi->selectors, config.local_ts) || !is_subset(tsr->selectors, config.remote_ts)) {
    return refuse(fmt::format("responder's selectors TSi {} TSr {} are not a subset of ours",
                              selectors_text(tsi->selectors), selectors_text(tsr->selectors)));
  }
  spi_out_ = *spi_from(chosen->peer_spi);
  ChildMode mode = (config.mode == ChildMode::transport && msg.find_notify(NotifyType::USE_TRANSPORT_MODE))
                       ? ChildMode::transport
                       : ChildMode::tunnel;
  install(ctx, config, chosen->suite, tsi->selectors, tsr->selectors, mode);
}

void ChildCreate::queue_additional_children(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  // §1.3.1: each further child of the connection with its own CREATE_CHILD_SA.
  for (size_t i = 1; i < sa.rare().children_to_create.size(); ++i)
    sa.tasks.queue(std::make_unique<ChildCreateAdditional>(sa.rare().children_to_create[i]));
  if (sa.holds_rare_state()) {
    sa.rare_mut().children_to_create.clear();
    sa.trim_rare();
  }
}

void ChildCreate::install(TaskContext& ctx, const ChildConfig& config, const EspSuite& suite,
                          std::vector<wire::TrafficSelector> local_ts,
                          std::vector<wire::TrafficSelector> remote_ts, ChildMode mode) {
  const IkeSa& sa = ctx.sa;
  // As responder the pair is installed before our IKE_AUTH answer goes out;
  // where it replaces a CHILD_SA of an IKE SA being reauthenticated, the old
  // one keeps our traffic until the initiator uses the new one (effects.h).
  const bool defer_outbound = sa.role == Role::responder;
  if (install_child(
          ctx, config,
          NewChild{spi_in_, spi_out_, suite, std::move(local_ts), std::move(remote_ts), mode, defer_outbound},
          {}, sa.setup().nonce_i, sa.setup().nonce_r, sa.role))
    warn_pfs_mismatch(ctx, spi_in_, pfs_warning_);
}

}  // namespace tern::ike

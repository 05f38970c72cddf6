// ike_init task (see ike_init.h).
#include "ike/tasks/ike_init.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/ike_sa.h"
#include "ike/ike_sa_keys.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

constexpr size_t kNonceSize = 32;

wire::NotifyPayload error_notify(NotifyType type, Bytes data = {}) {
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::NONE;
  n.type = type;
  n.data = std::move(data);
  return n;
}

}  // namespace

TaskStatus IkeInit::build(TaskContext& ctx, IkeMessage& msg) {
  if (msg.exchange != ExchangeType::IKE_SA_INIT) return TaskStatus::done;
  return initiator() ? build_request(ctx, msg) : build_response(ctx, msg);
}

TaskStatus IkeInit::process(TaskContext& ctx, const IkeMessage& msg) {
  if (msg.exchange != ExchangeType::IKE_SA_INIT) return TaskStatus::done;
  return initiator() ? process_response(ctx, msg) : process_request(ctx, msg);
}

TaskStatus IkeInit::build_request(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  if (config.proposals.empty()) {
    sa.die("no IKE proposals configured");
    return TaskStatus::failed;
  }
  wire::KeGroup group = retry_group_.value_or(config.proposals.front().ke);
  // §2.6: repeating the request for a cookie keeps KEi and Ni; any other
  // (re)start makes them afresh.
  const bool same_ke_and_nonce =
      !cookie_.empty() && sa.setup().ke && sa.setup().ke->group() == group && !sa.setup().nonce_i.empty();
  if (!same_ke_and_nonce) {
    Result<std::unique_ptr<crypto::KeyExchange>> ke = crypto::KeyExchange::create(group, ctx.random);
    if (!ke) {
      sa.die("key exchange: " + ke.error().to_string());
      return TaskStatus::failed;
    }
    sa.setup().ke = std::move(*ke);
    sa.setup().nonce_i = ctx.random.bytes(kNonceSize);
  }
  const ByteView kei = sa.setup().ke->public_value();
  if (!cookie_.empty()) msg.add_notify(NotifyType::COOKIE, cookie_);  // first payload (§2.6)
  msg.add(PayloadType::SA, wire::SaPayload{ike_proposals(config.proposals)});
  msg.add(PayloadType::KE, wire::KePayload{group, Bytes(kei.begin(), kei.end())});
  msg.add(PayloadType::Nonce, wire::NoncePayload{sa.setup().nonce_i});
  // RFC 7383 §2.3: we can take (and maybe send) IKE fragments.
  if (config.fragmentation != Fragmentation::no) msg.add_notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED);
  return TaskStatus::need_more;
}

TaskStatus IkeInit::process_response(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  if (const wire::NotifyPayload* n = msg.find_notify(NotifyType::COOKIE)) {
    // <--  HDR(A,0), N(COOKIE): the responder is busy and wants proof of our address.
    if (cookie_retries_ >= kMaxCookieRetries) {
      sa.die(fmt::format("responder asked for a cookie {} times: giving up", cookie_retries_ + 1));
      return TaskStatus::failed;
    }
    if (n->data.empty() || n->data.size() > 64) {  // §3.10.1: 1 to 64 octets
      sa.die(fmt::format("responder sent a COOKIE of {} octets (1 to 64 allowed)", n->data.size()));
      return TaskStatus::failed;
    }
    cookie_ = n->data;
    ++cookie_retries_;
    ++ctx.counters.cookie_retries;
    return TaskStatus::restart_exchange;
  }
  if (const wire::NotifyPayload* n = msg.find_notify(NotifyType::INVALID_KE_PAYLOAD)) {
    if (n->data.size() != 2) {
      sa.die("INVALID_KE_PAYLOAD without a group");
      return TaskStatus::failed;
    }
    auto group = static_cast<wire::KeGroup>((n->data[0] << 8) | n->data[1]);
    bool offered = std::any_of(config.proposals.begin(), config.proposals.end(),
                               [&](const crypto::IkeSuite& s) { return s.ke == group; });
    if (retry_group_ || !offered || group == sa.setup().ke->group()) {
      sa.die(fmt::format("peer requires key exchange group {} (INVALID_KE_PAYLOAD), which we {}",
                         wire::to_string(group), offered ? "already tried" : "did not propose"));
      return TaskStatus::failed;
    }
    retry_group_ = group;
    cookie_.clear();  // §2.6.1: the new Ni needs a new cookie, if the responder still wants one
    ctx.event(
        EventKind::invalid_ke_retry,
        fmt::format("peer asked for {} (INVALID_KE_PAYLOAD); retrying IKE_SA_INIT", wire::to_string(group)));
    return TaskStatus::restart_exchange;
  }
  if (const wire::NotifyPayload* n = msg.find_error_notify()) {
    if (n->type == NotifyType::NO_PROPOSAL_CHOSEN) {
      std::string text = "peer accepted none of our IKE proposals (NO_PROPOSAL_CHOSEN); we offered ";
      for (size_t i = 0; i < config.proposals.size(); ++i)
        text += (i ? ", " : "") + config.proposals[i].to_string();
      ctx.event(EventKind::proposal_mismatch, text);
      sa.die(text);
    } else {
      sa.die("IKE_SA_INIT rejected by peer: " + wire::to_string(n->type));
    }
    return TaskStatus::failed;
  }
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* ke = msg.find<wire::KePayload>(PayloadType::KE);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  if (sa_payload == nullptr || ke == nullptr || nonce == nullptr || msg.spi_r == 0) {
    sa.die("IKE_SA_INIT response without SAr1, KEr, Nr or responder SPI");
    return TaskStatus::failed;
  }
  std::optional<Selection<crypto::IkeSuite>> chosen = check_ike_answer(*sa_payload, config.proposals);
  if (!chosen) {
    sa.die("responder chose an IKE proposal we did not offer");
    return TaskStatus::failed;
  }
  if (chosen->suite.ke != sa.setup().ke->group() || ke->group != sa.setup().ke->group()) {
    sa.die(fmt::format("responder's KEr group {} does not match our KEi group {}", wire::to_string(ke->group),
                       wire::to_string(sa.setup().ke->group())));
    return TaskStatus::failed;
  }
  sa.suite = chosen->suite;
  sa.spi_r = msg.spi_r;
  sa.setup().nonce_r = nonce->data;
  // RFC 7383 §2.3: the responder announces it only when we did.
  sa.fragmentation = config.fragmentation != Fragmentation::no &&
                     msg.find_notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED) != nullptr;
  return derive_keys(ctx, ke->data) ? TaskStatus::done : TaskStatus::failed;
}

TaskStatus IkeInit::process_request(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* ke = msg.find<wire::KePayload>(PayloadType::KE);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  if (sa_payload == nullptr || ke == nullptr || nonce == nullptr) {
    // The rules table guarantees them; kept as a guard for hand-made tasks.
    error_ = error_notify(NotifyType::INVALID_SYNTAX);
    sa.die("IKE_SA_INIT request without SAi1, KEi or Ni");
    return TaskStatus::need_more;
  }
  // §3.3.1: a proposal for the initial IKE SA has no SPI (it is in the header);
  // one that carries an SPI is not one we can take.
  std::vector<wire::Proposal> offered;
  for (const wire::Proposal& p : sa_payload->proposals) {
    if (p.spi.empty()) offered.push_back(p);
  }
  selected_ = select_ike_proposal(offered, config.proposals);
  if (!selected_) {
    std::string why = explain_ike_mismatch(sa_payload->proposals, config.proposals);
    if (offered.size() != sa_payload->proposals.size())
      why += fmt::format(
          " ({} proposal(s) carried an SPI, which IKE_SA_INIT proposals must not, RFC 7296 §3.3.1)",
          sa_payload->proposals.size() - offered.size());
    ctx.event(EventKind::proposal_mismatch, "no acceptable IKE proposal (NO_PROPOSAL_CHOSEN): " + why);
    error_ = error_notify(NotifyType::NO_PROPOSAL_CHOSEN);
    sa.die("no acceptable IKE proposal: " + why);
    return TaskStatus::need_more;
  }
  if (ke->group != selected_->suite.ke) {
    auto g = static_cast<uint16_t>(selected_->suite.ke);
    error_ = error_notify(NotifyType::INVALID_KE_PAYLOAD,
                          Bytes{static_cast<uint8_t>(g >> 8), static_cast<uint8_t>(g)});
    ctx.event(EventKind::invalid_ke_retry,
              fmt::format("peer sent KEi of {}; asking for {} (INVALID_KE_PAYLOAD)",
                          wire::to_string(ke->group), wire::to_string(selected_->suite.ke)));
    sa.die(fmt::format("peer's KEi group {} is not the selected {} (INVALID_KE_PAYLOAD sent)",
                       wire::to_string(ke->group), wire::to_string(selected_->suite.ke)));
    return TaskStatus::need_more;
  }
  sa.setup().nonce_i = nonce->data;
  peer_ke_ = ke->data;
  // RFC 7383 §2.3: answered in kind when we support it too.
  sa.fragmentation = config.fragmentation != Fragmentation::no &&
                     msg.find_notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED) != nullptr;
  return TaskStatus::need_more;
}

TaskStatus IkeInit::build_response(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (!error_) {
    Result<std::unique_ptr<crypto::KeyExchange>> ke =
        crypto::KeyExchange::create(selected_->suite.ke, ctx.random);
    if (!ke) {
      error_ = error_notify(NotifyType::NO_PROPOSAL_CHOSEN);
      sa.die("key exchange: " + ke.error().to_string());
    } else {
      sa.setup().ke = std::move(*ke);
      sa.suite = selected_->suite;
      sa.setup().nonce_r = ctx.random.bytes(kNonceSize);
      ker_ = Bytes(sa.setup().ke->public_value().begin(), sa.setup().ke->public_value().end());
      if (!derive_keys(ctx, peer_ke_)) error_ = error_notify(NotifyType::INVALID_SYNTAX);
    }
  }
  if (error_) {
    ++ctx.counters.ike_sa_init_refused;
    msg.payloads.clear();
    msg.add(PayloadType::Notify, *error_);
    return TaskStatus::failed;
  }
  wire::Proposal answer = ike_proposal(selected_->suite, selected_->number);
  msg.add(PayloadType::SA, wire::SaPayload{{answer}});
  msg.add(PayloadType::KE, wire::KePayload{selected_->suite.ke, std::move(ker_)});
  msg.add(PayloadType::Nonce, wire::NoncePayload{sa.setup().nonce_r});
  if (sa.fragmentation) msg.add_notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED);
  return TaskStatus::done;
}

bool IkeInit::derive_keys(TaskContext& ctx, ByteView peer_ke) {
  IkeSa& sa = ctx.sa;
  const crypto::IkeSuite& suite = *sa.suite;
  ++ctx.counters.dh_computations;
  Result<SecretBytes> g_ir = sa.setup().ke->compute_shared_secret(peer_ke);
  if (!g_ir) {
    sa.die("peer's key exchange value rejected: " + g_ir.error().to_string());
    return false;
  }
  Result<crypto::IkeSaKeys> keys = crypto::derive_ike_sa_keys(suite, g_ir->view(), sa.setup().nonce_i,
                                                              sa.setup().nonce_r, sa.spi_i, sa.spi_r);
  if (!keys) {
    sa.die("key derivation failed for " + suite.to_string());
    return false;
  }
  if (Result<void> ok = install_ike_sa_keys(sa, suite, std::move(*keys), ctx.config.keylog, ctx.effects);
      !ok) {
    sa.die(ok.error().to_string());
    return false;
  }
  sa.setup().ke.reset();  // the private value is no longer needed
  sa.state = IkeSaState::init_done;
  return true;
}

}  // namespace tern::ike

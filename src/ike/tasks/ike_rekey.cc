// ike_rekey task (see ike_rekey.h).
#include "ike/tasks/ike_rekey.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/key_derivation.h"
#include "ike/ike_lifetime.h"
#include "ike/ike_sa.h"
#include "ike/ike_sa_keys.h"
#include "ike/ike_sa_table.h"
#include "ike/rekey_collision.h"
#include "ike/setup_state.h"
#include "ike/tasks/ike_delete.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

constexpr size_t kNonceSize = 32;
// How long the responder of a rekey waits for the initiator's Delete of the
// old IKE SA before it lets it go by itself (nothing lives on it any more).
constexpr Duration kOldSaGrace = seconds(30);

Bytes spi_bytes(uint64_t spi) {
  Bytes out(8);
  for (size_t i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(spi >> (56 - 8 * i));
  return out;
}

std::optional<uint64_t> spi_from(const Bytes& bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t spi = 0;
  for (uint8_t b : bytes) spi = (spi << 8) | b;
  if (spi == 0) return std::nullopt;
  return spi;
}

// Moves what lives on `old` to `successor`: the CHILD_SAs and the tasks
// waiting for an exchange. `old` is then only waiting for its Delete.
void hand_over(TaskContext& ctx, IkeSa& old, IkeSa& successor) {
  for (ChildSa& child : old.children) {
    ctx.table->child_owned(child.spi_in, successor.id);
    successor.children.push_back(std::move(child));
  }
  old.children.clear();
  successor.tasks.inherit(old.tasks);
  ctx.table->initiate_later(successor.id);
  old.state = IkeSaState::rekeyed;
  old.successor = successor.id;
  old.ike_rekeying = false;
  old.rekey_at.reset();
  old.reauth_at.reset();
  old.expire_at = ctx.now + kOldSaGrace;
  ctx.effects.push_back(Event{
      EventKind::ike_sa_rekeyed, old.id, old.connection_name(),
      fmt::format("IKE SA rekeyed: replaced by IKE SA #{} with SPIs {:016x}_i {:016x}_r {} ({} CHILD_SA{} "
                  "moved)",
                  static_cast<uint64_t>(successor.id), successor.spi_i, successor.spi_r,
                  successor.suite ? successor.suite->to_string() : std::string("?"),
                  successor.children.size(), successor.children.size() == 1 ? "" : "s")});
}

}  // namespace

bool hand_over_to_peers_rekey(TaskContext& ctx, IkeSa& old) {
  if (!old.peer_rekey) return false;
  IkeSa* theirs = ctx.table->find(old.peer_rekey->new_sa);
  old.peer_rekey.reset();
  if (theirs == nullptr) return false;
  theirs->replacement_pending.reset();
  if (theirs->state != IkeSaState::established) return false;
  hand_over(ctx, old, *theirs);
  return true;
}

TaskStatus IkeRekey::build(TaskContext& ctx, IkeMessage& msg) {
  if (initiator()) return build_request(ctx, msg);
  build_response(ctx, msg);
  return TaskStatus::done;
}

TaskStatus IkeRekey::process(TaskContext& ctx, const IkeMessage& msg) {
  if (initiator()) return process_response(ctx, msg);
  process_request(ctx, msg);
  return TaskStatus::need_more;
}

// --- both ----------------------------------------------------------------------

IkeSa* IkeRekey::make_new_sa(TaskContext& ctx, const crypto::IkeSuite& suite, ByteView g_ir, uint64_t spi_i,
                             uint64_t spi_r) {
  IkeSa& old = ctx.sa;
  Result<crypto::IkeSaKeys> keys = crypto::derive_rekeyed_ike_sa_keys(suite, old.suite->prf, old.sk_d, g_ir,
                                                                      nonce_i_, nonce_r_, spi_i, spi_r);
  if (!keys) return nullptr;
  IkeSa& sa = ctx.table->create(role(), old.config, old.local, old.remote, spi_i, spi_r);
  sa.setup().nonce_i = nonce_i_;
  sa.setup().nonce_r = nonce_r_;
  if (!install_ike_sa_keys(sa, suite, std::move(*keys), ctx.config.keylog, ctx.effects)) {
    sa.die("key derivation failed for the rekeyed IKE SA");
    return nullptr;
  }
  release_setup_state(sa);  // its nonces and SK_p are not used again (keylog above has the keys)
  sa.tasks.adopt_windows(old.tasks);
  sa.state = IkeSaState::established;
  sa.established_at = ctx.now;
  sa.authenticated_at = old.authenticated_at;
  sa.last_received = ctx.now;
  sa.peer_id = old.peer_id;
  if (old.rare().peer_cert_not_after || old.rare().local_cert_not_after) {
    IkeSaRare& rare = sa.rare_mut();  // same authentication, same certificates
    rare.peer_cert_not_after = old.rare().peer_cert_not_after;
    rare.local_cert_not_after = old.rare().local_cert_not_after;
    rare.peer_cert_subject = old.rare().peer_cert_subject;
  }
  sa.local_credential = old.local_credential;
  sa.local_behind_nat = old.local_behind_nat;
  sa.remote_behind_nat = old.remote_behind_nat;
  sa.fragmentation = old.fragmentation;
  sa.mobike = old.mobike;
  if (!old.rare().peer_additional_addresses.empty())
    sa.rare_mut().peer_additional_addresses = old.rare().peer_additional_addresses;
  schedule_after_rekey(sa, old.reauth_at, ctx.random, ctx.now);
  return &sa;
}

// --- initiator -----------------------------------------------------------------

TaskStatus IkeRekey::build_request(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  if (sa.state != IkeSaState::established || config.proposals.empty()) {
    // Deleted or replaced while this waited: an empty INFORMATIONAL instead
    // (CREATE_CHILD_SA cannot be empty), which is a liveness check.
    sa.ike_rekeying = false;
    msg.exchange = ExchangeType::INFORMATIONAL;
    return TaskStatus::done;
  }
  sa.ike_rekeying = true;
  const wire::KeGroup group = retry_group_.value_or(config.proposals.front().ke);
  Result<std::unique_ptr<crypto::KeyExchange>> ke = crypto::KeyExchange::create(group, ctx.random);
  if (!ke) {
    give_up(ctx, "key exchange: " + ke.error().to_string());
    msg.exchange = ExchangeType::INFORMATIONAL;
    return TaskStatus::done;
  }
  ke_ = std::move(*ke);
  if (new_spi_ == 0) new_spi_ = ctx.table->reserve_spi();
  sa.rekey_spi = new_spi_;
  nonce_i_ = ctx.random.bytes(kNonceSize);
  std::vector<wire::Proposal> proposals = ike_proposals(config.proposals);
  for (wire::Proposal& p : proposals) p.spi = spi_bytes(new_spi_);
  msg.add(PayloadType::SA, wire::SaPayload{std::move(proposals)});
  msg.add(PayloadType::Nonce, wire::NoncePayload{nonce_i_});
  const ByteView kei = ke_->public_value();
  msg.add(PayloadType::KE, wire::KePayload{group, Bytes(kei.begin(), kei.end())});
  return TaskStatus::need_more;
}

TaskStatus IkeRekey::give_up(TaskContext& ctx, std::string why, std::optional<Duration> retry_in) {
  IkeSa& sa = ctx.sa;
  sa.ike_rekeying = false;
  if (new_spi_ != 0) ctx.table->release_spi(new_spi_);
  new_spi_ = 0;
  sa.rekey_spi = 0;
  ++ctx.counters.ike_rekeys_failed;
  std::string next;
  if (sa.peer_rekey) {
    // §2.8.2: we answered the peer's rekey of this SA meanwhile; that one stands.
    const IkeSaId theirs = sa.peer_rekey->new_sa;
    if (hand_over_to_peers_rekey(ctx, sa))
      next = fmt::format("; the peer's simultaneous rekey (IKE SA #{}) replaces it",
                         static_cast<uint64_t>(theirs));
  } else if (sa.state == IkeSaState::established) {
    if (!retry_in && sa.config->ike_lifetimes.rekey_time > Duration::zero()) retry_in = seconds(60);
    if (retry_in) {
      sa.rekey_at = ctx.now + *retry_in;
      next = fmt::format("; trying again in {} s", std::chrono::duration_cast<seconds>(*retry_in).count());
    }
  }
  ctx.event(EventKind::ike_sa_rekey_failed,
            fmt::format("rekeying the IKE SA failed: {}; the old IKE SA stays in use{}", why, next));
  return TaskStatus::done;
}

TaskStatus IkeRekey::process_response(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  const std::string peer = wire::ip_address_to_string(sa.remote.ip_bytes());
  if (const wire::NotifyPayload* n = msg.find_notify(NotifyType::INVALID_KE_PAYLOAD)) {
    if (n->data.size() != 2) return give_up(ctx, "peer answered INVALID_KE_PAYLOAD without a group");
    auto wanted = static_cast<wire::KeGroup>((n->data[0] << 8) | n->data[1]);
    const bool ours = std::any_of(config.proposals.begin(), config.proposals.end(),
                                  [&](const crypto::IkeSuite& s) { return s.ke == wanted; });
    if (ours && !retry_group_ && wanted != ke_->group() && !sa.peer_rekey) {
      retry_group_ = wanted;
      ctx.event(
          EventKind::invalid_ke_retry,
          fmt::format("peer {} asked for the group {} to rekey the IKE SA (INVALID_KE_PAYLOAD); retrying",
                      peer, group_keyword(wanted)));
      return TaskStatus::need_more;  // build_request again, in a new exchange
    }
    return give_up(ctx, fmt::format("peer {} refused the key exchange group {}; it wants {}", peer,
                                    group_keyword(ke_->group()), group_keyword(wanted)));
  }
  if (msg.find_notify(NotifyType::TEMPORARY_FAILURE) != nullptr) {
    const Duration delay = temporary_failure_retry(ctx.random);
    return give_up(ctx, fmt::format("peer {} answered TEMPORARY_FAILURE (busy with another exchange)", peer),
                   delay);
  }
  if (const wire::NotifyPayload* n = msg.find_error_notify()) {
    std::string why = fmt::format("peer {} answered {}", peer, wire::to_string(n->type));
    if (n->type == NotifyType::NO_PROPOSAL_CHOSEN) {
      why += " (we offered ";
      for (size_t i = 0; i < config.proposals.size(); ++i)
        why += (i ? ", " : "") + config.proposals[i].to_string();
      why += ")";
    }
    return give_up(ctx, std::move(why));
  }
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  const auto* ker = msg.find<wire::KePayload>(PayloadType::KE);
  if (sa_payload == nullptr || nonce == nullptr || ker == nullptr)
    return give_up(ctx, "peer's answer lacks SA, Nr or KEr");
  std::optional<Selection<crypto::IkeSuite>> chosen = check_ike_answer(*sa_payload, config.proposals);
  std::optional<uint64_t> peer_spi = chosen ? spi_from(chosen->peer_spi) : std::nullopt;
  if (!chosen) return give_up(ctx, "peer chose an IKE proposal we did not offer");
  if (!peer_spi) return give_up(ctx, "peer's answer has no 8-octet responder SPI");
  if (chosen->suite.ke != ke_->group() || ker->group != ke_->group())
    return give_up(ctx, fmt::format("peer's KEr group {} does not match our KEi group {}",
                                    group_keyword(ker->group), group_keyword(ke_->group())));
  ++ctx.counters.dh_computations;
  Result<SecretBytes> g_ir = ke_->compute_shared_secret(ker->data);
  if (!g_ir) return give_up(ctx, "peer's KEr is unusable: " + g_ir.error().to_string());
  nonce_r_ = nonce->data;
  IkeSa* ours = make_new_sa(ctx, chosen->suite, g_ir->view(), new_spi_, *peer_spi);
  if (ours == nullptr) return give_up(ctx, "key derivation failed for " + chosen->suite.to_string());
  new_spi_ = 0;  // owned by the new SA now
  sa.rekey_spi = 0;
  sa.ike_rekeying = false;
  ++ctx.counters.ike_rekeys_completed;

  IkeSa* survivor = ours;
  if (sa.peer_rekey) {
    // §2.8.2: both ends rekeyed this IKE SA at once. The SA whose exchange
    // holds the lowest of the four nonces is redundant; its initiator deletes it.
    ++ctx.counters.ike_rekey_collisions;
    const IkeSa::PeerRekey theirs_record = *sa.peer_rekey;
    sa.peer_rekey.reset();
    IkeSa* theirs = ctx.table->find(theirs_record.new_sa);
    const bool ours_redundant =
        theirs != nullptr && theirs->state == IkeSaState::established &&
        redundant_rekey(RekeyExchange{nonce_i_, nonce_r_, 0},
                        RekeyExchange{theirs_record.nonce_i, theirs_record.nonce_r, 0},
                        sa.role) == RedundantRekey::ours;
    if (theirs != nullptr) theirs->replacement_pending.reset();
    if (ours_redundant) {
      survivor = theirs;
      ours->tasks.queue(std::make_unique<IkeDelete>(
          Role::initiator,
          "redundant: the peer rekeyed the same IKE SA at the same time and its rekey won on "
          "the nonces (RFC 7296 §2.8.2)"));
    } else if (theirs != nullptr && theirs->state == IkeSaState::established) {
      // Redundant: the peer deletes it. Nothing starts on it meanwhile.
      theirs->state = IkeSaState::rekeyed;
      theirs->successor = ours->id;
      theirs->rekey_at.reset();
      theirs->reauth_at.reset();
      theirs->expire_at = ctx.now + kOldSaGrace;
    }
    ctx.event(EventKind::ike_sa_rekeyed,
              fmt::format("simultaneous rekey of the IKE SA (RFC 7296 §2.8.2): {} on the nonces; IKE SA #{} "
                          "survives",
                          ours_redundant ? "ours lost" : "ours won", static_cast<uint64_t>(survivor->id)));
  }
  hand_over(ctx, sa, *survivor);
  if (survivor == ours) {
    // §2.8: the Delete of the old IKE SA is the last request sent on it.
    sa.expire_at.reset();
    sa.tasks.queue(std::make_unique<IkeDelete>(
        Role::initiator, fmt::format("rekeyed: replaced by IKE SA #{}", static_cast<uint64_t>(ours->id))));
  }
  return TaskStatus::done;
}

// --- responder -----------------------------------------------------------------

void IkeRekey::refuse(TaskContext& ctx, NotifyType type, Bytes data, std::string why) {
  error_ = wire::NotifyPayload{wire::ProtocolId::NONE, {}, type, std::move(data)};
  ++ctx.counters.ike_rekeys_refused;
  ctx.event(EventKind::ike_sa_rekey_failed,
            fmt::format("peer's rekey of the IKE SA refused ({}): {}", wire::to_string(type), why));
}

void IkeRekey::process_request(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  if (sa.state != IkeSaState::established) {
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {},
           sa.state == IkeSaState::rekeyed ? "it was rekeyed already" : "we are deleting it");
    return;
  }
  if (sa.tasks.has_outstanding_other_than({TaskType::ike_rekey, TaskType::ike_dpd})) {
    // Its answer will come on this IKE SA, about CHILD_SAs that would have moved.
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {}, "an exchange of ours about its CHILD_SAs is in flight");
    return;
  }
  if (sa.peer_rekey) {
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {}, "we answered a rekey of it already");
    return;
  }
  if (sa.replacement_pending) {
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {},
           "the simultaneous rekey that made this IKE SA is not settled yet (RFC 7296 §2.8.2)");
    return;
  }
  if (sa.retire_at) {  // its successor would inherit the CHILD_SAs the reauthentication replaced
    refuse(ctx, NotifyType::TEMPORARY_FAILURE, {}, sa.retiring_reason());
    return;
  }
  const auto* sa_payload = msg.find<wire::SaPayload>(PayloadType::SA);
  const auto* nonce = msg.find<wire::NoncePayload>(PayloadType::Nonce);
  const auto* kei = msg.find<wire::KePayload>(PayloadType::KE);
  if (sa_payload == nullptr || nonce == nullptr || kei == nullptr) {
    refuse(ctx, NotifyType::INVALID_SYNTAX, {}, "the request lacks SA, Ni or KEi");
    return;
  }
  selected_ = select_ike_proposal(sa_payload->proposals, config.proposals);
  std::optional<uint64_t> peer_spi = selected_ ? spi_from(selected_->peer_spi) : std::nullopt;
  if (!selected_) {
    refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, {},
           "no acceptable IKE proposal: " + explain_ike_mismatch(sa_payload->proposals, config.proposals));
    return;
  }
  if (!peer_spi) {
    refuse(ctx, NotifyType::INVALID_SYNTAX, {}, "the chosen proposal has no 8-octet initiator SPI");
    return;
  }
  if (kei->group != selected_->suite.ke) {
    refuse(ctx, NotifyType::INVALID_KE_PAYLOAD, group_bytes(selected_->suite.ke),
           fmt::format("we want the group {}; peer sent {}", group_keyword(selected_->suite.ke),
                       group_keyword(kei->group)));
    return;
  }
  peer_spi_ = *peer_spi;
  peer_ke_ = kei->data;
  nonce_i_ = nonce->data;
}

void IkeRekey::build_response(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  SecretBytes g_ir;
  if (!error_) {
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
  IkeSa* created = nullptr;
  if (!error_) {
    new_spi_ = ctx.table->reserve_spi();
    nonce_r_ = ctx.random.bytes(kNonceSize);
    created = make_new_sa(ctx, selected_->suite, g_ir.view(), peer_spi_, new_spi_);
    if (created == nullptr) {
      ctx.table->release_spi(new_spi_);
      refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, {}, "key derivation failed");
    }
  }
  if (error_) {
    msg.add(PayloadType::Notify, *error_);
    return;
  }
  ++ctx.counters.ike_rekeys_answered;
  if (sa.tasks.has_outstanding(TaskType::ike_rekey)) {
    // §2.8.2: ours is in flight too. The CHILD_SAs stay until it is answered
    // (process_response decides by the nonces).
    sa.peer_rekey = IkeSa::PeerRekey{created->id, nonce_i_, nonce_r_};
    created->replacement_pending = sa.id;
  } else {
    hand_over(ctx, sa, *created);
  }
  wire::Proposal answer = ike_proposal(selected_->suite, selected_->number);
  answer.spi = spi_bytes(new_spi_);
  msg.add(PayloadType::SA, wire::SaPayload{{answer}});
  msg.add(PayloadType::Nonce, wire::NoncePayload{nonce_r_});
  const ByteView ker = ke_->public_value();
  msg.add(PayloadType::KE, wire::KePayload{ke_->group(), Bytes(ker.begin(), ker.end())});
}

}  // namespace tern::ike

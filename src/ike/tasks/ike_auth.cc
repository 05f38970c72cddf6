// ike_auth task (see ike_auth.h).
#include "ike/tasks/ike_auth.h"

#include <fmt/format.h>

#include "base/byte_writer.h"
#include "crypto/psk_auth.h"
#include "crypto/signed_octets.h"
#include "ike/connection_select.h"
#include "ike/ike_lifetime.h"
#include "ike/ike_sa.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

// RestOfIDPayload (§2.15): the ID payload without its generic header.
Bytes id_body(const wire::IdPayload& id) {
  Bytes body;
  ByteWriter w(body);
  id.build(w);
  return body;
}

// Our AUTH: over the IKE_SA_INIT message we sent, the peer's nonce and our SK_p.
Bytes our_auth(const IkeSa& sa, const wire::IdPayload& our_id) {
  const bool i = sa.is_initiator();
  Bytes octets = crypto::signed_octets(*sa.prf, i ? sa.init_request : sa.init_response, sa.peer_nonce(),
                                       i ? sa.keys->SK_pi : sa.keys->SK_pr, id_body(our_id));
  return crypto::psk_auth(*sa.prf, sa.config->psk.view(), octets);
}

// The peer's AUTH: over the IKE_SA_INIT message it sent, our nonce and its SK_p.
bool verify_peer_auth(const IkeSa& sa, const wire::IdPayload& peer_id, const wire::AuthPayload& auth) {
  if (auth.method != wire::AuthMethod::SHARED_KEY_MIC) return false;
  const bool i = sa.is_initiator();
  Bytes octets = crypto::signed_octets(*sa.prf, i ? sa.init_response : sa.init_request, sa.my_nonce(),
                                       i ? sa.keys->SK_pr : sa.keys->SK_pi, id_body(peer_id));
  return crypto::psk_auth_verify(*sa.prf, sa.config->psk.view(), octets, auth.data);
}

void established(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  sa.state = IkeSaState::established;
  sa.established_at = ctx.now;
  sa.setup_deadline.reset();
  schedule_after_authentication(sa, ctx.random, ctx.now);
  ++ctx.counters.ike_sas_established;
  ctx.event(EventKind::ike_sa_established,
            fmt::format("IKE SA established {} <-> {} ({} <-> {}) {}", sa.config->local_id.to_string(),
                        sa.peer_id->to_string(), sa.local.to_string(), sa.remote.to_string(),
                        sa.suite->to_string()));
}

}  // namespace

TaskStatus IkeAuth::build(TaskContext& ctx, IkeMessage& msg) {
  if (msg.exchange == ExchangeType::IKE_SA_INIT) return TaskStatus::need_more;
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::done;
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  if (!initiator() && !authenticated_) {
    msg.payloads.clear();
    msg.add_notify(NotifyType::AUTHENTICATION_FAILED);
    return TaskStatus::failed;
  }
  wire::IdPayload our_id = config.local_id.payload();
  msg.add(initiator() ? PayloadType::IDi : PayloadType::IDr, our_id);
  if (initiator() && !config.remote_id.any) msg.add(PayloadType::IDr, config.remote_id.payload());
  msg.add(PayloadType::AUTH, wire::AuthPayload{wire::AuthMethod::SHARED_KEY_MIC, our_auth(sa, our_id)});
  // §2.4: only in the first IKE_AUTH request; the Endpoint decided whether
  // this is the only IKE SA between the two identities.
  if (initiator() && sa.send_initial_contact) msg.add_notify(NotifyType::INITIAL_CONTACT);
  if (initiator()) return TaskStatus::need_more;
  established(ctx);
  return TaskStatus::done;
}

TaskStatus IkeAuth::process(TaskContext& ctx, const IkeMessage& msg) {
  if (msg.exchange == ExchangeType::IKE_SA_INIT) return TaskStatus::need_more;
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::done;
  if (msg.malformed) return TaskStatus::need_more;  // answered by malformed_request
  IkeSa& sa = ctx.sa;
  const PayloadType peer_id_type = initiator() ? PayloadType::IDr : PayloadType::IDi;
  const auto* peer_id = msg.find<wire::IdPayload>(peer_id_type);
  const auto* auth = msg.find<wire::AuthPayload>(PayloadType::AUTH);
  const auto* idr = initiator() ? nullptr : msg.find<wire::IdPayload>(PayloadType::IDr);

  // The responder now knows who the peer says it is: pick the connection by
  // identities too (connection_select.h) before its PSK is used. When none
  // fits, the address-selected one stays and the checks below say what differs.
  if (!initiator() && peer_id != nullptr && auth != nullptr) {
    if (auto chosen = select_by_identities(ctx.config, sa.local, sa.remote, *sa.suite, *peer_id, idr))
      sa.config = std::move(chosen);
  }
  const ConnectionConfig& config = *sa.config;

  std::string failure;
  if (initiator() && peer_id == nullptr) {
    const wire::NotifyPayload* n = msg.find_error_notify();
    failure = n ? fmt::format("peer rejected IKE_AUTH: {}", wire::to_string(n->type))
                : "IKE_AUTH response without IDr";
  } else if (peer_id == nullptr || auth == nullptr) {
    failure = "IKE_AUTH request without IDi or AUTH";
  } else if (!config.remote_id.matches(*peer_id)) {
    failure = fmt::format("peer identity {} is not the configured {}", peer_id->to_string(),
                          config.remote_id.to_string());
  } else if (idr != nullptr && !config.local_id.matches(*idr)) {
    failure =
        fmt::format("peer asks for identity {}, we are {}", idr->to_string(), config.local_id.to_string());
  } else if (!verify_peer_auth(sa, *peer_id, *auth)) {
    failure = fmt::format("AUTH of {} does not verify (wrong pre-shared key?)", peer_id->to_string());
  }
  if (!failure.empty()) {
    ctx.event(EventKind::authentication_failed, failure);
    sa.die("authentication failed: " + failure);
    // The responder answers AUTHENTICATION_FAILED from build(); the initiator stops here.
    return initiator() ? TaskStatus::failed : TaskStatus::need_more;
  }
  sa.peer_id = *peer_id;
  sa.initial_contact_received = msg.find_notify(NotifyType::INITIAL_CONTACT) != nullptr;
  if (initiator()) {
    established(ctx);
    return TaskStatus::done;
  }
  authenticated_ = true;
  return TaskStatus::need_more;
}

}  // namespace tern::ike

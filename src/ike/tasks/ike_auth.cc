// ike_auth task (see ike_auth.h).
#include "ike/tasks/ike_auth.h"

#include <fmt/format.h>

#include "base/byte_writer.h"
#include "base/encode_exact.h"
#include "crypto/psk_auth.h"
#include "crypto/signed_octets.h"
#include "ike/connection_select.h"
#include "ike/credential_choice.h"
#include "ike/ike_lifetime.h"
#include "ike/ike_sa.h"
#include "ike/signature_auth.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;
using wire::PayloadType;

// "192.0.2.2" / "2001:db8::2": the address without its port.
std::string peer_ip(const Address& a) {
  std::string s = a.to_string();
  if (s.starts_with('[')) return s.substr(1, s.find(']') - 1);
  return s.substr(0, s.rfind(':'));
}

// RestOfIDPayload (§2.15): the ID payload without its generic header.
Bytes id_body(const wire::IdPayload& id) {
  return encode_exact([&](ByteWriter& w) { id.build(w); });
}

// What we sign (or MAC): the IKE_SA_INIT message we sent, the peer's nonce and our SK_p.
Bytes our_octets(const IkeSa& sa, const wire::IdPayload& our_id) {
  const bool i = sa.is_initiator();
  return crypto::signed_octets(*sa.prf, i ? sa.setup().init_request : sa.setup().init_response,
                               sa.peer_nonce(), i ? sa.setup().keys->SK_pi : sa.setup().keys->SK_pr,
                               id_body(our_id));
}

// What the peer signed: the IKE_SA_INIT message it sent, our nonce and its SK_p.
Bytes peer_octets(const IkeSa& sa, const wire::IdPayload& peer_id) {
  const bool i = sa.is_initiator();
  return crypto::signed_octets(*sa.prf, i ? sa.setup().init_response : sa.setup().init_request, sa.my_nonce(),
                               i ? sa.setup().keys->SK_pr : sa.setup().keys->SK_pi, id_body(peer_id));
}

// Our AUTH payload: a PSK MAC or a signature (signature_auth.h).
Result<wire::AuthPayload> our_auth(const IkeSa& sa, const wire::IdPayload& our_id) {
  const ConnectionConfig& config = *sa.config;
  Bytes octets = our_octets(sa, our_id);
  if (config.local_auth == AuthKind::psk)
    return wire::AuthPayload{wire::AuthMethod::SHARED_KEY_MIC,
                             crypto::psk_auth(*sa.prf, config.psk.view(), octets)};
  if (!sa.local_credential) TERN_BUG("auth = pubkey without a chosen certificate and key");
  return sign_auth(*sa.local_credential, sa.setup().peer_signature_hashes, octets);
}

// Checks the peer's certificate (when it signs) and its AUTH; on success
// records what the expiry watch needs. Returns the failure reason, or "".
std::string check_peer_auth(TaskContext& ctx, const IkeMessage& msg, const wire::IdPayload& peer_id,
                            const wire::AuthPayload& auth, bool initiator) {
  IkeSa& sa = ctx.sa;
  const ConnectionConfig& config = *sa.config;
  Bytes octets = peer_octets(sa, peer_id);
  if (config.remote_auth == AuthKind::psk) {
    if (auth.method != wire::AuthMethod::SHARED_KEY_MIC)
      return fmt::format(
          "{} authenticated with AUTH method {}, but we expect a pre-shared key (remote auth = psk)",
          id_text(peer_id), wire::to_string(auth.method));
    if (!crypto::psk_auth_verify(*sa.prf, config.psk.view(), octets, auth.data))
      return fmt::format("AUTH of {} does not verify (wrong pre-shared key?)", id_text(peer_id));
    return {};
  }
  if (!config.trust || ctx.cert_cache == nullptr) TERN_BUG("auth = pubkey without a trust store");
  const std::string peer = "peer " + peer_ip(sa.remote);
  auto cert = verify_peer_certificate(msg, *config.trust, *ctx.cert_cache, ctx.wall_now, peer_id,
                                      initiator ? "IDr" : "IDi");
  if (!cert) return fmt::format("{}: {}", peer, cert.error().detail);
  if (auto ok = verify_peer_signature(*cert, auth, octets); !ok)
    return fmt::format("{}: {}", peer, ok.error().detail);
  sa.rare_mut().peer_cert_not_after = cert->not_after();
  sa.rare_mut().peer_cert_subject = cert->subject();
  return {};
}

void established(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  sa.state = IkeSaState::established;
  sa.established_at = ctx.now;
  sa.setup_deadline.reset();
  schedule_after_authentication(sa, ctx.random, ctx.now);
  ++ctx.counters.ike_sas_established;
  const ConnectionConfig& c = *sa.config;
  std::string how = c.local_auth == c.remote_auth
                        ? std::string(to_string(c.local_auth))
                        : fmt::format("{}/{}", to_string(c.local_auth), to_string(c.remote_auth));
  if (c.local_auth == AuthKind::pubkey || c.remote_auth == AuthKind::pubkey)
    how += fmt::format(" (sent {}, received {})", sa.setup().our_auth_method, sa.setup().peer_auth_method);
  if (c.credentials.size() > 1 && sa.local_credential)
    how += fmt::format(", our certificate {} ({})", sa.local_credential->chain.front().subject(),
                       sa.local_credential->cert_file);
  ctx.event(EventKind::ike_sa_established,
            fmt::format("IKE SA established {} <-> {} ({} <-> {}) {} auth {}", c.local_id.to_string(),
                        id_text(*sa.peer_id), sa.local.to_string(), sa.remote.to_string(),
                        sa.suite->to_string(), how));
}

void fail_authentication(TaskContext& ctx, const std::string& failure) {
  ++ctx.counters.authentication_failures;
  ctx.event(EventKind::authentication_failed, failure);
  ctx.sa.die("authentication failed: " + failure);
}

// IKE_SA_INIT: N(SIGNATURE_HASH_ALGORITHMS) both ways, CERTREQ from the responder.
void build_ike_sa_init(const IkeSa& sa, IkeMessage& msg, bool initiator) {
  const ConnectionConfig& config = *sa.config;
  if (!uses_signatures(config)) return;
  if (!initiator && config.remote_auth == AuthKind::pubkey && config.trust)
    msg.add(PayloadType::CERTREQ, certreq_for(*config.trust));
  if (config.announce_signature_hashes)
    msg.add_notify(NotifyType::SIGNATURE_HASH_ALGORITHMS, our_signature_hashes());
}

void process_ike_sa_init(IkeSa& sa, const IkeMessage& msg, bool initiator) {
  if (const auto* n = msg.find_notify(NotifyType::SIGNATURE_HASH_ALGORITHMS))
    sa.setup().peer_signature_hashes = parse_signature_hashes(n->data);
  if (initiator) sa.setup().peer_ca_hashes = collect_ca_hashes(msg);
}

}  // namespace

TaskStatus IkeAuth::build(TaskContext& ctx, IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (msg.exchange == ExchangeType::IKE_SA_INIT) {
    build_ike_sa_init(sa, msg, initiator());
    return TaskStatus::need_more;
  }
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::done;
  const ConnectionConfig& config = *sa.config;
  if (!initiator() && !authenticated_) {
    msg.payloads.clear();
    msg.add_notify(NotifyType::AUTHENTICATION_FAILED);
    return TaskStatus::failed;
  }
  if (config.local_auth == AuthKind::pubkey) {
    CredentialChoice choice =
        choose_credential(config.credentials, config.trust.get(), sa.setup().peer_ca_hashes,
                          sa.setup().peer_signature_hashes, ctx.wall_now);
    if (!choice.credential) TERN_BUG("auth = pubkey without a loaded certificate and key");
    if (!choice.note.empty()) ctx.event(EventKind::certificate_note, choice.note);
    sa.local_credential = std::move(choice.credential);
  }
  wire::IdPayload our_id = config.local_id.payload();
  Result<wire::AuthPayload> auth = our_auth(sa, our_id);
  if (auth && sa.local_credential && ctx.wall_now &&
      sa.local_credential->chain.front().not_after() <= *ctx.wall_now) {
    // The peer would refuse it anyway; say why here, where it can be fixed.
    // (One not valid yet is sent: the peer's clock may differ from ours.)
    const crypto::Certificate& cert = sa.local_credential->chain.front();
    auth = fail(Errc::bad_key, fmt::format("our certificate {} ({}) expired on {}; install a renewed one and "
                                           "run `ternctl reload`",
                                           cert.subject(), sa.local_credential->cert_file,
                                           crypto::format_wall_time(cert.not_after())));
  }
  if (!auth) {
    fail_authentication(ctx, fmt::format("cannot make our AUTH: {}", auth.error().detail));
    if (!initiator()) {
      msg.payloads.clear();
      msg.add_notify(NotifyType::AUTHENTICATION_FAILED);
    }
    return TaskStatus::failed;
  }
  msg.add(initiator() ? PayloadType::IDi : PayloadType::IDr, our_id);
  if (sa.local_credential) {
    add_our_certificates(*sa.local_credential, msg);
    sa.rare_mut().local_cert_not_after = sa.local_credential->chain.front().not_after();
  }
  // §3.7: the initiator asks for the responder's certificate in IKE_AUTH.
  if (initiator() && config.remote_auth == AuthKind::pubkey && config.trust)
    msg.add(PayloadType::CERTREQ, certreq_for(*config.trust));
  if (initiator() && !config.remote_id.any) msg.add(PayloadType::IDr, config.remote_id.payload());
  sa.setup().our_auth_method = describe_auth(*auth);
  msg.add(PayloadType::AUTH, std::move(*auth));
  // §2.4: only in the first IKE_AUTH request; the Endpoint decided whether
  // this is the only IKE SA between the two identities.
  if (initiator() && sa.send_initial_contact) msg.add_notify(NotifyType::INITIAL_CONTACT);
  if (initiator()) return TaskStatus::need_more;
  established(ctx);
  return TaskStatus::done;
}

TaskStatus IkeAuth::process(TaskContext& ctx, const IkeMessage& msg) {
  IkeSa& sa = ctx.sa;
  if (msg.exchange == ExchangeType::IKE_SA_INIT) {
    process_ike_sa_init(sa, msg, initiator());
    return TaskStatus::need_more;
  }
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::done;
  if (msg.malformed) return TaskStatus::need_more;  // answered by malformed_request
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
  if (!initiator()) sa.setup().peer_ca_hashes = collect_ca_hashes(msg);
  const ConnectionConfig& config = *sa.config;

  std::string failure;
  if (initiator() && peer_id == nullptr) {
    const wire::NotifyPayload* n = msg.find_error_notify();
    failure = n ? fmt::format("peer rejected IKE_AUTH: {}", wire::to_string(n->type))
                : "IKE_AUTH response without IDr";
  } else if (peer_id == nullptr || auth == nullptr) {
    failure = initiator() ? "IKE_AUTH response without AUTH" : "IKE_AUTH request without IDi or AUTH";
  } else if (!config.remote_id.matches(*peer_id)) {
    failure = fmt::format("peer identity {} is not the configured {}", id_text(*peer_id),
                          config.remote_id.to_string());
  } else if (idr != nullptr && !config.local_id.matches(*idr)) {
    failure = fmt::format("peer asks for identity {}, we are {}", id_text(*idr), config.local_id.to_string());
  } else {
    failure = check_peer_auth(ctx, msg, *peer_id, *auth, initiator());
  }
  if (!failure.empty()) {
    fail_authentication(ctx, failure);
    // The responder answers AUTHENTICATION_FAILED from build(). The initiator
    // stops here; when it refused an authentication the responder made, the
    // responder believes the IKE SA is up, so it is told (§2.21.2).
    if (initiator() && peer_id != nullptr) sa.notify_authentication_failed = true;
    return initiator() ? TaskStatus::failed : TaskStatus::need_more;
  }
  sa.peer_id = *peer_id;
  sa.setup().peer_auth_method = describe_auth(*auth);
  sa.initial_contact_received = msg.find_notify(NotifyType::INITIAL_CONTACT) != nullptr;
  if (initiator()) {
    established(ctx);
    return TaskStatus::done;
  }
  authenticated_ = true;
  return TaskStatus::need_more;
}

}  // namespace tern::ike

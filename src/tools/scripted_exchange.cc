#include "tools/scripted_exchange.h"

#include "crypto/keylog.h"
#include "tools/scripted_parties.h"
#include "tools/scripted_payloads.h"
#include "wire/message.h"

namespace tern::tools {

namespace {

bool same_keys(const crypto::IkeSaKeys& a, const crypto::IkeSaKeys& b) {
  return a.SK_d == b.SK_d && a.SK_ai == b.SK_ai && a.SK_ar == b.SK_ar && a.SK_ei == b.SK_ei &&
         a.SK_er == b.SK_er && a.SK_pi == b.SK_pi && a.SK_pr == b.SK_pr;
}

std::vector<wire::PayloadType> types_of(std::span<const wire::Payload> payloads) {
  std::vector<wire::PayloadType> types;
  for (const wire::Payload& p : payloads) types.push_back(p.type);
  return types;
}

Result<ScriptedMessageSummary> summarize(ByteView datagram, std::span<const wire::Payload> inner) {
  auto m = wire::parse_message(datagram);
  if (!m) return fail(m.error());
  ScriptedMessageSummary s;
  s.exchange = m->header.exchange;
  s.message_id = m->header.message_id;
  s.response = m->header.is_response();
  s.initiator_flag = m->header.is_initiator();
  s.length = m->header.length;
  s.payloads = types_of(m->payloads);
  s.inner = types_of(inner);
  for (const wire::Payload& p : m->payloads) {
    if (const auto* n = std::get_if<wire::NotifyPayload>(&p.body)) s.notifies.push_back(*n);
  }
  return s;
}

const wire::IdPayload* find_id(std::span<const wire::Payload> payloads, wire::PayloadType type) {
  const wire::Payload* p = wire::find_payload(payloads, type);
  return p == nullptr ? nullptr : std::get_if<wire::IdPayload>(&p->body);
}

}  // namespace

Result<ScriptedExchange> run_scripted_exchange(const ScriptedExchangeConfig& config, crypto::Random& random) {
  ScriptedInitiator initiator{
      config.suite,
      {config.initiator_id, config.responder_id, config.psk, config.initiator, config.responder},
      random};
  ScriptedResponder responder{
      config.suite,
      {config.responder_id, config.initiator_id, config.psk, config.responder, config.initiator},
      random};
  ScriptedExchange out;
  auto sent = [&](size_t i, std::string step, Role sender, Bytes bytes) {
    const bool from_initiator = sender == Role::initiator;
    out.datagrams[i] = {std::move(step), from_initiator ? config.initiator : config.responder,
                        from_initiator ? config.responder : config.initiator, std::move(bytes)};
    return ByteView{out.datagrams[i].bytes};
  };

  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
  auto m1 = initiator.build_ike_sa_init_request();
  if (!m1) return fail(m1.error());
  // <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
  auto m2 =
      responder.consume_ike_sa_init_request(sent(0, "IKE_SA_INIT request", Role::initiator, std::move(*m1)));
  if (!m2) return fail(m2.error());
  if (auto ok = initiator.consume_ike_sa_init_response(
          sent(1, "IKE_SA_INIT response", Role::responder, std::move(*m2)));
      !ok)
    return fail(ok.error());
  if (!(initiator.sa().g_ir == responder.sa().g_ir))
    return fail(Errc::crypto_failure, "scripted exchange: initiator and responder computed different g^ir");
  if (!same_keys(initiator.sa().keys, responder.sa().keys))
    return fail(Errc::crypto_failure, "scripted exchange: initiator and responder derived different SK_*");

  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
  auto m3 = initiator.build_ike_auth_request();
  if (!m3) return fail(m3.error());
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
  auto m4 = responder.consume_ike_auth_request(sent(2, "IKE_AUTH request", Role::initiator, std::move(*m3)));
  if (!m4) return fail(m4.error());
  if (auto ok =
          initiator.consume_ike_auth_response(sent(3, "IKE_AUTH response", Role::responder, std::move(*m4)));
      !ok)
    return fail(ok.error());

  const ScriptedSa& sa = initiator.sa();
  out.spi_i = sa.spi_i;
  out.spi_r = sa.spi_r;
  out.keys = sa.keys;
  auto line = crypto::format_keylog_line(sa.spi_i, sa.spi_r, sa.suite, sa.keys.SK_ei, sa.keys.SK_er,
                                         sa.keys.SK_ai, sa.keys.SK_ar);
  if (!line) return fail(line.error());
  out.keylog_line = std::move(*line);

  ScriptedExchangeSummary& s = out.summary;
  s.suite = sa.suite;
  s.spi_i = sa.spi_i;
  s.spi_r = sa.spi_r;
  const std::span<const wire::Payload> opened[4] = {{}, {}, responder.sa().peer_ike_auth, sa.peer_ike_auth};
  for (size_t i = 0; i < 4; ++i) {
    auto m = summarize(out.datagrams[i].bytes, opened[i]);
    if (!m) return fail(m.error());
    s.messages[i] = std::move(*m);
  }
  s.nonce_i = sa.Ni;
  s.nonce_r = sa.Nr;
  s.ke_group = sa.suite.ke;
  s.ke_i = sa.KEi;
  s.ke_r = sa.KEr;
  const wire::IdPayload* idi = find_id(responder.sa().peer_ike_auth, wire::PayloadType::IDi);
  const wire::IdPayload* idr = find_id(sa.peer_ike_auth, wire::PayloadType::IDr);
  TERN_ASSERT(idi != nullptr && idr != nullptr);  // both parties checked them
  s.id_i = *idi;
  s.id_r = *idr;
  s.auth_method = wire::AuthMethod::SHARED_KEY_MIC;
  s.esp_spi_i = sa.esp_spi_in;
  s.esp_spi_r = sa.esp_spi_out;
  s.ts_i = scripted_tsi().selectors.front().to_string();
  s.ts_r = scripted_tsr().selectors.front().to_string();
  s.nat_detected = sa.peer_behind_nat || sa.self_behind_nat || responder.sa().peer_behind_nat ||
                   responder.sa().self_behind_nat;
  return out;
}

}  // namespace tern::tools

// ScriptedResponder (scripted_parties.h): the responder's half of the script.
#include "ike/sk_seal.h"
#include "tools/scripted_checks.h"
#include "tools/scripted_parties.h"
#include "tools/scripted_payloads.h"

namespace tern::tools {

using wire::NotifyType;
using wire::PayloadType;

ScriptedResponder::ScriptedResponder(const crypto::IkeSuite& suite, PartyConfig config,
                                     crypto::Random& random)
    : config_(std::move(config)), random_(random) {
  sa_.suite = suite;
}

// HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
// <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
Result<Bytes> ScriptedResponder::consume_ike_sa_init_request(ByteView datagram) {
  TERN_ASSERT(step_ == Step::start);
  auto m = receive_plain(datagram, {wire::ExchangeType::IKE_SA_INIT, 0, Role::initiator});
  if (!m) return fail(m.error());
  if (m->header.spi_r != 0)
    return fail(Errc::bad_spi, "scripted exchange: IKE_SA_INIT request with SPIr set");
  auto sai1 = require<wire::SaPayload>(m->payloads, PayloadType::SA);
  if (!sai1) return fail(sai1.error());
  if (auto ok = check_ike_sa(*sai1, sa_.suite); !ok) return fail(ok.error());
  auto kei = require<wire::KePayload>(m->payloads, PayloadType::KE);
  if (!kei) return fail(kei.error());
  auto kei_data = check_ke(*kei, sa_.suite);
  if (!kei_data) return fail(kei_data.error());
  auto ni = require<wire::NoncePayload>(m->payloads, PayloadType::Nonce);
  if (!ni) return fail(ni.error());

  sa_.spi_i = m->header.spi_i;
  sa_.KEi = std::move(*kei_data);
  sa_.Ni = ni->data;
  // The request's NAT-D hashes use SPIr = 0 (§2.23): check them before choosing SPIr.
  if (auto ok = check_nat_detection(sa_, m->payloads, config_.remote, config_.local); !ok)
    return fail(ok.error());
  auto ke = crypto::KeyExchange::create(sa_.suite.ke, random_);
  if (!ke) return fail(ke.error());
  auto g_ir = (*ke)->compute_shared_secret(sa_.KEi);
  if (!g_ir) return fail(g_ir.error());
  sa_.g_ir = std::move(*g_ir);
  const ByteView ker = (*ke)->public_value();
  sa_.KEr.assign(ker.begin(), ker.end());
  sa_.spi_r = random_ike_spi(random_);
  sa_.Nr = random_.bytes(kScriptedNonceSize);

  wire::Message r;
  r.header.spi_i = sa_.spi_i;
  r.header.spi_r = sa_.spi_r;
  r.header.exchange = wire::ExchangeType::IKE_SA_INIT;
  r.header.flags = wire::kFlagResponse;
  r.header.message_id = 0;
  r.payloads = {
      {PayloadType::SA, false, wire::SaPayload{{ike_proposal(sa_.suite)}}},
      {PayloadType::KE, false, wire::KePayload{sa_.suite.ke, sa_.KEr}},
      {PayloadType::Nonce, false, wire::NoncePayload{sa_.Nr}},
      nat_detection_notify(NotifyType::NAT_DETECTION_SOURCE_IP,
                           nat_detection_hash(sa_.spi_i, sa_.spi_r, config_.local)),
      nat_detection_notify(NotifyType::NAT_DETECTION_DESTINATION_IP,
                           nat_detection_hash(sa_.spi_i, sa_.spi_r, config_.remote)),
  };
  sa_.real_message_1.assign(datagram.begin(), datagram.end());
  sa_.real_message_2 = wire::build_message(r);
  if (auto ok = derive_keys(sa_); !ok) return fail(ok.error());
  step_ = Step::init_done;
  return sa_.real_message_2;
}

// HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
// <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
Result<Bytes> ScriptedResponder::consume_ike_auth_request(ByteView datagram) {
  TERN_ASSERT(step_ == Step::init_done);
  auto inner = receive_sealed(datagram, {wire::ExchangeType::IKE_AUTH, 1, Role::initiator}, sa_);
  if (!inner) return fail(inner.error());
  if (auto ok = check_peer_auth(sa_, Role::initiator, *inner, config_.remote_id, config_.psk); !ok)
    return fail(ok.error());
  auto sai2 = require<wire::SaPayload>(*inner, PayloadType::SA);
  if (!sai2) return fail(sai2.error());
  auto spi = check_esp_sa(*sai2);
  if (!spi) return fail(spi.error());
  if (auto ok = check_traffic_selectors(*inner); !ok) return fail(ok.error());
  sa_.esp_spi_out = *spi;
  sa_.peer_ike_auth = std::move(*inner);

  const wire::IdPayload idr = identity(config_.local_id);
  auto auth = compute_psk_auth(sa_, Role::responder, as_bytes(config_.psk), idr);
  if (!auth) return fail(auth.error());
  sa_.esp_spi_in = random_esp_spi(random_);
  const std::vector<wire::Payload> response = {
      {PayloadType::IDr, false, idr},
      {PayloadType::AUTH, false, wire::AuthPayload{wire::AuthMethod::SHARED_KEY_MIC, std::move(*auth)}},
      {PayloadType::SA, false, wire::SaPayload{{esp_aes128gcm16_proposal(sa_.esp_spi_in)}}},
      {PayloadType::TSi, false, scripted_tsi()},
      {PayloadType::TSr, false, scripted_tsr()},
  };
  wire::IkeHeader h;
  h.spi_i = sa_.spi_i;
  h.spi_r = sa_.spi_r;
  h.exchange = wire::ExchangeType::IKE_AUTH;
  h.flags = wire::kFlagResponse;
  h.message_id = 1;
  step_ = Step::established;
  return ike::seal_message(h, {}, response, *sa_.sk_r, random_);
}

}  // namespace tern::tools

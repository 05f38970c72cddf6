// ScriptedInitiator (scripted_parties.h): the initiator's half of the script.
#include "ike/sk_seal.h"
#include "tools/scripted_checks.h"
#include "tools/scripted_parties.h"
#include "tools/scripted_payloads.h"

namespace tern::tools {

using wire::NotifyType;
using wire::PayloadType;

ScriptedInitiator::ScriptedInitiator(const crypto::IkeSuite& suite, PartyConfig config,
                                     crypto::Random& random)
    : config_(std::move(config)), random_(random) {
  sa_.suite = suite;
}

// HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
Result<Bytes> ScriptedInitiator::build_ike_sa_init_request() {
  TERN_ASSERT(step_ == Step::start);
  auto ke = crypto::KeyExchange::create(sa_.suite.ke, random_);
  if (!ke) return fail(ke.error());
  ke_ = std::move(*ke);
  sa_.spi_i = random_ike_spi(random_);
  sa_.Ni = random_.bytes(kScriptedNonceSize);
  const ByteView kei = ke_->public_value();
  sa_.KEi.assign(kei.begin(), kei.end());

  wire::Message m;
  m.header.spi_i = sa_.spi_i;
  m.header.spi_r = 0;
  m.header.exchange = wire::ExchangeType::IKE_SA_INIT;
  m.header.flags = wire::kFlagInitiator;
  m.header.message_id = 0;
  m.payloads = {
      {PayloadType::SA, false, wire::SaPayload{{ike_proposal(sa_.suite)}}},
      {PayloadType::KE, false, wire::KePayload{sa_.suite.ke, sa_.KEi}},
      {PayloadType::Nonce, false, wire::NoncePayload{sa_.Ni}},
      nat_detection_notify(NotifyType::NAT_DETECTION_SOURCE_IP,
                           nat_detection_hash(sa_.spi_i, 0, config_.local)),
      nat_detection_notify(NotifyType::NAT_DETECTION_DESTINATION_IP,
                           nat_detection_hash(sa_.spi_i, 0, config_.remote)),
  };
  sa_.real_message_1 = wire::build_message(m);
  step_ = Step::init_sent;
  return sa_.real_message_1;
}

// <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
Result<void> ScriptedInitiator::consume_ike_sa_init_response(ByteView datagram) {
  TERN_ASSERT(step_ == Step::init_sent);
  auto m = receive_plain(datagram, {wire::ExchangeType::IKE_SA_INIT, 0, Role::responder});
  if (!m) return fail(m.error());
  if (m->header.spi_i != sa_.spi_i || m->header.spi_r == 0)
    return fail(Errc::bad_spi, "scripted exchange: IKE_SA_INIT response SPIs do not fit our request");
  auto sar1 = require<wire::SaPayload>(m->payloads, PayloadType::SA);
  if (!sar1) return fail(sar1.error());
  if (auto ok = check_ike_sa(*sar1, sa_.suite); !ok) return fail(ok.error());
  auto ker = require<wire::KePayload>(m->payloads, PayloadType::KE);
  if (!ker) return fail(ker.error());
  auto ker_data = check_ke(*ker, sa_.suite);
  if (!ker_data) return fail(ker_data.error());
  auto nr = require<wire::NoncePayload>(m->payloads, PayloadType::Nonce);
  if (!nr) return fail(nr.error());

  sa_.spi_r = m->header.spi_r;
  sa_.KEr = std::move(*ker_data);
  sa_.Nr = nr->data;
  if (auto ok = check_nat_detection(sa_, m->payloads, config_.remote, config_.local); !ok)
    return fail(ok.error());
  auto g_ir = ke_->compute_shared_secret(sa_.KEr);
  if (!g_ir) return fail(g_ir.error());
  sa_.g_ir = std::move(*g_ir);
  sa_.real_message_2.assign(datagram.begin(), datagram.end());
  if (auto ok = derive_keys(sa_); !ok) return fail(ok.error());
  step_ = Step::init_done;
  return {};
}

// HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
Result<Bytes> ScriptedInitiator::build_ike_auth_request() {
  TERN_ASSERT(step_ == Step::init_done);
  const wire::IdPayload idi = identity(config_.local_id);
  auto auth = compute_psk_auth(sa_, Role::initiator, as_bytes(config_.psk), idi);
  if (!auth) return fail(auth.error());
  sa_.esp_spi_in = random_esp_spi(random_);
  const std::vector<wire::Payload> inner = {
      {PayloadType::IDi, false, idi},
      {PayloadType::AUTH, false, wire::AuthPayload{wire::AuthMethod::SHARED_KEY_MIC, std::move(*auth)}},
      {PayloadType::SA, false, wire::SaPayload{{esp_aes128gcm16_proposal(sa_.esp_spi_in)}}},
      {PayloadType::TSi, false, scripted_tsi()},
      {PayloadType::TSr, false, scripted_tsr()},
  };
  wire::IkeHeader h;
  h.spi_i = sa_.spi_i;
  h.spi_r = sa_.spi_r;
  h.exchange = wire::ExchangeType::IKE_AUTH;
  h.flags = wire::kFlagInitiator;
  h.message_id = 1;
  step_ = Step::auth_sent;
  return ike::seal_message(h, {}, inner, *sa_.sk_i, random_);
}

// <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
Result<void> ScriptedInitiator::consume_ike_auth_response(ByteView datagram) {
  TERN_ASSERT(step_ == Step::auth_sent);
  auto inner = receive_sealed(datagram, {wire::ExchangeType::IKE_AUTH, 1, Role::responder}, sa_);
  if (!inner) return fail(inner.error());
  if (auto ok = check_peer_auth(sa_, Role::responder, *inner, config_.remote_id, config_.psk); !ok)
    return fail(ok.error());
  auto sar2 = require<wire::SaPayload>(*inner, PayloadType::SA);
  if (!sar2) return fail(sar2.error());
  auto spi = check_esp_sa(*sar2);
  if (!spi) return fail(spi.error());
  if (auto ok = check_traffic_selectors(*inner); !ok) return fail(ok.error());
  sa_.esp_spi_out = *spi;
  sa_.peer_ike_auth = std::move(*inner);
  step_ = Step::established;
  return {};
}

}  // namespace tern::tools

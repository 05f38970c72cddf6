#include "tools/scripted_checks.h"

#include <fmt/format.h>

#include "base/byte_writer.h"
#include "tools/scripted_payloads.h"

namespace tern::tools {

using wire::NotifyType;
using wire::PayloadType;

Result<void> check_ike_sa(const wire::SaPayload& sa, const crypto::IkeSuite& suite) {
  if (sa.proposals.size() != 1 || sa.proposals[0] != ike_proposal(suite))
    return fail(Errc::unexpected_payload, wire::notify_number(NotifyType::NO_PROPOSAL_CHOSEN),
                "scripted exchange: SA payload is not the scripted IKE proposal " + suite.to_string());
  return {};
}

Result<uint32_t> check_esp_sa(const wire::SaPayload& sa) {
  if (sa.proposals.size() != 1 || sa.proposals[0].spi.size() != 4)
    return fail(Errc::unexpected_payload, wire::notify_number(NotifyType::NO_PROPOSAL_CHOSEN),
                "scripted exchange: SA payload is not one ESP proposal with a 4-octet SPI");
  const Bytes& s = sa.proposals[0].spi;
  const uint32_t spi = (uint32_t{s[0]} << 24) | (uint32_t{s[1]} << 16) | (uint32_t{s[2]} << 8) | s[3];
  if (sa.proposals[0] != esp_aes128gcm16_proposal(spi))
    return fail(Errc::unexpected_payload, wire::notify_number(NotifyType::NO_PROPOSAL_CHOSEN),
                "scripted exchange: ESP proposal is not aes128gcm16 without ESN");
  return spi;
}

Result<Bytes> check_ke(const wire::KePayload& ke, const crypto::IkeSuite& suite) {
  if (ke.group != suite.ke) {
    Error e = Error::answer(Errc::invalid_ke, wire::notify_number(NotifyType::INVALID_KE_PAYLOAD),
                            fmt::format("scripted exchange: KE group {}, expected {}",
                                        wire::to_string(ke.group), wire::to_string(suite.ke)));
    ByteWriter{e.notify_data}.u16(static_cast<uint16_t>(suite.ke));
    return fail(std::move(e));
  }
  return ke.data;
}

Result<void> check_nat_detection(ScriptedSa& sa, std::span<const wire::Payload> payloads,
                                 const UdpEndpoint& peer, const UdpEndpoint& self) {
  if (wire::find_notify(payloads, NotifyType::NAT_DETECTION_SOURCE_IP) == nullptr ||
      wire::find_notify(payloads, NotifyType::NAT_DETECTION_DESTINATION_IP) == nullptr)
    return fail(Errc::missing_payload, "scripted exchange: NAT_DETECTION notifies missing");
  sa.peer_behind_nat =
      !nat_detection_matches(payloads, NotifyType::NAT_DETECTION_SOURCE_IP, sa.spi_i, sa.spi_r, peer);
  sa.self_behind_nat =
      !nat_detection_matches(payloads, NotifyType::NAT_DETECTION_DESTINATION_IP, sa.spi_i, sa.spi_r, self);
  return {};
}

Result<void> check_peer_auth(const ScriptedSa& sa, Role peer, std::span<const wire::Payload> inner,
                             std::string_view expected_id, std::string_view psk) {
  const PayloadType id_type = peer == Role::initiator ? PayloadType::IDi : PayloadType::IDr;
  auto id = require<wire::IdPayload>(inner, id_type);
  if (!id) return fail(id.error());
  auto auth = require<wire::AuthPayload>(inner, PayloadType::AUTH);
  if (!auth) return fail(auth.error());
  if (*id != identity(expected_id))
    return fail(Errc::bad_signature, wire::notify_number(NotifyType::AUTHENTICATION_FAILED),
                fmt::format("scripted exchange: peer identity {} is not {}", id->to_string(), expected_id));
  if (auth->method != wire::AuthMethod::SHARED_KEY_MIC)
    return fail(Errc::bad_signature, wire::notify_number(NotifyType::AUTHENTICATION_FAILED),
                "scripted exchange: AUTH method is not SHARED_KEY_MIC");
  auto ok = verify_psk_auth(sa, peer, as_bytes(psk), *id, auth->data);
  if (!ok) return fail(ok.error());
  if (!*ok)
    return fail(Errc::bad_signature, wire::notify_number(NotifyType::AUTHENTICATION_FAILED),
                fmt::format("scripted exchange: AUTH of {} does not verify with our PSK", id->to_string()));
  return {};
}

Result<void> check_traffic_selectors(std::span<const wire::Payload> inner) {
  auto tsi = require<wire::TsPayload>(inner, PayloadType::TSi);
  if (!tsi) return fail(tsi.error());
  auto tsr = require<wire::TsPayload>(inner, PayloadType::TSr);
  if (!tsr) return fail(tsr.error());
  if (*tsi != scripted_tsi() || *tsr != scripted_tsr())
    return fail(Errc::invalid_syntax, wire::notify_number(NotifyType::TS_UNACCEPTABLE),
                "scripted exchange: traffic selectors are not 192.0.2.0/24 <-> 203.0.113.0/24");
  return {};
}

}  // namespace tern::tools

#include "tools/scripted_sa.h"

#include <fmt/format.h>

#include "crypto/prf.h"
#include "crypto/psk_auth.h"
#include "crypto/signed_octets.h"
#include "ike/sk_seal.h"
#include "tools/scripted_payloads.h"

namespace tern::tools {

Result<void> derive_keys(ScriptedSa& sa) {
  auto keys = crypto::derive_ike_sa_keys(sa.suite, sa.g_ir.view(), sa.Ni, sa.Nr, sa.spi_i, sa.spi_r);
  if (!keys) return fail(keys.error());
  sa.keys = std::move(*keys);
  auto sk_i = crypto::SkCipher::create(sa.suite.encr, sa.suite.encr_key_bits, sa.suite.integ,
                                       sa.keys.SK_ei.view(), sa.keys.SK_ai.view());
  if (!sk_i) return fail(sk_i.error());
  auto sk_r = crypto::SkCipher::create(sa.suite.encr, sa.suite.encr_key_bits, sa.suite.integ,
                                       sa.keys.SK_er.view(), sa.keys.SK_ar.view());
  if (!sk_r) return fail(sk_r.error());
  sa.sk_i = std::move(*sk_i);
  sa.sk_r = std::move(*sk_r);
  return {};
}

namespace {

Result<Bytes> signed_octets_of(const ScriptedSa& sa, const crypto::Prf& prf, Role signer,
                               const wire::IdPayload& signer_id) {
  const Bytes id_body = id_payload_body(signer_id);
  if (signer == Role::initiator)
    return crypto::signed_octets(prf, sa.real_message_1, sa.Nr, sa.keys.SK_pi, id_body);
  return crypto::signed_octets(prf, sa.real_message_2, sa.Ni, sa.keys.SK_pr, id_body);
}

}  // namespace

Result<Bytes> compute_psk_auth(const ScriptedSa& sa, Role signer, ByteView psk,
                               const wire::IdPayload& signer_id) {
  auto prf = crypto::Prf::create(sa.suite.prf);
  if (!prf) return fail(prf.error());
  auto octets = signed_octets_of(sa, *prf, signer, signer_id);
  if (!octets) return fail(octets.error());
  return crypto::psk_auth(*prf, psk, *octets);
}

Result<bool> verify_psk_auth(const ScriptedSa& sa, Role signer, ByteView psk,
                             const wire::IdPayload& signer_id, ByteView auth) {
  auto prf = crypto::Prf::create(sa.suite.prf);
  if (!prf) return fail(prf.error());
  auto octets = signed_octets_of(sa, *prf, signer, signer_id);
  if (!octets) return fail(octets.error());
  return crypto::psk_auth_verify(*prf, psk, *octets, auth);
}

namespace {

Result<void> check_header(const wire::IkeHeader& h, const ExpectedHeader& expected) {
  const bool from_initiator = expected.sender == Role::initiator;
  if (h.exchange != expected.exchange)
    return fail(Errc::invalid_syntax,
                fmt::format("scripted exchange: expected {}, got {}", wire::to_string(expected.exchange),
                            wire::to_string(h.exchange)));
  if (h.message_id != expected.message_id)
    return fail(Errc::bad_message_id, fmt::format("scripted exchange: expected message ID {}, got {}",
                                                  expected.message_id, h.message_id));
  // Requests come from the initiator (I set, R clear); responses from the responder (R set, I clear).
  if (h.is_response() == from_initiator || h.is_initiator() != from_initiator)
    return fail(Errc::invalid_syntax, "scripted exchange: I/R flags do not fit the sender");
  return {};
}

wire::Direction direction_of(Role sender) {
  return sender == Role::initiator ? wire::Direction::request : wire::Direction::response;
}

}  // namespace

Result<wire::Message> receive_plain(ByteView datagram, const ExpectedHeader& expected) {
  auto message = wire::parse_message(datagram);
  if (!message) return fail(message.error());
  if (auto ok = check_header(message->header, expected); !ok) return fail(ok.error());
  if (auto ok =
          wire::check_payload_rules(expected.exchange, direction_of(expected.sender), message->payloads, {});
      !ok)
    return fail(ok.error());
  return message;
}

Result<std::vector<wire::Payload>> receive_sealed(ByteView datagram, const ExpectedHeader& expected,
                                                  const ScriptedSa& sa) {
  auto message = wire::parse_message(datagram);
  if (!message) return fail(message.error());
  if (auto ok = check_header(message->header, expected); !ok) return fail(ok.error());
  if (message->header.spi_i != sa.spi_i || message->header.spi_r != sa.spi_r)
    return fail(Errc::bad_spi, "scripted exchange: message for another IKE SA");
  if (message->payloads.empty() || message->payloads.back().type != wire::PayloadType::SK)
    return fail(Errc::missing_payload, "scripted exchange: no SK payload");
  const crypto::SkCipher& cipher = expected.sender == Role::initiator ? *sa.sk_i : *sa.sk_r;
  auto inner = ike::open_message(datagram, *message, cipher);
  if (!inner) return fail(inner.error());
  if (auto ok = wire::check_payload_rules(expected.exchange, direction_of(expected.sender), message->payloads,
                                          *inner);
      !ok)
    return fail(ok.error());
  return inner;
}

}  // namespace tern::tools

// What one party of tern's SCRIPTED IKEv2 exchange knows about the IKE SA it
// is setting up, and the steps both roles share: key derivation (§2.14), the
// PSK AUTH value (§2.15), and receiving a message (parse, header checks,
// opening SK, the payload rules table).
//
// Who calls it: ScriptedInitiator and ScriptedResponder (scripted_parties.h).
// How it fails: derive_keys passes on crypto/'s errors (Errc::unsupported for
// a suite tern cannot key); receive_* pass on wire::parse_message,
// ike::open_message and wire::check_payload_rules errors, and return
// Errc::invalid_syntax / Errc::bad_message_id / Errc::bad_spi when the header
// is not the one the script expects next.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret_bytes.h"
#include "crypto/key_derivation.h"
#include "crypto/sk_cipher.h"
#include "crypto/suite.h"
#include "wire/message.h"
#include "wire/payload_rules.h"

namespace tern::tools {

enum class Role : uint8_t { initiator, responder };

struct ScriptedSa {
  crypto::IkeSuite suite;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  Bytes Ni, Nr;                            // Nonce Data
  Bytes KEi, KEr;                          // Key Exchange Data
  Bytes real_message_1;                    // the IKE_SA_INIT request as sent (§2.15 RealMessage1)
  Bytes real_message_2;                    // the IKE_SA_INIT response as sent (RealMessage2)
  SecretBytes g_ir;                        // the shared secret; kept so the script can check both sides agree
  crypto::IkeSaKeys keys;                  // SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr
  std::unique_ptr<crypto::SkCipher> sk_i;  // SK_ei / SK_ai: protects initiator -> responder
  std::unique_ptr<crypto::SkCipher> sk_r;  // SK_er / SK_ar: protects responder -> initiator
  bool peer_behind_nat = false;            // the peer's NAT_DETECTION_SOURCE_IP did not match (§2.23)
  bool self_behind_nat = false;            // the peer's NAT_DETECTION_DESTINATION_IP did not match
  std::vector<wire::Payload> peer_ike_auth;  // the peer's IKE_AUTH payloads, as opened from SK
  uint32_t esp_spi_in = 0;                   // our inbound ESP SPI (sent in our SA payload)
  uint32_t esp_spi_out = 0;                  // the peer's inbound ESP SPI (from its SA payload)
};

// SKEYSEED and {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} from
// sa.g_ir, the nonces and both SPIs (§2.14), then sk_i and sk_r.
Result<void> derive_keys(ScriptedSa& sa);

// AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets of `signer`>) (§2.15):
//   initiator: RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload)
//   responder: RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload)
// `signer_id` is the signer's ID payload as built (sender) or as opened (receiver).
Result<Bytes> compute_psk_auth(const ScriptedSa& sa, Role signer, ByteView psk,
                               const wire::IdPayload& signer_id);
Result<bool> verify_psk_auth(const ScriptedSa& sa, Role signer, ByteView psk,
                             const wire::IdPayload& signer_id, ByteView auth);

// What the script expects of the next message's header.
struct ExpectedHeader {
  wire::ExchangeType exchange;
  uint32_t message_id;
  Role sender;
};

// IKE_SA_INIT: parse_message, the header, then the rules table (nothing inside SK).
Result<wire::Message> receive_plain(ByteView datagram, const ExpectedHeader& expected);

// IKE_AUTH: parse_message, the header (SPIs must be sa's), open SK with the
// sender's key, then the rules table. Returns the inner payloads.
Result<std::vector<wire::Payload>> receive_sealed(ByteView datagram, const ExpectedHeader& expected,
                                                  const ScriptedSa& sa);

// The first payload of `type` with body T, or an Errc::missing_payload error.
template <typename T>
Result<T> require(std::span<const wire::Payload> payloads, wire::PayloadType type) {
  const wire::Payload* p = wire::find_payload(payloads, type);
  if (p == nullptr)
    return fail(Errc::missing_payload, "scripted exchange: no " + wire::to_string(type) + " payload");
  const T* body = std::get_if<T>(&p->body);
  if (body == nullptr)
    return fail(Errc::invalid_syntax, "scripted exchange: bad " + wire::to_string(type) + " body");
  return *body;
}

}  // namespace tern::tools

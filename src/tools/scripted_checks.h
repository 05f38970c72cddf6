// What a party of the SCRIPTED exchange checks in its peer's messages, shared
// by ScriptedInitiator and ScriptedResponder (scripted_parties.h). The script
// accepts exactly what it offers: these are equality checks against the fixed
// script, not the engine's proposal selection or selector narrowing.
//
// How it fails: see each function; every error carries the notify a real
// responder would answer with.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "tools/pcap_writer.h"
#include "tools/scripted_sa.h"
#include "wire/payload.h"

namespace tern::tools {

// The SA payload holds exactly the scripted IKE proposal for `suite`; else
// Errc::unexpected_payload with NO_PROPOSAL_CHOSEN.
Result<void> check_ike_sa(const wire::SaPayload& sa, const crypto::IkeSuite& suite);

// The SA payload holds exactly the scripted ESP proposal; returns its SPI.
// Else Errc::unexpected_payload with NO_PROPOSAL_CHOSEN.
Result<uint32_t> check_esp_sa(const wire::SaPayload& sa);

// KE of the suite's group (else Errc::invalid_ke, INVALID_KE_PAYLOAD with the
// group as notify data); returns the Key Exchange Data.
Result<Bytes> check_ke(const wire::KePayload& ke, const crypto::IkeSuite& suite);

// Both NAT_DETECTION notifies present (else Errc::missing_payload), and
// whether they match (§2.23), stored in sa.peer_behind_nat / self_behind_nat.
// `peer` is the datagram's source as we see it, `self` its destination.
Result<void> check_nat_detection(ScriptedSa& sa, std::span<const wire::Payload> payloads,
                                 const UdpEndpoint& peer, const UdpEndpoint& self);

// The peer's ID is `expected_id` and its AUTH (SHARED_KEY_MIC) verifies with
// `psk` (§2.15); else Errc::bad_signature with AUTHENTICATION_FAILED.
Result<void> check_peer_auth(const ScriptedSa& sa, Role peer, std::span<const wire::Payload> inner,
                             std::string_view expected_id, std::string_view psk);

// TSi and TSr are the scripted selectors; else Errc::invalid_syntax with TS_UNACCEPTABLE.
Result<void> check_traffic_selectors(std::span<const wire::Payload> inner);

}  // namespace tern::tools

// What `ternctl status` (and `list-sas` without --json) prints: the list-sas
// JSON (sa_json.h) as a table a network engineer reads at a glance, one block
// per IKE SA with its CHILD_SAs indented:
//
//   site-b[3]: ESTABLISHED since 2025-03-01T12:00:05Z, initiator, NAT detected
//     local:  192.0.2.1:500 fqdn:a.example.org
//     remote: 192.0.2.2:4500 fqdn:b.example.org
//     SPIs:   0123456789abcdef_i* fedcba9876543210_r     (* = ours)
//     IKE:    AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519
//     net: INSTALLED, TUNNEL, UDP-encapsulated
//       SPIs:      c1a2b3c4_i 0a0b0c0d_o                 (_i: inbound, ours)
//       ESP:       AES_GCM_16_128/NO_ESN
//       local_ts:  10.1.0.0/24
//       remote_ts: 10.2.0.0/24
//       traffic:   not measured
//
// Called by ternctl with the result of a list-sas request: the JSON comes
// from another process, so a missing or mistyped field prints as "-", never
// throws. "no IKE SAs" when the list is empty.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tern::control {

std::string render_status(const nlohmann::json& list_sas);

}  // namespace tern::control

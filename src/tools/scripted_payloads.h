// The payloads of tern's SCRIPTED IKEv2 exchange (scripted_exchange.h), built
// with wire/ and crypto/: the IKE and ESP proposals, identities, traffic
// selectors and NAT detection notifies (RFC 7296 §1.2, §2.23, §3).
//
// Who calls it: the scripted initiator and responder (scripted_parties.h) and
// their test. This is a fixed script for the demo and the tshark test, not
// the engine's proposal matching or NAT-T logic (ike/proposal, ike/tasks).
// Nothing here fails on input: it only builds from our own configuration; a
// suite tern cannot key is reported by the key derivation, not here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "crypto/random.h"
#include "crypto/suite.h"
#include "tools/pcap_writer.h"
#include "wire/payload.h"

namespace tern::tools {

// Octets of Ni and Nr: 32 (at least half the PRF key size for every PRF, §2.10).
inline constexpr size_t kScriptedNonceSize = 32;

// A fresh IKE SPI: random, never zero (§3.1).
uint64_t random_ike_spi(crypto::Random& random);
// A fresh inbound ESP SPI: random, never in 0..255 (reserved by IANA, RFC 4303 §2.1).
uint32_t random_esp_spi(crypto::Random& random);

// SAi1 / SAr1: one IKE proposal (Proposal Num 1, no SPI) with the suite's
// ENCR (+KEY_LENGTH), PRF, INTEG (only for non-AEAD ciphers) and KE transforms.
wire::Proposal ike_proposal(const crypto::IkeSuite& suite);

// SAi2 / SAr2: one ESP proposal "aes128gcm16" with the sender's inbound SPI:
// ENCR_AES_GCM_16 with KEY_LENGTH 128, ESN = NO_ESN (§3.3.3 requires an ESN
// transform for ESP).
wire::Proposal esp_aes128gcm16_proposal(uint32_t spi);

// "a@example.org" -> ID_RFC822_ADDR, anything else -> ID_FQDN.
wire::IdPayload identity(std::string_view id);

// The body of an ID payload as built, without the generic payload header:
// RestOfInitIDPayload / RestOfRespIDPayload of §2.15.
Bytes id_payload_body(const wire::IdPayload& id);

// A TS payload with one TS_IPV4_ADDR_RANGE selector covering the prefix, any
// protocol and port: ipv4_prefix_ts({192, 0, 2, 0}, 24) = 192.0.2.0-192.0.2.255.
wire::TsPayload ipv4_prefix_ts(const std::array<uint8_t, 4>& network, uint8_t prefix_length);

// The script's fixed Child SA selectors.
wire::TsPayload scripted_tsi();  // 192.0.2.0/24
wire::TsPayload scripted_tsr();  // 203.0.113.0/24

// NAT detection hash (§2.23): SHA-1(SPIi | SPIr | IP address | port), with
// SPIr zero in the IKE_SA_INIT request (the engine's ike::nat_detection_hash).
Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const UdpEndpoint& endpoint);

// N(NAT_DETECTION_SOURCE_IP) or N(NAT_DETECTION_DESTINATION_IP) carrying `hash`.
wire::Payload nat_detection_notify(wire::NotifyType type, ByteView hash);

// True if one of the message's notifies of `type` carries the hash of
// `endpoint` (§2.23: a mismatch means a NAT between the parties).
bool nat_detection_matches(std::span<const wire::Payload> payloads, wire::NotifyType type, uint64_t spi_i,
                           uint64_t spi_r, const UdpEndpoint& endpoint);

}  // namespace tern::tools

// tern's SCRIPTED IKEv2 exchange: IKE_SA_INIT and IKE_AUTH with a PSK
// (RFC 7296 §1.2) between a ScriptedInitiator and a ScriptedResponder in one
// process (scripted_parties.h), built entirely from tern's wire/, crypto/ and
// ike/sk_seal code. It stands in for the daemon in the demo and gives the
// tshark test real tern-built messages; it is not the engine.
//
//   HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
//                        <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
//                        <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//
// Who calls it: tern-exchange-demo and tests/tools. All randomness (SPIs,
// nonces, KE private values, IVs) comes from the Random passed in.
// How it fails: whatever a party's step returns (scripted_parties.h, e.g.
// Errc::bad_signature when the PSKs differ); Errc::crypto_failure if the two
// parties' g^ir or SK_* differ; format_keylog_line's Errc::unsupported for a
// suite Wireshark 4.0 cannot decrypt (ChaCha20-Poly1305).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key_derivation.h"
#include "crypto/random.h"
#include "crypto/suite.h"
#include "tools/pcap_writer.h"
#include "wire/iana.h"
#include "wire/id_payload.h"
#include "wire/notify_payload.h"

namespace tern::tools {

struct ScriptedExchangeConfig {
  crypto::IkeSuite suite;
  std::string psk = "tern-demo-psk";
  std::string initiator_id = "initiator@example.org";
  std::string responder_id = "responder@example.org";
  UdpEndpoint initiator{{192, 0, 2, 1}, 500};
  UdpEndpoint responder{{192, 0, 2, 2}, 500};
};

struct ScriptedDatagram {
  std::string step;  // "IKE_SA_INIT request", ...
  UdpEndpoint src{};
  UdpEndpoint dst{};
  Bytes bytes;  // the IKE message (no non-ESP marker: port 500)
};

// One message as sent, for comparison with a dissector.
struct ScriptedMessageSummary {
  wire::ExchangeType exchange = wire::ExchangeType::IKE_SA_INIT;
  uint32_t message_id = 0;
  bool response = false;                      // R flag
  bool initiator_flag = false;                // I flag
  size_t length = 0;                          // IKE header Length
  std::vector<wire::PayloadType> payloads;    // outer chain (SK last)
  std::vector<wire::PayloadType> inner;       // inside SK, as the receiver opened it
  std::vector<wire::NotifyPayload> notifies;  // outer Notify payloads (the NAT-D hashes)
};

struct ScriptedExchangeSummary {
  crypto::IkeSuite suite;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  std::array<ScriptedMessageSummary, 4> messages;
  Bytes nonce_i, nonce_r;  // Ni, Nr
  wire::KeGroup ke_group = wire::KeGroup::NONE;
  Bytes ke_i, ke_r;  // KEi, KEr Key Exchange Data
  wire::IdPayload id_i, id_r;
  wire::AuthMethod auth_method = wire::AuthMethod::SHARED_KEY_MIC;
  uint32_t esp_spi_i = 0;  // the initiator's inbound ESP SPI (in SAi2)
  uint32_t esp_spi_r = 0;  // the responder's inbound ESP SPI (in SAr2)
  std::string ts_i, ts_r;  // "192.0.2.0-192.0.2.255 proto 0 ports 0-65535"
  bool nat_detected = false;
};

struct ScriptedExchange {
  std::array<ScriptedDatagram, 4> datagrams;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  crypto::IkeSaKeys keys;   // the same on both sides (checked)
  std::string keylog_line;  // for Wireshark's ikev2_decryption_table (crypto/keylog.h)
  ScriptedExchangeSummary summary;
};

Result<ScriptedExchange> run_scripted_exchange(const ScriptedExchangeConfig& config, crypto::Random& random);

}  // namespace tern::tools

// The two parties of tern's SCRIPTED IKEv2 exchange: the four messages of
// RFC 7296 §1.2, built and checked with wire/, crypto/ and ike/sk_seal the
// way an initiator and a responder would, in a fixed order:
//
//   HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
//                        <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
//                        <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//
// This is NOT the engine: no state machine, retransmission, cookies, proposal
// choice or error notifies. Each step must be called once, in the order above
// (else TERN_BUG). Each party sees only the other's datagrams. The ESP
// proposal (aes128gcm16) and the selectors (TSi 192.0.2.0/24, TSr
// 203.0.113.0/24) are fixed by the script.
//
// Who calls it: run_scripted_exchange (scripted_exchange.h) and the tests.
// How it fails (consume_*): what receive_plain / receive_sealed return;
// Errc::unexpected_payload (notify NO_PROPOSAL_CHOSEN) for an SA payload other
// than the scripted one; Errc::invalid_ke (INVALID_KE_PAYLOAD) for another KE
// group; the KE peer-value checks of crypto/; Errc::bad_signature (notify
// AUTHENTICATION_FAILED) for an identity other than the configured remote one
// or an AUTH that does not verify with our PSK; Errc::invalid_syntax
// (TS_UNACCEPTABLE) for other traffic selectors.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "crypto/suite.h"
#include "tools/pcap_writer.h"
#include "tools/scripted_sa.h"

namespace tern::tools {

struct PartyConfig {
  std::string local_id;   // "initiator@example.org" (ID_RFC822_ADDR) or a name (ID_FQDN)
  std::string remote_id;  // the identity the peer must prove
  std::string psk;        // the shared key this party holds
  UdpEndpoint local;
  UdpEndpoint remote;
};

class ScriptedInitiator {
 public:
  ScriptedInitiator(const crypto::IkeSuite& suite, PartyConfig config, crypto::Random& random);

  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
  Result<Bytes> build_ike_sa_init_request();
  // <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_*): g^ir, then the keys
  Result<void> consume_ike_sa_init_response(ByteView datagram);
  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
  Result<Bytes> build_ike_auth_request();
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}: the responder's AUTH verified
  Result<void> consume_ike_auth_response(ByteView datagram);

  const ScriptedSa& sa() const { return sa_; }

 private:
  enum class Step : uint8_t { start, init_sent, init_done, auth_sent, established };
  PartyConfig config_;
  crypto::Random& random_;
  ScriptedSa sa_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  Step step_ = Step::start;
};

class ScriptedResponder {
 public:
  ScriptedResponder(const crypto::IkeSuite& suite, PartyConfig config, crypto::Random& random);

  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*)  -->  and the answer:
  // <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
  Result<Bytes> consume_ike_sa_init_request(ByteView datagram);
  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->  (the initiator's AUTH verified) and the answer:
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
  Result<Bytes> consume_ike_auth_request(ByteView datagram);

  const ScriptedSa& sa() const { return sa_; }

 private:
  enum class Step : uint8_t { start, init_done, established };
  PartyConfig config_;
  crypto::Random& random_;
  ScriptedSa sa_;
  Step step_ = Step::start;
};

}  // namespace tern::tools

// Two tern engines (ike::Endpoint) in one process bring up an IKE SA and its
// first CHILD_SA over an in-memory network: the real state machine, the real
// messages, no sockets. tern-exchange-demo --engine uses it until ternd
// exists, and the tshark test dissects what it sends.
//
//   initiator 192.0.2.1 "initiator@example.org"  --- connection "demo" --->
//   responder 192.0.2.2 "responder@example.org"       (PSK, the given IKE suite,
//                                                      ESP aes128gcm16,
//                                                      192.0.2.0/24 <-> 203.0.113.0/24)
//
// How it fails: Errc::invalid_syntax naming the step when the engines do not
// both install the CHILD_SA within a bounded number of deliveries (the
// engines' Events say why, and are returned either way).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "crypto/random.h"
#include "crypto/suite.h"
#include "tools/pcap_writer.h"

namespace tern::tools {

struct EngineDatagram {
  UdpEndpoint src{};
  UdpEndpoint dst{};
  Bytes bytes;  // the IKE message, without a non-ESP marker
};

struct EngineExchange {
  std::vector<EngineDatagram> datagrams;  // in the order they were sent
  std::vector<std::string> keylog;        // the engines' Keylog effects
  std::vector<std::string> events;        // "initiator: ike_sa_established: ..." in order
  bool established = false;               // both ends installed the CHILD_SA
};

Result<EngineExchange> run_engine_exchange(const crypto::IkeSuite& suite, crypto::Random& random);

}  // namespace tern::tools

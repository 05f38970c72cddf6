// The IKEv2 engine's whole interface (DESIGN.md "The engine"): one Endpoint
// per shard owns a table of IKE SAs. Sans-I/O: bytes, commands and the time
// go in; effects (effects.h) and one next deadline come out. It never opens a
// socket, reads a clock or sleeps; randomness comes from the crypto::Random
// it is given (tests pin it with SeededRandom).
//
//   endpoint.on_datagram(local, remote, bytes, now);   // io/: a UDP datagram arrived
//   endpoint.on_timer(now);                            // io/: next_deadline() passed
//   endpoint.command(Up{"site-b"}, now);               // control/: ternctl up site-b
//   for (Effect& e : endpoint.take_effects()) ...      // after each of the above
//
// How it fails: inputs never throw and never fail the caller. Datagrams that
// cannot be used are dropped with a named counter (counters()) and, where
// useful, a message_dropped Event. command() returns an Error only for a
// connection name the config does not have. IKE SAs that fail die with a
// reason (Event ike_sa_destroyed), removing their CHILD_SAs (RemoveChildSa).
//
// IKE SAs are referred to by IkeSaId across calls, never by pointer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/time.h"
#include "crypto/random.h"
#include "ike/address.h"
#include "ike/command.h"
#include "ike/connection_config.h"
#include "ike/effects.h"
#include "ike/endpoint_counters.h"
#include "ike/ike_sa.h"

namespace tern::ike {

// What `ternctl status` / `list-sas` and tests see of one IKE SA.
struct IkeSaStatus {
  IkeSaId id{};
  std::string connection;
  IkeSaState state = IkeSaState::created;
  bool initiator = false;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  Address local;
  Address remote;
  std::optional<crypto::IkeSuite> suite;
  bool nat_detected = false;
  std::vector<ChildSa> children;
};

class Endpoint {
 public:
  Endpoint(EndpointConfig config, crypto::Random& random);
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // A UDP datagram received on `local` from `remote`. On the NAT-T port it
  // starts with the 4-octet non-ESP marker (RFC 3948 §2.2); anything else
  // there is ESP and not ours (dropped).
  void on_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now);
  // Retransmits, gives up, expires half-open SAs: whatever is due at `now`.
  void on_timer(Timestamp now);
  Result<void> command(const Command& cmd, Timestamp now);
  // The earliest time on_timer() has something to do; nullopt: nothing.
  std::optional<Timestamp> next_deadline() const;
  // The effects produced since the last call, in order.
  std::vector<Effect> take_effects();

  std::vector<IkeSaStatus> status() const;
  const EndpointCounters& counters() const { return counters_; }

 private:
  using HalfOpenKey = std::tuple<uint64_t, std::array<uint8_t, 16>, uint16_t>;  // SPIi, peer IP, peer port

  TaskContext context(IkeSa& sa, Timestamp now);
  void handle_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now);
  IkeSa* find_sa_for(const wire::IkeHeader& header, const Address& remote);
  IkeSa* create_responder_sa(const Address& local, const Address& remote, const wire::IkeHeader& header,
                             Timestamp now);
  std::shared_ptr<const ConnectionConfig> find_connection(std::string_view name) const;
  std::shared_ptr<const ConnectionConfig> match_connection(const Address& local, const Address& remote) const;
  uint64_t allocate_spi();
  // Destroys every SA marked dead: RemoveChildSa per child, Event with the reason.
  void reap();

  const EndpointConfig config_;
  crypto::Random& random_;
  std::vector<Effect> effects_;
  EndpointCounters counters_;
  uint64_t next_id_ = 1;
  std::map<IkeSaId, std::unique_ptr<IkeSa>> sas_;
  std::unordered_map<uint64_t, IkeSaId> by_spi_;  // our SPI (SPIi as initiator, SPIr as responder)
  std::map<HalfOpenKey, IkeSaId> half_open_;      // responder SAs by the initiator's SPI and address
};

}  // namespace tern::ike

// Trap policies (start_action = "trap", and dpd_action = "trap" after a
// dead peer): a connection's traffic selectors are routed into the TUN
// device before any SA exists; the first packet that matches them starts
// the negotiation (an "acquire") and is kept, with the next few, until the
// CHILD_SA is installed — then they are sent through it. If the negotiation
// fails they are dropped and the next matching packet tries again.
//
// Pure bookkeeping (no sockets): the data plane asks match() for packets no
// SA's policy covers, queues them here and asks for them back. Bounded:
// kMaxQueued packets per trap, older ones are dropped first (counted).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "esp/ip_packet.h"
#include "esp/selector.h"
#include "wire/ts_payload.h"

namespace tern::daemon {

struct Trap {
  std::string connection;
  std::vector<esp::Selector> local;
  std::vector<esp::Selector> remote;
  bool acquiring = false;    // an IKE SA is being negotiated for it
  std::deque<Bytes> queued;  // packets kept until the CHILD_SA is up
  uint64_t acquires = 0;
  uint64_t dropped = 0;  // queue overflow or failed negotiation
};

class TrapTable {
 public:
  static constexpr size_t kMaxQueued = 32;

  // Replaces (or adds) the trap of `connection`. Selectors that cannot be
  // compiled are skipped.
  void add(const std::string& connection, const std::vector<wire::TrafficSelector>& local_ts,
           const std::vector<wire::TrafficSelector>& remote_ts);
  void remove(const std::string& connection);
  // The trap whose selectors cover the packet (source in local, destination in remote).
  Trap* match(const esp::PacketSelector& packet);
  Trap* find(const std::string& connection);
  // Keeps a copy of `packet`; true when this packet must start a negotiation.
  bool hold(Trap& trap, ByteView packet);
  // The kept packets, to send now that the CHILD_SA is up.
  std::deque<Bytes> release(Trap& trap);
  // The negotiation failed: drop what was kept; the next packet acquires again.
  void fail(Trap& trap);
  const std::vector<Trap>& traps() const { return traps_; }

 private:
  std::vector<Trap> traps_;
};

}  // namespace tern::daemon

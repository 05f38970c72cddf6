// ESP that arrived for an inbound SPI not installed (yet), kept for a moment
// in case its CHILD_SA is being installed.
//
// Why: ternd reads ESP on the event loop's socket and IKE on the workers'
// sockets (docs/architecture.md "Workers"). A peer that starts sending on a
// new CHILD_SA as soon as it has sent the IKE message that completes it (the
// IKE_AUTH answer of a reauthentication, the CREATE_CHILD_SA answer of a
// rekey we started) can have its first ESP read before the worker has read
// that message and handed the InstallChildSa to the loop. Dropped, that is a
// lost packet on a healthy tunnel (net.rekey_soak_strongswan saw it);
// kept, it is decrypted once the SA is there, with the SA's own checks
// (integrity, anti-replay), so keeping it trusts nothing.
//
// Bounded: at most kMaxPackets packets of at most kMaxOctets each (oldest
// out first), and each one only until the second age() after it came (the
// daemon's data-plane poll, once a second): ESP for SPIs nobody installs
// (a flood, a peer that lost its SAs) costs a copy and a slot, no more.
// Pure bookkeeping: no sockets, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "base/bytes.h"

namespace tern::daemon {

class HeldEsp {
 public:
  static constexpr size_t kMaxPackets = 32;
  static constexpr size_t kMaxOctets = 2048;

  // Keeps a copy of `esp` (starting at the SPI) for `spi`; how many packets
  // that dropped: 1 when `esp` is too large to keep, or when the store was
  // full and its oldest packet went, else 0.
  size_t hold(uint32_t spi, ByteView esp);
  // Removes and returns, in the order they came, the packets held for `spi`.
  std::vector<Bytes> take(uint32_t spi);
  // Drops the packets already held at the previous call; how many.
  size_t age();
  size_t size() const { return packets_.size(); }

 private:
  struct Packet {
    uint32_t spi;
    uint32_t generation;  // the age() count when it came
    Bytes bytes;
  };
  std::deque<Packet> packets_;
  uint32_t generation_ = 0;
};

}  // namespace tern::daemon

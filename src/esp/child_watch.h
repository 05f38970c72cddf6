// Watches one installed CHILD_SA for what the engine must hear about
// (ike/dataplane_event.h): inbound traffic since the last poll, and its soft
// and hard lifetime limits.
//
//   ChildTrafficSeen            the inbound packet count grew since the last poll
//   ChildLimitReached soft      sequence numbers: OutboundSa::needs_rekey();
//                               rekey_bytes / rekey_packets: the inbound or the
//                               outbound total reached it
//   ChildLimitReached hard      sequence numbers: OutboundSa::seq_exhausted();
//                               life_bytes / life_packets likewise
// Each limit is reported at most once per SA; when the hard one is reached
// first (or in the same poll) the soft one is never reported.
//
// Who calls it: the SaTable keeps one in each installed CHILD_SA
// (esp::ChildSa) and polls it, from the daemon's timer tick, with the SA's
// counters (sample(), which also names the inbound SPI), never per packet. Pure: no clock, no sockets; the
// caller owns the output vector. Nothing fails.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "esp/esp_sa.h"
#include "ike/connection_config.h"
#include "ike/dataplane_event.h"

namespace tern::esp {

// One CHILD_SA's counters at the time of a poll.
struct ChildSample {
  uint64_t packets_in = 0;
  uint64_t bytes_in = 0;
  uint64_t packets_out = 0;
  uint64_t bytes_out = 0;
  bool seq_needs_rekey = false;  // OutboundSa::needs_rekey()
  bool seq_exhausted = false;    // OutboundSa::seq_exhausted()
  uint32_t spi_in = 0;           // the inbound SA's SPI: the events name the CHILD_SA by it
};

// The sample of an installed SA pair.
ChildSample sample(const InboundSa& inbound, const OutboundSa& outbound);

class ChildWatch {
 public:
  explicit ChildWatch(const ike::ChildLimits& limits);

  // Appends to `out` what `now` shows that was not reported before.
  void poll(const ChildSample& now, std::vector<ike::DataplaneEvent>& out);

 private:
  // The volume limits of ike::ChildLimits (its times are the engine's).
  // Kept on the heap only when one is set (one per CHILD_SA: most have none).
  struct VolumeLimits {
    uint64_t rekey_bytes = 0, life_bytes = 0, rekey_packets = 0, life_packets = 0;
  };
  std::unique_ptr<const VolumeLimits> limits_;  // nullptr: no volume limit
  // The low 32 bits: "grew" is "changed" (counters only grow, and never by
  // 2^32 between two polls a second apart). 16 octets in all.
  uint32_t packets_in_at_last_poll_ = 0;
  bool soft_reported_ = false;
  bool hard_reported_ = false;
};

}  // namespace tern::esp

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
// Who calls it: the daemon's DataPlane keeps one per installed CHILD_SA (by
// inbound SPI) and polls it from the daemon's timer tick with the SA's
// counters (sample()), never per packet. Pure: no clock, no sockets; the
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
};

// The sample of an installed SA pair.
ChildSample sample(const InboundSa& inbound, const OutboundSa& outbound);

class ChildWatch {
 public:
  ChildWatch(uint32_t spi_in, const ike::ChildLimits& limits);

  // Appends to `out` what `now` shows that was not reported before.
  void poll(const ChildSample& now, std::vector<ike::DataplaneEvent>& out);

  uint32_t spi_in() const { return spi_in_; }

 private:
  // The volume limits of ike::ChildLimits (its times are the engine's).
  // Kept on the heap only when one is set (one per CHILD_SA: most have none).
  struct VolumeLimits {
    uint64_t rekey_bytes = 0, life_bytes = 0, rekey_packets = 0, life_packets = 0;
  };
  std::unique_ptr<const VolumeLimits> limits_;  // nullptr: no volume limit
  uint64_t packets_in_at_last_poll_ = 0;
  uint32_t spi_in_;
  bool soft_reported_ = false;
  bool hard_reported_ = false;
};

}  // namespace tern::esp

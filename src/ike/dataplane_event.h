// What the data plane reports back to the engine about its CHILD_SAs
// (DESIGN.md: Endpoint::on_dataplane_event(ev, now)).
//
//   ChildTrafficSeen   ESP authenticated on that CHILD_SA since the last
//                      report: the peer is alive (RFC 7296 §2.4), so the IKE
//                      SA owning the child needs no liveness check yet.
//   ChildLimitReached  a CHILD_SA's volume or sequence-number lifetime:
//                      soft (rekey_bytes, rekey_packets, sequence numbers
//                      nearly exhausted) or hard (life_bytes, life_packets,
//                      sequence numbers exhausted).
//   EspSourceChanged   ESP that passed its ICV and replay checks arrived in
//                      UDP from another address or port than the CHILD_SA's
//                      peer: perhaps the NAT in front of the peer mapped it
//                      anew. ESP alone moves nothing (RFC 7296 §2.23); the
//                      engine asks there with a liveness check
//                      (nat_mapping.h). Reported once per new address.
//
// Who makes them: the daemon's data plane (esp/child_watch.h), per poll from
// the daemon's timer tick, never from inside its packet loop; the daemon
// feeds each to Endpoint::on_dataplane_event. Children are named by their
// inbound SPI (ours), never by pointer: the SA may be gone by then, and the
// engine ignores an SPI it does not know. Plain data; nothing here fails.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "ike/address.h"

namespace tern::ike {

struct ChildTrafficSeen {
  uint32_t spi_in = 0;
  friend bool operator==(const ChildTrafficSeen&, const ChildTrafficSeen&) = default;
};

struct ChildLimitReached {
  enum class Limit : uint8_t { soft, hard };
  enum class Cause : uint8_t { bytes, packets, sequence_numbers };
  uint32_t spi_in = 0;
  Limit limit = Limit::soft;
  Cause cause = Cause::sequence_numbers;
  friend bool operator==(const ChildLimitReached&, const ChildLimitReached&) = default;
};

struct EspSourceChanged {
  uint32_t spi_in = 0;
  Address source;  // where the authenticated ESP came from
  friend bool operator==(const EspSourceChanged&, const EspSourceChanged&) = default;
};

using DataplaneEvent = std::variant<ChildTrafficSeen, ChildLimitReached, EspSourceChanged>;

// "soft", "hard"; "bytes", "packets", "sequence_numbers"
std::string_view to_string(ChildLimitReached::Limit limit);
std::string_view to_string(ChildLimitReached::Cause cause);

}  // namespace tern::ike

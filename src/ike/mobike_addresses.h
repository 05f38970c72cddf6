// The address notifies of MOBIKE (RFC 4555 §3.4, §3.9, §4.2), shared by the
// ike_mobike and mobike_update tasks:
//
//   N(ADDITIONAL_IP4_ADDRESS) / N(ADDITIONAL_IP6_ADDRESS)   one per address
//                                                           (4 / 16 octets)
//   N(NO_ADDITIONAL_ADDRESSES)                              we have no other
//   N(NO_NATS_ALLOWED)   source IP | destination IP | source port | dest port
//                        as the sender put them in the IP and UDP headers
//
// Who calls it: the tasks, while building and processing IKE_AUTH and
// INFORMATIONAL messages. Pure functions; malformed notify data (a wrong
// length) is skipped, never an error: the peer's list is advisory.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "ike/address.h"
#include "ike/ike_message.h"

namespace tern::ike {

class IkeSa;

// At most this many ADDITIONAL_IP*_ADDRESS notifies are sent and kept.
inline constexpr size_t kMaxAdditionalAddresses = 8;

// Whether `address` may carry IKE to a peer: not unspecified, loopback or
// link-local (fe80::/10, 169.254/16).
bool usable_for_ike(const Address& address);

// Whether `address` is inside one of `sa`'s own local traffic selectors: an
// inner (tunnel) address, which IKE must never move onto.
bool inner_address(const IkeSa& sa, const Address& address);

// Where a MOBIKE IKE SA may go (RFC 4555 §3.5 path testing): pairs of our
// address and the peer's, the current pair first, then our current address
// with each of the peer's ADDITIONAL addresses, then each other usable local
// address of ours (`ours`, not inner, same family) with each peer address.
// Ports: those of the current pair.
std::vector<std::pair<Address, Address>> mobike_paths(const IkeSa& sa, const std::vector<Address>* ours);

// Our addresses other than `current` (usable ones, both families, at most
// kMaxAdditionalAddresses) as ADDITIONAL_IP*_ADDRESS notifies, or
// NO_ADDITIONAL_ADDRESSES when there is none. `ours` may be nullptr (never
// reported): NO_ADDITIONAL_ADDRESSES.
void add_additional_addresses(IkeMessage& msg, const Address& current, const std::vector<Address>* ours);

// The peer's additional addresses from `msg`: nullopt when it carries none of
// the three notifies (the list stays as it was), an empty list for
// NO_ADDITIONAL_ADDRESSES.
std::optional<std::vector<Address>> read_additional_addresses(const IkeMessage& msg);

// NO_NATS_ALLOWED data for a datagram from `source` to `destination`.
Bytes no_nats_allowed_data(const Address& source, const Address& destination);
// Whether `data` names exactly this source and destination (§3.9).
bool no_nats_allowed_matches(ByteView data, const Address& source, const Address& destination);

// The NAT_DETECTION_* notifies of `msg` checked against the addresses the
// datagram really had (RFC 7296 §2.23), with the SPIs of the IKE SA.
struct NatCheck {
  bool present = false;             // both notifies were there
  bool source_natted = false;       // no SOURCE hash matched `source`: a NAT before the sender
  bool destination_natted = false;  // no DESTINATION hash matched `destination`
};
NatCheck check_nat_detection(const IkeMessage& msg, uint64_t spi_i, uint64_t spi_r, const Address& source,
                             const Address& destination);

}  // namespace tern::ike

// NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP data (RFC 7296 §2.23):
//
//   SHA-1 ( SPIi | SPIr | IP address | Port )
//
// with the SPIs as in the message's IKE header (SPIr zero in the IKE_SA_INIT
// request), the address in network order (4 or 16 octets) and the port in
// network order. Called by the ike_natd task; SHA-1 comes from crypto/hash.h.
// Cannot fail.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "ike/address.h"
#include "ike/ike_message.h"
#include "wire/iana.h"

namespace tern::ike {

inline constexpr size_t kNatDetectionHashSize = 20;

Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const Address& address);

// Whether any notify of `type` (NAT_DETECTION_SOURCE_IP or _DESTINATION_IP)
// in `msg` carries `expected`, the hash of the address we saw (§2.23: one
// match is enough; several source notifies are allowed).
bool any_nat_hash_matches(const IkeMessage& msg, wire::NotifyType type, const Bytes& expected);

}  // namespace tern::ike

// Sending IKE messages as fragments (RFC 7383 §2.5): when an encrypted
// message would make a datagram bigger than the configured fragment_size,
// its inner payload chain is cut into chunks, and each chunk is sealed on
// its own as HDR, SKF{chunk} with Fragment Number 1..Total Fragments.
// Fragment 1's SKF Next Payload names the first inner payload; the others
// carry NONE (§2.5). Every fragment has the message's own header (same
// SPIs, exchange, flags and Message ID).
//
// Who calls it: encode_datagrams (ike_message.h) for every encrypted message
// we send once both ends announced fragmentation (IkeSa::fragmentation).
// Nothing here fails: a size limit too small for even one octet of chunk is
// config/'s to refuse (fragment_size has a floor); here it still yields
// fragments of one octet each rather than nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "crypto/random.h"
#include "crypto/sk_cipher.h"
#include "ike/address.h"
#include "wire/header.h"
#include "wire/payload.h"

namespace tern::ike {

inline constexpr size_t kUdpHeaderSize = 8;
inline constexpr size_t kNonEspMarkerSize = 4;

// The largest IKE message (IKE header and on) that fits an IP datagram of
// `fragment_size` octets: minus the IP header (20 octets for IPv4, 40 for
// IPv6), the UDP header, and the non-ESP marker on the NAT-T port.
size_t max_ike_message_size(uint32_t fragment_size, AddressFamily family, bool non_esp_marker);

// The size of HDR, SK{inner} for `inner_size` octets of inner chain.
size_t sk_message_size(size_t inner_size, const crypto::SkCipher& cipher);

// The most octets of inner chain one HDR, SKF{chunk} of at most `max_size`
// octets carries (at least 1).
size_t fragment_chunk_size(size_t max_size, const crypto::SkCipher& cipher);

// `inner` as SKF fragments of at most `max_size` octets each, in order.
std::vector<Bytes> seal_fragments(const wire::IkeHeader& header, std::span<const wire::Payload> inner,
                                  size_t max_size, const crypto::SkCipher& cipher, crypto::Random& random);

}  // namespace tern::ike

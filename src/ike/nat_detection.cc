// NAT detection hashes (see nat_detection.h).
#include "ike/nat_detection.h"

#include "crypto/hash.h"

namespace tern::ike {

Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const Address& address) {
  uint8_t spis[16];  // SPIi | SPIr, network byte order
  for (size_t k = 0; k < 8; ++k) {
    spis[k] = static_cast<uint8_t>(spi_i >> (56 - 8 * k));
    spis[8 + k] = static_cast<uint8_t>(spi_r >> (56 - 8 * k));
  }
  const uint8_t port[2] = {static_cast<uint8_t>(address.port >> 8), static_cast<uint8_t>(address.port)};
  crypto::Sha1Digest digest = crypto::sha1({spis, address.ip_bytes(), port});
  return Bytes(digest.begin(), digest.end());
}

bool any_nat_hash_matches(const IkeMessage& msg, wire::NotifyType type, const Bytes& expected) {
  for (const wire::Payload& p : msg.payloads) {
    const auto* n = std::get_if<wire::NotifyPayload>(&p.body);
    if (n != nullptr && n->type == type && equal(n->data, expected)) return true;
  }
  return false;
}

}  // namespace tern::ike

// NAT detection hashes (see nat_detection.h).
#include "ike/nat_detection.h"

#include "base/byte_writer.h"
#include "crypto/hash.h"

namespace tern::ike {

Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const Address& address) {
  Bytes spis;
  ByteWriter w(spis);
  w.u64(spi_i);
  w.u64(spi_r);
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

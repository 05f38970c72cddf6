// Which shard an IKE SPI of ours belongs to (ternd's workers, one Endpoint
// each; docs/architecture.md "Workers"). An Endpoint that is one of several
// shards (EndpointConfig::shard_count > 1) puts its shard index in the most
// significant octet of every IKE SPI it allocates; the other 56 bits stay
// random. The receiver then routes a datagram to its Endpoint by our SPI in
// the IKE header without any shared table (daemon/shard_dispatch.h).
//
// Pure functions; nothing fails. Our SPI is never zero: shard 0 with 56 zero
// bits is refused by the allocator, which draws again.
#pragma once

#include <cstdint>

namespace tern::ike {

inline constexpr int kShardSpiShift = 56;
// At most this many shards: the index fits the SPI's top octet.
inline constexpr uint32_t kMaxShards = 256;

// `random` with its top octet replaced by `shard_index` (< kMaxShards).
constexpr uint64_t shard_spi(uint64_t random, uint32_t shard_index) {
  constexpr uint64_t kLowBits = (uint64_t{1} << kShardSpiShift) - 1;
  return (random & kLowBits) | (uint64_t{shard_index & 0xffU} << kShardSpiShift);
}

// The same for an inbound ESP SPI (32 bits): the shard index in its top
// octet, so that two shards never draw the same one.
constexpr uint32_t shard_esp_spi(uint32_t random, uint32_t shard_index) {
  return (random & 0x00ffffffU) | ((shard_index & 0xffU) << 24);
}

// The shard index an SPI of ours carries.
constexpr uint32_t shard_of_spi(uint64_t spi) {
  return static_cast<uint32_t>(spi >> kShardSpiShift);
}

}  // namespace tern::ike

// See shard_dispatch.h.
#include "daemon/shard_dispatch.h"

#include "ike/shard_spi.h"

namespace tern::daemon {
namespace {

constexpr size_t kIkeHeaderSize = 28;  // RFC 7296 §3.1
constexpr uint8_t kInitiatorFlag = 0x08;
constexpr size_t kFlagsOffset = 19;

uint64_t read_u64(ByteView bytes, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | bytes[at + i];
  return v;
}

// FNV-1a, 64 bits: spreads connection names evenly.
struct Fnv1a {
  uint64_t h = 0xcbf29ce484222325ULL;
  void add(uint8_t octet) {
    h ^= octet;
    h *= 0x100000001b3ULL;
  }
};

}  // namespace

uint32_t shard_for_datagram(ByteView message, uint32_t shards) {
  if (shards <= 1 || message.size() < kIkeHeaderSize) return 0;
  const uint64_t spi_i = read_u64(message, 0);
  const uint64_t spi_r = read_u64(message, 8);
  const bool from_original_initiator = (message[kFlagsOffset] & kInitiatorFlag) != 0;
  const uint64_t ours = from_original_initiator ? spi_r : spi_i;
  if (ours != 0) return ike::shard_of_spi(ours) % shards;
  // Exactly what the steering program computes (steering_program.cc): no
  // keyed hash there, so a peer that chooses its SPIs can aim its
  // IKE_SA_INITs at one worker, where the cookie threshold then applies as it
  // does to a single Endpoint.
  const auto folded = static_cast<uint32_t>(spi_i >> 32) ^ static_cast<uint32_t>(spi_i);
  return folded % shards;
}

uint32_t shard_for_connection(std::string_view connection, uint32_t shards) {
  if (shards <= 1) return 0;
  Fnv1a hash;
  for (char c : connection) hash.add(static_cast<uint8_t>(c));
  return static_cast<uint32_t>(hash.h % shards);
}

}  // namespace tern::daemon

// Spoofed IKE_SA_INIT requests for tern-flood (docs/testing.md "Floods"): one
// IPv4 + UDP + IKE datagram built once with wire/, then changed in place for
// every packet, so that the generator spends its time sending, not encoding.
//
//   IP(src = random in the source prefix), UDP(500 -> 500),
//   HDR(SPIi random, 0), SAi1, KEi (random octets), Ni (random)
//   [, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) (random hashes)]  -->
//
// The KE value is random octets of the group's length: a responder that
// computes the Diffie-Hellman value pays for it (X25519 takes any 32 octets).
// The IPv4 header is for a raw socket with IP_HDRINCL: the kernel fills in the
// header checksum (and the ID when it is zero); the UDP checksum is 0 ("none",
// allowed over IPv4, RFC 768).
//
// Who calls it: tern-flood's send loop and tests/tools. make_flood_template
// fails (Errc::invalid_syntax) on a suite whose group has no fixed length.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/suite.h"

namespace tern::tools {

struct FloodTemplate {
  Bytes packet;  // IPv4 header | UDP header | IKE message
  size_t spi_i_offset = 0;
  size_t ke_offset = 0, ke_size = 0;
  size_t nonce_offset = 0, nonce_size = 0;
  std::array<size_t, 2> natd_offsets{};  // hashes (20 octets each); 0: not sent
};

struct FloodTemplateOptions {
  crypto::IkeSuite suite;
  std::array<uint8_t, 4> target{};
  uint16_t target_port = 500;
  uint16_t source_port = 500;
  size_t nonce_size = 32;
  bool nat_detection = true;
};

Result<FloodTemplate> make_flood_template(const FloodTemplateOptions& options);

// A small fast generator (xorshift64*): the flood needs volume, not secrecy.
class FloodRandom {
 public:
  explicit FloodRandom(uint64_t seed) : state_(seed != 0 ? seed : 0x9e3779b97f4a7c15ULL) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dULL;
  }
  void fill(uint8_t* out, size_t n);

 private:
  uint64_t state_;
};

// Gives `t.packet` a new source address in network/prefix_len (host part
// random), a new SPIi, KEi, Ni and NAT_D hashes.
void randomize_flood_packet(FloodTemplate& t, FloodRandom& random, uint32_t network, uint8_t prefix_len);

}  // namespace tern::tools

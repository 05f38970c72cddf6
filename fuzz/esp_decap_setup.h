// The fixed CHILD_SA of the esp_decap fuzz target, shared by the target
// (esp_decap_fuzzer.cc) and the seed tool (make_seeds.cc) so that seeds made
// with encap decap in the target. Test keys only.
//
// We are 10.2.0.0/16 and 2001:db8:2::/48; the peer is 10.1.0.0/16 and
// 2001:db8:1::/48, so an inner packet may match the selectors or not.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "crypto/suite.h"
#include "ike/effects.h"

namespace tern::fuzz_esp {

struct SuiteSpec {
  wire::EncrId encr;
  uint16_t key_bits;
  wire::IntegId integ;
  wire::EsnId esn;
};
inline constexpr SuiteSpec kSuites[] = {
    {wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, wire::EsnId::NO_ESN},
    {wire::EncrId::AES_GCM_16, 256, wire::IntegId::NONE, wire::EsnId::ESN},
    {wire::EncrId::CHACHA20_POLY1305, 256, wire::IntegId::NONE, wire::EsnId::NO_ESN},
    {wire::EncrId::AES_CBC, 256, wire::IntegId::HMAC_SHA2_256_128, wire::EsnId::NO_ESN},
    {wire::EncrId::AES_CBC, 128, wire::IntegId::HMAC_SHA2_512_256, wire::EsnId::ESN},
};
inline constexpr size_t kSuiteCount = sizeof kSuites / sizeof kSuites[0];
inline constexpr uint32_t kSpi = 0x0a0b0c0d;

inline Bytes encr_key(const SuiteSpec& s) {
  return Bytes(*crypto::encr_key_size(s.encr, s.key_bits), 0x42);
}
inline Bytes integ_key(const SuiteSpec& s) {
  return Bytes(*crypto::integ_key_size(s.integ), 0x24);
}

// Our view: spi_in = kSpi; the same keys both ways so that one table
// installation can encap (for seeds) and decap.
inline ike::InstallChildSa child_sa(const SuiteSpec& s, ike::ChildMode mode) {
  ike::InstallChildSa sa;
  sa.connection = "fuzz";
  sa.child = "esp";
  sa.spi_in = kSpi;
  sa.spi_out = kSpi;
  sa.suite = {s.encr, s.key_bits, s.integ, s.esn};
  sa.encr_in = SecretBytes(encr_key(s));
  sa.encr_out = SecretBytes(encr_key(s));
  sa.integ_in = SecretBytes(integ_key(s));
  sa.integ_out = SecretBytes(integ_key(s));
  sa.mode = mode;
  std::array<uint8_t, 16> v6_start{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02}, v6_end = v6_start;
  for (size_t i = 6; i < 16; ++i) v6_end[i] = 0xff;
  sa.local_ts = {wire::TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 255, 255}),
                 wire::TrafficSelector::ipv6_range(v6_start, v6_end)};
  v6_start[5] = v6_end[5] = 0x01;
  sa.remote_ts = {wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 255, 255}),
                  wire::TrafficSelector::ipv6_range(v6_start, v6_end)};
  return sa;
}

}  // namespace tern::fuzz_esp

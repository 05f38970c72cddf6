// Shared by the esp/ tests: two ends of one CHILD_SA as the engine installs
// them (alice 10.1.0.0/24 + 2001:db8:1::/48, bob 10.2.0.0/24 + 2001:db8:2::/48),
// the inner packets of the known-answer vectors (tests/esp/esp_kat_vectors.py),
// and the *_peer accessors to the SAs' private state (STYLE.md #11).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "base/bytes.h"
#include "crypto/random.h"
#include "esp/esp_sa.h"
#include "esp/ip_packet.h"
#include "esp/ip_protocol.h"
#include "ike/effects.h"

namespace tern::esp {

class OutboundSaPeer {
 public:
  // The next packet will carry `last_used + 1`.
  static void set_last_sent(OutboundSa& sa, uint64_t last_used) { sa.sent_ = last_used; }
};

class InboundSaPeer {
 public:
  static ReplayWindow& replay(InboundSa& sa) { return sa.replay_; }
};

namespace test {

inline Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

// The SPI alice sends to (bob's inbound SA) and the one bob sends to.
inline constexpr uint32_t kSpiToBob = 0x11223344;
inline constexpr uint32_t kSpiToAlice = 0x55667788;

// UDP 10.1.0.1:40000 -> 10.2.0.1:7, "tern" (32 octets).
inline Bytes inner_ipv4() {
  return h("4500002012344000401114950a0100010a0200019c400007000c00007465726e");
}
// UDP [2001:db8:1::1]:40000 -> [2001:db8:2::1]:7, "tern" (52 octets).
inline Bytes inner_ipv6() {
  return h(
      "60000000000c1140"  // version 6, Payload Length 12, Next Header UDP, Hop Limit 64
      "20010db8000100000000000000000001"
      "20010db8000200000000000000000001"
      "9c400007000c00007465726e");
}

inline wire::TrafficSelector v4_net(uint8_t second_octet) {
  return wire::TrafficSelector::ipv4_range({10, second_octet, 0, 0}, {10, second_octet, 0, 255});
}
inline wire::TrafficSelector v6_net(uint8_t site) {
  std::array<uint8_t, 16> start{0x20, 0x01, 0x0d, 0xb8, 0x00, site};
  std::array<uint8_t, 16> end = start;
  for (size_t i = 6; i < 16; ++i) end[i] = 0xff;
  return wire::TrafficSelector::ipv6_range(start, end);
}

[[noreturn]] inline void die(const Error& e) {
  std::fprintf(stderr, "SA creation failed: %s\n", e.to_string().c_str());
  std::abort();
}

struct Keys {
  Bytes encr;
  Bytes integ;  // empty for AEAD
};

// The CHILD_SA as `alice` (true) or bob sees it; `to_bob` protects traffic
// alice sends, `to_alice` traffic bob sends.
inline ike::InstallChildSa child_sa(bool alice, const ike::EspSuite& suite, const Keys& to_bob,
                                    const Keys& to_alice, ike::ChildMode mode = ike::ChildMode::tunnel) {
  ike::InstallChildSa sa;
  sa.connection = "site";
  sa.child = "net";
  sa.suite = suite;
  sa.mode = mode;
  const Keys& in = alice ? to_alice : to_bob;
  const Keys& out = alice ? to_bob : to_alice;
  sa.spi_in = alice ? kSpiToAlice : kSpiToBob;
  sa.spi_out = alice ? kSpiToBob : kSpiToAlice;
  sa.encr_in = SecretBytes(in.encr);
  sa.integ_in = SecretBytes(in.integ);
  sa.encr_out = SecretBytes(out.encr);
  sa.integ_out = SecretBytes(out.integ);
  const uint8_t mine = alice ? 1 : 2, theirs = alice ? 2 : 1;
  sa.local_ts = {v4_net(mine), v6_net(mine)};
  sa.remote_ts = {v4_net(theirs), v6_net(theirs)};
  sa.local = ike::Address::ipv4({192, 0, 2, mine}, 4500);
  sa.remote = ike::Address::ipv4({192, 0, 2, theirs}, 4500);
  return sa;
}

inline OutboundSa make_outbound(const ike::InstallChildSa& sa, crypto::Random& random) {
  auto params = outbound_params(sa);
  if (!params) die(params.error());
  auto out = OutboundSa::create(std::move(*params), random);
  if (!out) die(out.error());
  return std::move(*out);
}

inline InboundSa make_inbound(const ike::InstallChildSa& sa, crypto::Random& random,
                              uint32_t replay_window = ReplayWindow::kDefaultSize) {
  auto params = inbound_params(sa);
  if (!params) die(params.error());
  params->replay_window = replay_window;
  auto in = InboundSa::create(std::move(*params), random);
  if (!in) die(in.error());
  return std::move(*in);
}

// encap into a fresh buffer sized exactly.
inline Bytes encap(OutboundSa& sa, ByteView inner) {
  Bytes out(sa.encapsulated_size(inner.size()));
  auto n = sa.encap(inner, out);
  EXPECT_TRUE(n.has_value()) << n.error().to_string();
  if (n) out.resize(*n);
  return out;
}

// The selector of an IPv4 packet read from TUN (ports given: TCP/UDP).
inline PacketSelector packet4(std::array<uint8_t, 4> src, std::array<uint8_t, 4> dst,
                              uint8_t protocol = kIpProtoTcp, uint16_t src_port = 33000,
                              uint16_t dst_port = 443) {
  PacketSelector p;
  std::copy(src.begin(), src.end(), p.src.begin());
  std::copy(dst.begin(), dst.end(), p.dst.begin());
  p.protocol = protocol;
  p.has_ports = true;
  p.src_port = src_port;
  p.dst_port = dst_port;
  return p;
}

}  // namespace test
}  // namespace tern::esp

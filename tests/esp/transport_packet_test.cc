// Transport mode at the TUN device (esp/transport_packet): an outbound IP
// packet is cut at its upper-layer header (IPv4 with options, IPv6), an
// inbound payload gets its IP header back; the expected packets, header and
// TCP/UDP/ICMPv6 checksums come from tests/esp/transport_packet_vectors.py,
// an independent computation. Every truncation is a named error.
#include "esp/transport_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "esp/ip_protocol.h"
#include "esp_test_support.h"

namespace tern::esp {
namespace {

using test::h;

const ike::Address kPeer4 = ike::Address::ipv4({198, 51, 100, 2}, 0);
const ike::Address kUs4 = ike::Address::ipv4({198, 51, 100, 1}, 0);
const ike::Address kPeer6 =
    ike::Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 0);
const ike::Address kUs6 = ike::Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0);

// The payloads of transport_packet_vectors.py, their checksums stale (as a NAT leaves them).
const char* const kUdp = "9c400007000cbeef7465726e";
const char* const kTcp =
    "04d2005000000001000000005018020012340000"
    "7465726e";
const char* const kIcmpv6 = "80001111000100017465726e";

std::string build(const TransportHeader& header, ByteView payload) {
  std::array<uint8_t, 256> out{};
  Result<ByteView> packet = build_transport_packet(header, payload, out);
  EXPECT_TRUE(packet.has_value()) << packet.error().to_string();
  return packet ? to_hex(*packet) : std::string{};
}

// --- outbound: split

TEST(TransportSplit, Ipv4WithOptionsStartsAfterIhlAndEndsAtTotalLength) {
  // IHL 6 (one option word), TCP 1234 -> 80; four octets after Total Length.
  Bytes b =
      h("4600002c000000004006000001020304050607080101010004d200500000000000000000500200000000000011223344");
  Result<TransportSplit> s = split_transport_packet(b);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->next_header, kIpProtoTcp);
  EXPECT_EQ(s->payload.data(), b.data() + 24);
  EXPECT_EQ(to_hex(s->payload), "04d2005000000000000000005002000000000000");  // 20 octets, not the 4 after
}

TEST(TransportSplit, Ipv4WithoutOptions) {
  Bytes b = test::inner_ipv4();
  Result<TransportSplit> s = split_transport_packet(b);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->next_header, kIpProtoUdp);
  EXPECT_EQ(to_hex(s->payload), "9c400007000c00007465726e");
}

TEST(TransportSplit, Ipv6AfterTheFixedHeader) {
  Bytes b = test::inner_ipv6();
  b.push_back(0xaa);  // beyond Payload Length: not carried
  Result<TransportSplit> s = split_transport_packet(b);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->next_header, kIpProtoUdp);
  EXPECT_EQ(to_hex(s->payload), "9c400007000c00007465726e");
}

TEST(TransportSplit, Ipv6ExtensionHeadersAreRefused) {
  for (uint8_t next : {kIpProtoHopByHop, kIpProtoIpv6Route, kIpProtoIpv6Frag, kIpProtoIpv6Opts}) {
    Bytes b = test::inner_ipv6();
    b[6] = next;
    Result<TransportSplit> s = split_transport_packet(b);
    ASSERT_FALSE(s.has_value()) << int{next};
    EXPECT_EQ(s.error().code, Errc::unsupported) << int{next};
  }
}

TEST(TransportSplit, Ipv4FragmentsAreRefused) {
  for (auto [hi, lo] :
       std::vector<std::pair<uint8_t, uint8_t>>{{0x20, 0x00}, {0x00, 0x02}, {0x40 | 0x20, 0x00}}) {
    Bytes b = test::inner_ipv4();
    b[6] = hi, b[7] = lo;
    Result<TransportSplit> s = split_transport_packet(b);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, Errc::unsupported);
  }
  Bytes df = test::inner_ipv4();  // DF alone is a whole datagram
  EXPECT_TRUE(split_transport_packet(df).has_value());
}

TEST(TransportSplit, EveryTruncationIsANamedError) {
  for (const Bytes& full : {test::inner_ipv4(), test::inner_ipv6()}) {
    for (size_t n = 0; n < full.size(); ++n) {
      Result<TransportSplit> s = split_transport_packet(ByteView(full.data(), n));
      ASSERT_FALSE(s.has_value()) << n;
      EXPECT_EQ(s.error().code, Errc::truncated) << n << " " << s.error().detail;
    }
  }
}

TEST(TransportSplit, BadHeaderFields) {
  Bytes b = test::inner_ipv4();
  b[0] = 0x44;  // IHL 4
  EXPECT_EQ(split_transport_packet(b).error().code, Errc::bad_length);
  b = test::inner_ipv4();
  b[2] = 0, b[3] = 19;  // Total Length below the header
  EXPECT_EQ(split_transport_packet(b).error().code, Errc::bad_length);
  b = test::inner_ipv4();
  b[0] = 0x55;
  EXPECT_EQ(split_transport_packet(b).error().code, Errc::bad_version);
}

// --- inbound: build

TEST(TransportBuild, Ipv4HeaderKeepsTheL4Checksum) {
  EXPECT_EQ(build({kPeer4, kUs4, kIpProtoUdp, L4Checksum::keep}, h(kUdp)),
            "45000020000040004011e662c6336402c63364019c400007000cbeef7465726e");
}

TEST(TransportBuild, Ipv4RecomputesUdpAndTcp) {
  EXPECT_EQ(build({kPeer4, kUs4, kIpProtoUdp, L4Checksum::recompute}, h(kUdp)),
            "45000020000040004011e662c6336402c63364019c400007000c28507465726e");
  EXPECT_EQ(build({kPeer4, kUs4, kIpProtoTcp, L4Checksum::recompute}, h(kTcp)),
            "4500002c000040004006e661c6336402c633640104d200500000000100000000501802006d6700007465726e");
}

TEST(TransportBuild, Ipv4IcmpHasNoPseudoHeaderAndIsLeftAlone) {
  const char* echo = "0800f7ff00000000";
  const std::string packet = build({kPeer4, kUs4, kIpProtoIcmp, L4Checksum::recompute}, h(echo));
  EXPECT_EQ(packet.substr(40), echo);
}

TEST(TransportBuild, Ipv6RecomputesUdpTcpAndIcmpv6) {
  EXPECT_EQ(build({kPeer6, kUs6, kIpProtoUdp, L4Checksum::recompute}, h(kUdp)),
            "60000000000c114020010db800010000000000000000000220010db80001000000000000000000019c400007000c2144"
            "7465726e");
  EXPECT_EQ(build({kPeer6, kUs6, kIpProtoTcp, L4Checksum::recompute}, h(kTcp)),
            "600000000018064020010db800010000000000000000000220010db800010000000000000000000104d2005000000001"
            "0000000050180200665b00007465726e");
  EXPECT_EQ(build({kPeer6, kUs6, kIpProtoIcmpv6, L4Checksum::recompute}, h(kIcmpv6)),
            "60000000000c3a4020010db800010000000000000000000220010db8000100000000000000000001"
            "80003d6c000100017465726e");
}

TEST(TransportBuild, Ipv6KeepLeavesThePayloadAlone) {
  const std::string packet = build({kPeer6, kUs6, kIpProtoUdp, L4Checksum::keep}, h(kUdp));
  EXPECT_EQ(packet.substr(80), kUdp);
}

TEST(TransportBuild, SplitUndoesBuild) {
  for (const auto& [peer, us] : {std::pair{kPeer4, kUs4}, std::pair{kPeer6, kUs6}}) {
    std::array<uint8_t, 256> out{};
    const Bytes payload = h(kTcp);
    Result<ByteView> packet = build_transport_packet({peer, us, kIpProtoTcp, L4Checksum::keep}, payload, out);
    ASSERT_TRUE(packet.has_value());
    Result<TransportSplit> s = split_transport_packet(*packet);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    EXPECT_EQ(s->next_header, kIpProtoTcp);
    EXPECT_EQ(to_hex(s->payload), kTcp);
  }
}

TEST(TransportBuild, PayloadMayAlreadySitInTheBuffer) {
  std::array<uint8_t, 64> out{};
  const Bytes udp = h(kUdp);
  std::copy(udp.begin(), udp.end(), out.begin() + 8);  // overlaps where the header goes
  Result<ByteView> packet = build_transport_packet({kPeer4, kUs4, kIpProtoUdp, L4Checksum::keep},
                                                   ByteView(out.data() + 8, udp.size()), out);
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(to_hex(*packet), "45000020000040004011e662c6336402c63364019c400007000cbeef7465726e");
}

TEST(TransportBuild, RecomputeNeedsTheWholeL4Header) {
  struct Case {
    ike::Address src, dst;
    uint8_t protocol;
    size_t header;
  };
  for (const Case& c : {Case{kPeer4, kUs4, kIpProtoTcp, 20}, Case{kPeer4, kUs4, kIpProtoUdp, 8},
                        Case{kPeer6, kUs6, kIpProtoIcmpv6, 4}, Case{kPeer6, kUs6, kIpProtoTcp, 20}}) {
    const Bytes full = h(kTcp);
    for (size_t n = 0; n < c.header; ++n) {
      std::array<uint8_t, 128> out{};
      Result<ByteView> packet = build_transport_packet({c.src, c.dst, c.protocol, L4Checksum::recompute},
                                                       ByteView(full.data(), n), out);
      ASSERT_FALSE(packet.has_value()) << int{c.protocol} << " " << n;
      EXPECT_EQ(packet.error().code, Errc::truncated);
    }
  }
}

TEST(TransportBuild, RefusesWhatDoesNotFit) {
  std::array<uint8_t, 31> small{};
  EXPECT_EQ(
      build_transport_packet({kPeer4, kUs4, kIpProtoUdp, L4Checksum::keep}, h(kUdp), small).error().code,
      Errc::bad_length);
  std::vector<uint8_t> huge(65536), out(65536 + 40);
  EXPECT_EQ(
      build_transport_packet({kPeer4, kUs4, kIpProtoUdp, L4Checksum::keep}, ByteView(huge.data(), 65516), out)
          .error()
          .code,
      Errc::too_many);
  EXPECT_TRUE(
      build_transport_packet({kPeer4, kUs4, kIpProtoUdp, L4Checksum::keep}, ByteView(huge.data(), 65515), out)
          .has_value());
  EXPECT_EQ(build_transport_packet({kPeer6, kUs6, kIpProtoUdp, L4Checksum::keep}, huge, out).error().code,
            Errc::too_many);
  EXPECT_EQ(build_transport_packet({kPeer4, kUs6, kIpProtoUdp, L4Checksum::keep}, h(kUdp), out).error().code,
            Errc::bad_version);
}

}  // namespace
}  // namespace tern::esp

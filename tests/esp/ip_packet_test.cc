// Reading the selector fields (RFC 4301 §4.4.1.1) of inner IPv4 and IPv6
// packets: addresses, protocol, ports (TCP/UDP/SCTP), ICMP Type/Code as one
// 16-bit port (RFC 7296 §3.13.1), no ports in non-initial fragments, IPv6
// extension headers walked; and every malformed header is a named error.
#include "esp/ip_packet.h"

#include <gtest/gtest.h>

#include "esp/ip_protocol.h"
#include "esp_test_support.h"

namespace tern::esp {
namespace {

using test::h;

TEST(IpPacket, Ipv4Udp) {
  auto p = read_ip_packet(test::inner_ipv4());
  ASSERT_TRUE(p.has_value()) << p.error().to_string();
  const PacketSelector& s = p->selector;
  EXPECT_EQ(s.family, ike::AddressFamily::ipv4);
  EXPECT_EQ(to_hex(ByteView(s.src.data(), 4)), "0a010001");
  EXPECT_EQ(to_hex(ByteView(s.dst.data(), 4)), "0a020001");
  EXPECT_EQ(s.protocol, kIpProtoUdp);
  EXPECT_TRUE(s.has_ports);
  EXPECT_EQ(s.src_port, 40000);
  EXPECT_EQ(s.dst_port, 7);
  EXPECT_EQ(p->total_length, 32u);
}

TEST(IpPacket, Ipv4WithOptionsAndTrailingBytes) {
  // IHL 6 (one option word), TCP 1234 -> 80; four octets after Total Length.
  Bytes b =
      h("4600002c000000004006000001020304050607080101010004d200500000000000000000500200000000000011223344");
  auto p = read_ip_packet(b);
  ASSERT_TRUE(p.has_value()) << p.error().to_string();
  EXPECT_EQ(p->selector.protocol, kIpProtoTcp);
  EXPECT_EQ(p->selector.src_port, 1234);
  EXPECT_EQ(p->selector.dst_port, 80);
  EXPECT_EQ(p->total_length, 44u);
}

TEST(IpPacket, IcmpTypeAndCodeAreThePort) {
  // ICMP Echo Request: Type 8, Code 0 -> 0x0800 on both sides.
  Bytes b = h("4500001c000000004001000001020304050607080800f7ff00000000");
  auto p = read_ip_packet(b);
  ASSERT_TRUE(p.has_value()) << p.error().to_string();
  EXPECT_EQ(p->selector.protocol, kIpProtoIcmp);
  EXPECT_TRUE(p->selector.has_ports);
  EXPECT_EQ(p->selector.src_port, 0x0800);
  EXPECT_EQ(p->selector.dst_port, 0x0800);
}

TEST(IpPacket, NonInitialIpv4FragmentHasNoPorts) {
  Bytes b = test::inner_ipv4();
  b[6] = 0x00, b[7] = 0x02;  // Fragment Offset 2 (16 octets)
  auto p = read_ip_packet(b);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->selector.protocol, kIpProtoUdp);
  EXPECT_FALSE(p->selector.has_ports);
}

TEST(IpPacket, Ipv6Udp) {
  auto p = read_ip_packet(test::inner_ipv6());
  ASSERT_TRUE(p.has_value()) << p.error().to_string();
  const PacketSelector& s = p->selector;
  EXPECT_EQ(s.family, ike::AddressFamily::ipv6);
  EXPECT_EQ(to_hex(s.src), "20010db8000100000000000000000001");
  EXPECT_EQ(to_hex(s.dst), "20010db8000200000000000000000001");
  EXPECT_EQ(s.protocol, kIpProtoUdp);
  EXPECT_EQ(s.src_port, 40000);
  EXPECT_EQ(s.dst_port, 7);
  EXPECT_EQ(p->total_length, 52u);
}

// IPv6, Next Header `first`, then `ext` (extension headers), then UDP 1000 -> 2000.
Bytes ipv6_with(uint8_t first, const Bytes& ext) {
  Bytes b = h("6000000000000040");
  b[6] = first;
  b.insert(b.end(), 32, 0xaa);
  append(b, ext);
  append(b, h("03e807d000080000"));
  const size_t payload = b.size() - 40;
  b[4] = static_cast<uint8_t>(payload >> 8);
  b[5] = static_cast<uint8_t>(payload);
  return b;
}

TEST(IpPacket, Ipv6ExtensionHeadersAreWalked) {
  // Hop-by-Hop (8 octets) -> Destination Options (16 octets) -> UDP.
  Bytes ext =
      h("3c00010400000000"
        "1101000000000000"
        "0000000000000000");
  auto p = read_ip_packet(ipv6_with(kIpProtoHopByHop, ext));
  ASSERT_TRUE(p.has_value()) << p.error().to_string();
  EXPECT_EQ(p->selector.protocol, kIpProtoUdp);
  EXPECT_TRUE(p->selector.has_ports);
  EXPECT_EQ(p->selector.src_port, 1000);
  EXPECT_EQ(p->selector.dst_port, 2000);
}

TEST(IpPacket, Ipv6FragmentHeader) {
  // First fragment (offset 0): ports readable.
  auto first = read_ip_packet(ipv6_with(kIpProtoIpv6Frag, h("1100000100000001")));
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  EXPECT_EQ(first->selector.protocol, kIpProtoUdp);
  EXPECT_TRUE(first->selector.has_ports);
  // Offset 8 (in 8-octet units << 3): no ports.
  auto later = read_ip_packet(ipv6_with(kIpProtoIpv6Frag, h("1100004000000001")));
  ASSERT_TRUE(later.has_value()) << later.error().to_string();
  EXPECT_EQ(later->selector.protocol, kIpProtoUdp);
  EXPECT_FALSE(later->selector.has_ports);
}

TEST(IpPacket, ProtocolsWithoutPorts) {
  Bytes b = test::inner_ipv4();
  b[9] = 47;  // GRE
  auto p = read_ip_packet(b);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->selector.protocol, 47);
  EXPECT_FALSE(p->selector.has_ports);
}

struct Bad {
  const char* what;
  Bytes packet;
  Errc code;
};

TEST(IpPacket, MalformedHeadersAreNamedErrors) {
  Bytes ihl4 = test::inner_ipv4();
  ihl4[0] = 0x44;
  Bytes short_total = test::inner_ipv4();
  short_total[3] = 19;
  Bytes long_total = test::inner_ipv4();
  long_total[3] = 33;
  Bytes v5 = test::inner_ipv4();
  v5[0] = 0x55;
  Bytes long_v6 = test::inner_ipv6();
  long_v6[5] = 13;
  Bytes ihl15 = test::inner_ipv4();
  ihl15[0] = 0x4f;  // 60-octet header in a 32-octet packet
  Bytes udp_cut = test::inner_ipv4();
  udp_cut.resize(22);
  udp_cut[3] = 22;  // ports need 4 octets, 2 follow the header
  const Bad cases[] = {
      {"empty", {}, Errc::truncated},
      {"IHL 4", ihl4, Errc::bad_length},
      {"IHL 15 beyond the packet", ihl15, Errc::bad_length},
      {"Total Length below the header", short_total, Errc::bad_length},
      {"Total Length beyond the bytes", long_total, Errc::truncated},
      {"version 5", v5, Errc::bad_version},
      {"IPv6 Payload Length beyond the bytes", long_v6, Errc::truncated},
      {"UDP ports cut short", udp_cut, Errc::truncated},
      {"IPv6 extension header beyond the packet", ipv6_with(kIpProtoIpv6Opts, h("11ff000000000000")),
       Errc::truncated},
  };
  for (const Bad& c : cases) {
    auto p = read_ip_packet(c.packet);
    ASSERT_FALSE(p.has_value()) << c.what;
    EXPECT_EQ(p.error().code, c.code) << c.what << ": " << p.error().to_string();
  }
}

TEST(IpPacket, EveryTruncationIsAnError) {
  for (const Bytes& packet :
       {test::inner_ipv4(), test::inner_ipv6(), ipv6_with(kIpProtoHopByHop, h("1100000000000000"))}) {
    for (size_t n = 0; n < packet.size(); ++n) {
      auto p = read_ip_packet(ByteView(packet).first(n));
      ASSERT_FALSE(p.has_value()) << "cut at " << n;
      EXPECT_EQ(p.error().code, Errc::truncated) << "cut at " << n << ": " << p.error().to_string();
    }
  }
}

}  // namespace
}  // namespace tern::esp

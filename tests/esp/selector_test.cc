// Traffic selectors (RFC 7296 §3.13.1) compiled for the data path and
// matched against packets: address ranges, "any" protocol, port ranges, the
// OPAQUE port selector (RFC 4301 §4.4.1), ICMP Type/Code as a port, and how
// specific a selector is.
#include "esp/selector.h"

#include <gtest/gtest.h>

#include "esp/ip_protocol.h"

namespace tern::esp {
namespace {

using wire::TrafficSelector;

Selector compiled(const TrafficSelector& ts) {
  auto s = Selector::compile(ts);
  EXPECT_TRUE(s.has_value()) << s.error().to_string();
  return s.value_or(Selector{});
}

PacketSelector to(std::array<uint8_t, 4> dst, uint8_t protocol, bool has_ports, uint16_t dst_port) {
  PacketSelector p;
  std::copy(dst.begin(), dst.end(), p.dst.begin());
  p.protocol = protocol;
  p.has_ports = has_ports;
  p.dst_port = dst_port;
  return p;
}

TEST(Selector, AddressRangeIsInclusive) {
  Selector s = compiled(TrafficSelector::ipv4_range({10, 2, 0, 10}, {10, 2, 0, 20}));
  EXPECT_FALSE(s.matches_destination(to({10, 2, 0, 9}, kIpProtoTcp, true, 80)));
  EXPECT_TRUE(s.matches_destination(to({10, 2, 0, 10}, kIpProtoTcp, true, 80)));
  EXPECT_TRUE(s.matches_destination(to({10, 2, 0, 20}, kIpProtoTcp, true, 80)));
  EXPECT_FALSE(s.matches_destination(to({10, 2, 0, 21}, kIpProtoTcp, true, 80)));
}

TEST(Selector, ProtocolAndPorts) {
  Selector dns =
      compiled(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}, kIpProtoUdp, 53, 53));
  EXPECT_TRUE(dns.matches_destination(to({8, 8, 8, 8}, kIpProtoUdp, true, 53)));
  EXPECT_FALSE(dns.matches_destination(to({8, 8, 8, 8}, kIpProtoTcp, true, 53)));
  EXPECT_FALSE(dns.matches_destination(to({8, 8, 8, 8}, kIpProtoUdp, true, 54)));
  // A non-initial fragment has no ports: it cannot match a port range.
  EXPECT_FALSE(dns.matches_destination(to({8, 8, 8, 8}, kIpProtoUdp, false, 0)));
}

TEST(Selector, FullPortRangeMatchesPacketsWithoutPorts) {
  Selector any = compiled(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}));
  EXPECT_TRUE(any.matches_destination(to({1, 2, 3, 4}, 47, false, 0)));  // GRE
  EXPECT_TRUE(any.matches_destination(to({1, 2, 3, 4}, kIpProtoTcp, true, 22)));
}

TEST(Selector, OpaqueMatchesOnlyPacketsWithoutPorts) {
  Selector opaque = compiled(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}, kIpProtoUdp,
                                                         wire::kOpaqueStartPort, wire::kOpaqueEndPort));
  EXPECT_TRUE(opaque.matches_destination(to({1, 2, 3, 4}, kIpProtoUdp, false, 0)));
  EXPECT_FALSE(opaque.matches_destination(to({1, 2, 3, 4}, kIpProtoUdp, true, 53)));
  EXPECT_EQ(opaque.port_count(), 65536u);
}

TEST(Selector, IcmpTypeAndCodeAsPort) {
  // RFC 7296 §3.13.1: Echo Request (Type 8, Code 0) is "port" 0x0800.
  Selector echo =
      compiled(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}, kIpProtoIcmp, 0x0800, 0x08ff));
  EXPECT_TRUE(echo.matches_destination(to({1, 2, 3, 4}, kIpProtoIcmp, true, 0x0800)));
  EXPECT_FALSE(echo.matches_destination(to({1, 2, 3, 4}, kIpProtoIcmp, true, 0x0000)));  // Echo Reply
}

TEST(Selector, FamilyMustMatch) {
  Selector v4 = compiled(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}));
  PacketSelector p = to({0, 0, 0, 0}, kIpProtoTcp, true, 1);
  p.family = ike::AddressFamily::ipv6;
  EXPECT_FALSE(v4.matches_destination(p));
}

TEST(Selector, PrefixLength) {
  EXPECT_EQ(compiled(TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})).prefix_length(), 24);
  EXPECT_EQ(compiled(TrafficSelector::ipv4_range({10, 2, 0, 5}, {10, 2, 0, 5})).prefix_length(), 32);
  EXPECT_EQ(compiled(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255})).prefix_length(), 0);
  std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8}, b = a;
  for (size_t i = 6; i < 16; ++i) b[i] = 0xff;
  EXPECT_EQ(compiled(TrafficSelector::ipv6_range(a, b)).prefix_length(), 48);
  // A range that is not a prefix counts the bits its ends share.
  EXPECT_EQ(compiled(TrafficSelector::ipv4_range({10, 0, 0, 1}, {10, 0, 0, 6})).prefix_length(), 29);
}

TEST(Selector, CompileRefusesInconsistentSelectors) {
  TrafficSelector wrong_size = TrafficSelector::ipv4_range({1, 1, 1, 1}, {2, 2, 2, 2});
  wrong_size.end_address.push_back(0);
  TrafficSelector reversed = TrafficSelector::ipv4_range({2, 2, 2, 2}, {1, 1, 1, 1});
  TrafficSelector ports = TrafficSelector::ipv4_range({1, 1, 1, 1}, {2, 2, 2, 2}, 6, 90, 80);
  for (const TrafficSelector& ts : {wrong_size, reversed, ports}) {
    auto s = Selector::compile(ts);
    ASSERT_FALSE(s.has_value()) << ts.to_string();
    EXPECT_EQ(s.error().code, Errc::invalid_syntax);
  }
}

}  // namespace
}  // namespace tern::esp

// The small text forms inside values: IP literals, identities, traffic selectors.
#include <gtest/gtest.h>

#include "config/identity_syntax.h"
#include "config/ip_syntax.h"
#include "config/suggest.h"
#include "config/ts_syntax.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::contains;

TEST(IpSyntax, Ipv4AndIpv6Literals) {
  EXPECT_EQ(parse_ip("192.0.2.1"), ike::Address::ipv4({192, 0, 2, 1}, 0));
  EXPECT_EQ(parse_ip("0.0.0.0"), ike::Address::ipv4({0, 0, 0, 0}, 0));
  EXPECT_EQ(parse_ip("::"), ike::Address::ipv6({}, 0));
  EXPECT_EQ(parse_ip("2001:db8::1"),
            ike::Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0));
  EXPECT_EQ(parse_ip("2001:DB8:0:0:0:0:0:1"), parse_ip("2001:db8::1"));
  EXPECT_EQ(parse_ip("::ffff:192.0.2.1"),
            ike::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}, 0));
  EXPECT_EQ(parse_ip("fe80::"), ike::Address::ipv6({0xfe, 0x80}, 0));
  for (std::string_view bad : {"", "192.0.2", "192.0.2.256", "192.0.2.1.5", "192.0.02.1", "1.2.3.4 ",
                               "a.b.c.d", "2001:db8::1::2", "2001:db8:1:2:3:4:5:6:7", "12345::", ":1::",
                               "::g", "fe80::1%eth0", "[::1]", "192.0.2.1:500", "host.example.org"}) {
    EXPECT_FALSE(parse_ip(bad).has_value()) << bad;
  }
  EXPECT_EQ(ip_to_string(*parse_ip("2001:DB8:0:0:0:0:0:1")), "2001:db8::1");
}

TEST(IdentitySyntax, EachFormAndItsCanonicalText) {
  struct Row {
    std::string_view written;
    std::string_view canonical;
  };
  constexpr Row kRows[] = {
      {"a@example.org", "rfc822:a@example.org"},
      {"email:a@example.org", "rfc822:a@example.org"},
      {"rfc822:a@example.org", "rfc822:a@example.org"},
      {"vpn.example.org", "fqdn:vpn.example.org"},
      {"@vpn.example.org", "fqdn:vpn.example.org"},
      {"fqdn:vpn.example.org", "fqdn:vpn.example.org"},
      {"gw_1", "fqdn:gw_1"},
      {"192.0.2.1", "ipv4:192.0.2.1"},
      {"2001:db8::1", "ipv6:2001:db8::1"},
      {"keyid:0x0a1b", "keyid:0a1b"},
      {"keyid:ab", "keyid:6162"},
      {"%any", "%any"},
  };
  for (const Row& row : kRows) {
    auto id = parse_identity(row.written, AnyIdentity::allowed);
    ASSERT_TRUE(id.has_value()) << row.written << ": " << id.error();
    EXPECT_EQ(canonical(*id), row.canonical) << row.written;
  }
  EXPECT_EQ(parse_identity("192.0.2.1", AnyIdentity::allowed)->type, wire::IdType::ID_IPV4_ADDR);
  EXPECT_EQ(parse_identity("a@example.org", AnyIdentity::allowed)->type, wire::IdType::ID_RFC822_ADDR);
  EXPECT_EQ(parse_identity("keyid:0x0a1b", AnyIdentity::allowed)->type, wire::IdType::ID_KEY_ID);
  EXPECT_TRUE(parse_identity("%any", AnyIdentity::allowed)->any);
}

TEST(IdentitySyntax, WhatIsRefusedAndWhy) {
  struct Row {
    std::string_view written;
    std::string_view complaint;
  };
  constexpr Row kRows[] = {
      {"", "empty identity"},
      {"C=CH, O=Example, gw", "'gw' in DN 'C=CH, O=Example, gw' is not type=value"},
      {"C=CH, O=, CN=gw", "needs a type and a value"},
      {"a@b@c", "is not an email address"},
      {"@", "empty FQDN"},
      {"vpn..example.org", "has an empty label"},
      {"vpn example.org", "has the character ' ', not allowed in an FQDN"},
      {"keyid:0xabc", "keyid:0x needs an even number of hex digits"},
      {"keyid:", "keyid: needs a value"},
      {"192.0.2.300", "'192.0.2.300' is not a valid IPv4 address"},
      {"2001:db8:::1", "is not a valid IPv6 address"},
  };
  for (const Row& row : kRows) {
    auto id = parse_identity(row.written, AnyIdentity::allowed);
    ASSERT_FALSE(id.has_value()) << row.written;
    EXPECT_TRUE(contains(id.error(), row.complaint)) << row.written;
  }
  auto own = parse_identity("%any", AnyIdentity::refused);
  ASSERT_FALSE(own.has_value());
  EXPECT_TRUE(contains(own.error(), "%any matches any peer and cannot be our own identity"));
}

TEST(TsSyntax, SubnetsHostsAndRanges) {
  EXPECT_EQ(parse_traffic_selector("10.1.0.0/24"),
            wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}));
  EXPECT_EQ(parse_traffic_selector("0.0.0.0/0"),
            wire::TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}));
  EXPECT_EQ(parse_traffic_selector("192.0.2.7"),
            wire::TrafficSelector::ipv4_range({192, 0, 2, 7}, {192, 0, 2, 7}));
  EXPECT_EQ(parse_traffic_selector("10.1.0.10-10.1.0.20"),
            wire::TrafficSelector::ipv4_range({10, 1, 0, 10}, {10, 1, 0, 20}));
  std::array<uint8_t, 16> start{0x20, 0x01, 0x0d, 0xb8};
  std::array<uint8_t, 16> end = start;
  for (size_t i = 8; i < 16; ++i) end[i] = 0xff;
  EXPECT_EQ(parse_traffic_selector("2001:db8::/64"), wire::TrafficSelector::ipv6_range(start, end));
  EXPECT_EQ(host_selector(ike::Address::ipv4({192, 0, 2, 1}, 500)),
            wire::TrafficSelector::ipv4_range({192, 0, 2, 1}, {192, 0, 2, 1}));
}

TEST(TsSyntax, ProtocolsAndPorts) {
  EXPECT_EQ(parse_traffic_selector("10.1.0.0/24[tcp/443]"),
            wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}, 6, 443, 443));
  EXPECT_EQ(parse_traffic_selector("10.1.0.0/24[udp]"),
            wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}, 17, 0, 65535));
  EXPECT_EQ(parse_traffic_selector("192.0.2.53[17/53]"),
            wire::TrafficSelector::ipv4_range({192, 0, 2, 53}, {192, 0, 2, 53}, 17, 53, 53));
  EXPECT_EQ(parse_traffic_selector("10.0.0.0/8[tcp/8000-8080]"),
            wire::TrafficSelector::ipv4_range({10, 0, 0, 0}, {10, 255, 255, 255}, 6, 8000, 8080));
  EXPECT_EQ(parse_traffic_selector("10.0.0.0/8[icmp]")->ip_protocol, 1);
  EXPECT_EQ(parse_traffic_selector("2001:db8::/32[icmpv6]")->ip_protocol, 58);
}

TEST(TsSyntax, BadSelectorsSayWhatIsWrong) {
  struct Row {
    std::string_view written;
    std::string_view complaint;
  };
  constexpr Row kRows[] = {
      {"10.1.0.1/24", "'10.1.0.1/24' has host bits set; the subnet is 10.1.0.0/24"},
      {"2001:db8::1/64", "has host bits set; the subnet is 2001:db8::/64"},
      {"10.1.0.0/33", "prefix length 33 is longer than 32 bits of an IPv4 address"},
      {"2001:db8::/129", "prefix length 129 is longer than 128 bits of an IPv6 address"},
      {"10.1.0.0/", "'' is not a prefix length"},
      {"10.1.0/24", "is not an IP address, subnet or range"},
      {"office", "is not an IP address, subnet or range"},
      {"10.1.0.20-10.1.0.10", "ends before it starts"},
      {"10.1.0.1-2001:db8::1", "mixes IPv4 and IPv6"},
      {"10.1.0.0/24[gre]", "unknown protocol 'gre' (tcp, udp, icmp, icmpv6, sctp or a number 0..255)"},
      {"10.1.0.0/24[tcp/70000]", "'70000' is not a port or port range 0..65535"},
      {"10.1.0.0/24[tcp/90-80]", "port range 90-80 ends before it starts"},
      {"10.1.0.0/24[%any/53]", "a port needs a protocol"},
      {"10.1.0.0/24[tcp", "must be written as [proto] or [proto/port] at the end"},
  };
  for (const Row& row : kRows) {
    auto ts = parse_traffic_selector(row.written);
    ASSERT_FALSE(ts.has_value()) << row.written;
    EXPECT_TRUE(contains(ts.error(), row.complaint)) << row.written << ": " << ts.error();
  }
}

TEST(Suggest, TheClosestKeyWithinTwoEdits) {
  constexpr std::string_view kKeys[] = {"rekey_time", "reauth_time", "rand_time", "life_time"};
  EXPECT_EQ(edit_distance("rekey_tme", "rekey_time"), 1u);
  EXPECT_EQ(edit_distance("rekey_itme", "rekey_time"), 1u);  // a swap is one edit
  EXPECT_EQ(closest("rekey_tme", kKeys), "rekey_time");
  EXPECT_EQ(closest("lifetime", kKeys), "life_time");
  EXPECT_FALSE(closest("lifespan", kKeys).has_value());
}

}  // namespace
}  // namespace tern::config

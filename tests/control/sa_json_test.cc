// The list-sas schema (DESIGN.md "Contracts", docs/control.md): every field
// name, the hex formatting of SPIs, null for what is not known or not
// measured, and the traffic selector text.
#include "control/sa_json.h"

#include <gtest/gtest.h>

#include <set>

#include "control/ts_text.h"

namespace tern::control {
namespace {

const WallClock kClock{
    [](Timestamp t) { return "T+" + std::to_string(t.time_since_epoch().count()) + "us"; }};

std::set<std::string> keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

ike::IkeSaStatus site_b() {
  ike::IkeSaStatus sa;
  sa.id = ike::IkeSaId{3};
  sa.connection = "site-b";
  sa.state = ike::IkeSaState::established;
  sa.initiator = true;
  sa.spi_i = 0x0123456789abcdefULL;
  sa.spi_r = 0xfedcba98ULL;  // leading zeros must be printed
  sa.local = ike::Address::ipv4({192, 0, 2, 1}, 500);
  sa.remote = ike::Address::ipv4({192, 0, 2, 2}, 4500);
  sa.suite = crypto::IkeSuite{};  // AES_GCM_16 128, PRF_HMAC_SHA2_256, CURVE25519
  sa.nat_detected = true;
  sa.established_at = timestamp_from_us(5'000'000);
  sa.local_id = "fqdn:a.example.org";
  sa.remote_id = "fqdn:b.example.org";
  ike::ChildSa net;
  net.name = "net";
  net.spi_in = 0xabcd;
  net.spi_out = 0xc1a2b3c4;
  net.mode = ike::ChildMode::tunnel;
  net.encap = true;
  net.local_ts = {wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})};
  net.remote_ts = {wire::TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 0, 9}),
                   wire::TrafficSelector::ipv4_range({10, 3, 0, 0}, {10, 3, 255, 255}, 6, 443, 443)};
  sa.children.push_back(net);
  return sa;
}

TEST(SaJson, AnIkeSaHasEveryFieldOfTheContract) {
  nlohmann::json list = list_sas_json({site_b()}, kClock);
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 1u);
  const nlohmann::json& sa = list[0];
  EXPECT_EQ(keys(sa),
            (std::set<std::string>{"id", "name", "state", "initiator", "local_addr", "local_port",
                                   "remote_addr", "remote_port", "local_id", "remote_id", "spi_i", "spi_r",
                                   "proposal", "established_at", "nat_detected", "children"}));
  EXPECT_EQ(sa["id"], 3);
  EXPECT_EQ(sa["name"], "site-b");
  EXPECT_EQ(sa["state"], "ESTABLISHED");
  EXPECT_EQ(sa["initiator"], true);
  EXPECT_EQ(sa["local_addr"], "192.0.2.1");
  EXPECT_EQ(sa["local_port"], 500);
  EXPECT_EQ(sa["remote_addr"], "192.0.2.2");
  EXPECT_EQ(sa["remote_port"], 4500);
  EXPECT_EQ(sa["local_id"], "fqdn:a.example.org");
  EXPECT_EQ(sa["remote_id"], "fqdn:b.example.org");
  EXPECT_EQ(sa["spi_i"], "0123456789abcdef");
  EXPECT_EQ(sa["spi_r"], "00000000fedcba98");
  EXPECT_EQ(sa["proposal"], "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519");
  EXPECT_EQ(sa["established_at"], "T+5000000us");
  EXPECT_EQ(sa["nat_detected"], true);
}

TEST(SaJson, AChildSaHasEveryFieldOfTheContract) {
  const nlohmann::json child = list_sas_json({site_b()}, kClock)[0]["children"][0];
  EXPECT_EQ(keys(child), (std::set<std::string>{"name", "state", "spi_in", "spi_out", "mode", "encap",
                                                "proposal", "local_ts", "remote_ts", "rekey_problem",
                                                "bytes_in", "bytes_out", "packets_in", "packets_out"}));
  EXPECT_EQ(child["name"], "net");
  EXPECT_EQ(child["state"], "INSTALLED");
  EXPECT_EQ(child["spi_in"], "0000abcd");
  EXPECT_EQ(child["spi_out"], "c1a2b3c4");
  EXPECT_EQ(child["mode"], "TUNNEL");
  EXPECT_EQ(child["encap"], true);
  EXPECT_EQ(child["proposal"], "AES_GCM_16_128/NO_ESN");
  EXPECT_EQ(child["local_ts"], nlohmann::json::array({"10.1.0.0/24"}));
  EXPECT_EQ(child["remote_ts"], nlohmann::json::array({"10.2.0.0-10.2.0.9", "10.3.0.0/16[tcp/443]"}));
  // Not measured by any data plane yet: null, never a fake zero.
  for (const char* counter : {"bytes_in", "bytes_out", "packets_in", "packets_out"})
    EXPECT_TRUE(child[counter].is_null()) << counter;
  EXPECT_TRUE(child["rekey_problem"].is_null());  // none known
}

TEST(SaJson, AChildWhoseRekeysFailOverPfsSaysWhy) {
  ike::IkeSaStatus sa = site_b();
  sa.children[0].rekey_problem =
      "peer 192.0.2.2 refused the PFS group ecp256 for child net; it accepts: modp2048";
  const nlohmann::json child = list_sas_json({sa}, kClock)[0]["children"][0];
  EXPECT_EQ(child["rekey_problem"],
            "peer 192.0.2.2 refused the PFS group ecp256 for child net; it accepts: modp2048");
}

TEST(SaJson, AChildBeingDeletedInTransportMode) {
  ike::IkeSaStatus sa = site_b();
  sa.children[0].deleting = true;
  sa.children[0].mode = ike::ChildMode::transport;
  sa.children[0].encap = false;
  sa.children[0].suite =
      ike::EspSuite{wire::EncrId::AES_CBC, 256, wire::IntegId::HMAC_SHA2_256_128, wire::EsnId::ESN};
  const nlohmann::json child = list_sas_json({sa}, kClock)[0]["children"][0];
  EXPECT_EQ(child["state"], "DELETING");
  EXPECT_EQ(child["mode"], "TRANSPORT");
  EXPECT_EQ(child["encap"], false);
  EXPECT_EQ(child["proposal"], "AES_CBC_256/HMAC_SHA2_256_128/ESN");
}

TEST(SaJson, WhatIsNotKnownYetIsNull) {
  ike::IkeSaStatus sa;  // IKE_SA_INIT sent, nothing back: a responder's SPI of zero
  sa.id = ike::IkeSaId{9};
  sa.connection = "site-c";
  sa.state = ike::IkeSaState::created;
  sa.spi_i = 1;
  sa.local = ike::Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 500);
  sa.remote = ike::Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 500);
  sa.local_id = "fqdn:a.example.org";
  const nlohmann::json j = list_sas_json({sa}, kClock)[0];
  EXPECT_EQ(j["state"], "CREATED");
  EXPECT_EQ(j["initiator"], false);
  EXPECT_EQ(j["local_addr"], "2001:db8::1");
  EXPECT_EQ(j["remote_addr"], "2001:db8::2");
  EXPECT_EQ(j["spi_i"], "0000000000000001");
  EXPECT_EQ(j["spi_r"], "0000000000000000");
  EXPECT_TRUE(j["proposal"].is_null());
  EXPECT_TRUE(j["established_at"].is_null());
  EXPECT_TRUE(j["remote_id"].is_null());
  EXPECT_EQ(j["children"], nlohmann::json::array());
}

TEST(SaJson, NoSasIsAnEmptyArray) {
  EXPECT_EQ(list_sas_json({}, kClock), nlohmann::json::array());
}

TEST(SaJson, IkeProposalTextWithSeparateIntegrity) {
  crypto::IkeSuite suite{wire::EncrId::AES_CBC, 256, wire::PrfId::HMAC_SHA2_256,
                         wire::IntegId::HMAC_SHA2_256_128, wire::KeGroup::MODP_2048};
  EXPECT_EQ(ike_proposal_text(suite), "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
}

// ts_text: CIDR when the range is one prefix, "a-b" otherwise, "[proto/port]" when not any.
TEST(TsText, PrefixesAndRanges) {
  using wire::TrafficSelector;
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})), "10.1.0.0/24");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255})), "0.0.0.0/0");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range({192, 0, 2, 7}, {192, 0, 2, 7})), "192.0.2.7/32");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range({10, 1, 0, 128}, {10, 1, 0, 191})), "10.1.0.128/26");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range({10, 1, 0, 1}, {10, 1, 0, 255})), "10.1.0.1-10.1.0.255");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 1, 254})), "10.1.0.0-10.1.1.254");
  std::array<uint8_t, 16> start{0x20, 0x01, 0x0d, 0xb8};
  std::array<uint8_t, 16> end = start;
  for (size_t i = 4; i < 16; ++i) end[i] = 0xff;
  EXPECT_EQ(ts_text(TrafficSelector::ipv6_range(start, end)), "2001:db8::/32");
  std::array<uint8_t, 16> all_ones;
  all_ones.fill(0xff);
  EXPECT_EQ(ts_text(TrafficSelector::ipv6_range({}, all_ones)), "::/0");
}

TEST(TsText, ProtocolsAndPorts) {
  using wire::TrafficSelector;
  const std::array<uint8_t, 4> a{10, 1, 0, 0}, b{10, 1, 0, 255};
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 6)), "10.1.0.0/24[tcp]");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 17, 500, 500)), "10.1.0.0/24[udp/500]");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 6, 1024, 65535)), "10.1.0.0/24[tcp/1024-65535]");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 1)), "10.1.0.0/24[icmp]");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 99)), "10.1.0.0/24[99]");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 0, 80, 80)), "10.1.0.0/24[any/80]");
  EXPECT_EQ(ts_text(TrafficSelector::ipv4_range(a, b, 17, wire::kOpaqueStartPort, wire::kOpaqueEndPort)),
            "10.1.0.0/24[udp/OPAQUE]");
}

}  // namespace
}  // namespace tern::control

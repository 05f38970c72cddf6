// `ternctl status`: the list-sas JSON as a table with what a network engineer
// looks for first, and no crash on JSON that is not what ternd should send.
#include "control/status_table.h"

#include <gtest/gtest.h>

#include "control/sa_json.h"

namespace tern::control {
namespace {

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

nlohmann::json one_sa() {
  ike::IkeSaStatus sa;
  sa.id = ike::IkeSaId{3};
  sa.connection = "site-b";
  sa.state = ike::IkeSaState::established;
  sa.initiator = true;
  sa.spi_i = 0x0123456789abcdefULL;
  sa.spi_r = 0xfedcba9876543210ULL;
  sa.local = ike::Address::ipv4({192, 0, 2, 1}, 500);
  sa.remote = ike::Address::ipv4({192, 0, 2, 2}, 4500);
  sa.suite = crypto::IkeSuite{};
  sa.nat_detected = true;
  sa.established_at = timestamp_from_us(1);
  sa.local_id = "fqdn:a.example.org";
  sa.remote_id = "fqdn:b.example.org";
  ike::ChildSa net;
  net.name = "net";
  net.spi_in = 0xc1a2b3c4;
  net.spi_out = 0x0a0b0c0d;
  net.encap = true;
  net.local_ts = {wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})};
  net.remote_ts = {wire::TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 0, 255})};
  sa.children.push_back(net);
  return list_sas_json({sa}, WallClock{[](Timestamp) { return std::string("2025-03-01T12:00:05Z"); }});
}

TEST(StatusTable, NoSas) {
  EXPECT_EQ(render_status(nlohmann::json::array()), "no IKE SAs\n");
}

TEST(StatusTable, AnEstablishedSaWithItsChild) {
  std::string text = render_status(one_sa());
  EXPECT_CONTAINS(text, "site-b[3]: ESTABLISHED since 2025-03-01T12:00:05Z, initiator, NAT detected\n");
  EXPECT_CONTAINS(text, "local:  192.0.2.1:500 fqdn:a.example.org\n");
  EXPECT_CONTAINS(text, "remote: 192.0.2.2:4500 fqdn:b.example.org\n");
  EXPECT_CONTAINS(text, "SPIs:   0123456789abcdef_i* fedcba9876543210_r\n");  // * marks ours
  EXPECT_CONTAINS(text, "IKE:    AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519\n");
  EXPECT_CONTAINS(text, "\n  net: INSTALLED, TUNNEL, UDP-encapsulated\n");
  EXPECT_CONTAINS(text, "    SPIs:      c1a2b3c4_i 0a0b0c0d_o\n");
  EXPECT_CONTAINS(text, "    ESP:       AES_GCM_16_128/NO_ESN\n");
  EXPECT_CONTAINS(text, "    local_ts:  10.1.0.0/24\n");
  EXPECT_CONTAINS(text, "    remote_ts: 10.2.0.0/24\n");
  EXPECT_CONTAINS(text, "    traffic:   not measured\n");
}

TEST(StatusTable, AResponderBeforeIkeAuthAndIpv6) {
  nlohmann::json list = one_sa();
  nlohmann::json& sa = list[0];
  sa["initiator"] = false;
  sa["state"] = "CONNECTING";
  sa["established_at"] = nullptr;
  sa["remote_id"] = nullptr;
  sa["nat_detected"] = false;
  sa["remote_addr"] = "2001:db8::2";
  sa["children"] = nlohmann::json::array();
  std::string text = render_status(list);
  EXPECT_CONTAINS(text, "site-b[3]: CONNECTING, responder\n");
  EXPECT_CONTAINS(text, "remote: [2001:db8::2]:4500 (not authenticated yet)\n");
  EXPECT_CONTAINS(text, "SPIs:   0123456789abcdef_i fedcba9876543210_r*\n");
  EXPECT_EQ(text.find("net:"), std::string::npos);
}

TEST(StatusTable, ARekeyProblemIsShownOnlyWhenThereIsOne) {
  EXPECT_EQ(render_status(one_sa()).find("rekeying:"), std::string::npos);
  nlohmann::json list = one_sa();
  list[0]["children"][0]["rekey_problem"] =
      "peer 192.0.2.2 offers PFS groups ecp256 for child net, we allow: x25519; the first rekey of this "
      "child "
      "will fail";
  EXPECT_CONTAINS(render_status(list),
                  "    traffic:   not measured\n"
                  "    rekeying:  FAILS: peer 192.0.2.2 offers PFS groups ecp256 for child net, we allow: "
                  "x25519; the first rekey of this child will fail\n");
}

TEST(StatusTable, MeasuredTrafficIsShown) {
  nlohmann::json list = one_sa();
  nlohmann::json& child = list[0]["children"][0];
  child["bytes_in"] = 1500;
  child["packets_in"] = 1;
  child["bytes_out"] = 3000;
  child["packets_out"] = 2;
  EXPECT_CONTAINS(render_status(list), "traffic:   in 1500 bytes, 1 packets; out 3000 bytes, 2 packets\n");
}

TEST(StatusTable, UnexpectedJsonPrintsDashesInsteadOfThrowing) {
  EXPECT_CONTAINS(render_status(nlohmann::json::object()), "not a list of IKE SAs");
  std::string text =
      render_status(nlohmann::json::parse(R"([{"name": 5, "children": [1, {"local_ts": "x"}]}, 7])"));
  EXPECT_CONTAINS(text, "5[-]: -");
  EXPECT_CONTAINS(text, "local_ts:  -");
}

}  // namespace
}  // namespace tern::control

// Several [[connection.child]] per connection: each child keeps its own
// selectors, ESP proposals, mode and lifetimes, in configuration order (the
// first is the IKE_AUTH child); names are unique per connection.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::load;
using testing::texts;

constexpr const char* kTwoChildren = R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  id = "a.example.org"
  [connection.remote]
  auth = "psk"
  id = "b.example.org"
  [[connection.child]]
  name = "net"
  local_ts = ["10.1.0.0/24"]
  remote_ts = ["10.2.0.0/24"]
  esp_proposals = ["aes128gcm16"]
  rekey_time = "1h"
  [[connection.child]]
  name = "voip"
  local_ts = ["10.1.5.0/24"]
  remote_ts = ["10.3.0.0/24[udp/5060]"]
  esp_proposals = ["aes256gcm16-x25519", "aes128gcm16-modp2048"]
  mode = "transport"
  life_packets = 5000

[[secret]]
type = "psk"
ids = ["a.example.org", "b.example.org"]
secret = "a long enough secret for two children"
)";

TEST(Children, EachChildKeepsItsOwnSettingsInOrder) {
  LoadResult r = load(kTwoChildren);
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(texts(r.error()));
  const ike::ConnectionConfig& c = *r->connections.at(0).engine;
  ASSERT_EQ(c.children.size(), 2u);
  const ike::ChildConfig& net = c.children[0];
  const ike::ChildConfig& voip = c.children[1];
  EXPECT_EQ(net.name, "net");
  EXPECT_EQ(net.local_ts, std::vector{wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})});
  ASSERT_EQ(net.esp_proposals.size(), 1u);
  EXPECT_EQ(net.esp_proposals[0].ke, wire::KeGroup::NONE);
  EXPECT_EQ(net.mode, ike::ChildMode::tunnel);
  EXPECT_EQ(net.limits.life_packets, 0u);
  EXPECT_EQ(voip.name, "voip");
  ASSERT_EQ(voip.remote_ts.size(), 1u);
  EXPECT_EQ(voip.remote_ts[0].ip_protocol, 17);
  EXPECT_EQ(voip.remote_ts[0].start_port, 5060);
  ASSERT_EQ(voip.esp_proposals.size(), 2u);
  EXPECT_EQ(voip.esp_proposals[0].to_string(), "AES_GCM_16_256/NO_ESN/CURVE25519");
  EXPECT_EQ(voip.esp_proposals[1].to_string(), "AES_GCM_16_128/NO_ESN/MODP_2048");
  EXPECT_EQ(voip.mode, ike::ChildMode::transport);
  EXPECT_EQ(voip.limits.life_packets, 5000u);
  EXPECT_EQ(c.find_child("voip"), &voip);
  EXPECT_EQ(c.find_child("dmz"), nullptr);
}

TEST(Children, AThirdChildWithTheFirstsNameIsRefusedAtItsName) {
  std::string text = kTwoChildren;
  const std::string third = "  [[connection.child]]\n  name = \"net\"\n  remote_ts = [\"10.9.0.0/24\"]\n";
  text.insert(text.find("\n[[secret]]"), third);
  LoadResult r = load(text);
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().size(), 1u) << ::testing::PrintToString(texts(r.error()));
  EXPECT_EQ(r.error()[0].to_string(),
            "tern.toml:25:10: connection[0].child[2].name: a second child named 'net' in connection "
            "'site-b': child names must be unique within a connection (ternctl up/down/rekey CONN/CHILD "
            "names one)");
}

TEST(Children, ChangingTheSecondChildChangesTheConnectionsFingerprint) {
  LoadResult before = load(kTwoChildren);
  std::string changed = kTwoChildren;
  changed.replace(changed.find("10.3.0.0/24"), 11, "10.4.0.0/24");
  LoadResult after = load(changed);
  ASSERT_TRUE(before.has_value() && after.has_value());
  EXPECT_NE(before->connections[0].fingerprint, after->connections[0].fingerprint);
}

}  // namespace
}  // namespace tern::config

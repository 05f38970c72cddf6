// Settings tern accepts: PSK lookup, identities, IPv6, and the warnings for
// what this build accepts but does not act on yet.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::load;
using testing::texts;

TEST(Secrets, TheBestMatchWinsAndPercentAnyMatchesEveryone) {
  LoadResult r = load(R"([[connection]]
name = "road"
local_addrs = ["192.0.2.1"]
remote_addrs = ["198.51.100.7"]
  [connection.local]
  auth = "psk"
  id = "gw.example.org"
  [connection.remote]
  auth = "psk"
  id = "%any"
  [[connection.child]]
  name = "net"

[[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  id = "gw.example.org"
  [connection.remote]
  auth = "psk"
  id = "b.example.org"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["%any"]
secret = "catch-all secret, long"

[[secret]]
type = "psk"
ids = ["gw.example.org"]
secret = "road warrior secret"

[[secret]]
type = "psk"
ids = ["@gw.example.org", "fqdn:b.example.org"]
secret = "site b secret, long"
)");
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(texts(r.error()));
  ASSERT_EQ(r->connections.size(), 2u);
  // Remote %any: a secret listing the local id alone is enough, and beats %any.
  EXPECT_TRUE(r->connections[0].engine->remote_id.any);
  EXPECT_EQ(r->connections[0].engine->psk, SecretBytes(as_bytes("road warrior secret")));
  // Both ids listed (written differently, equal canonically) beats the rest.
  EXPECT_EQ(r->connections[1].engine->psk, SecretBytes(as_bytes("site b secret, long")));
}

TEST(Secrets, OnlyPskSecretsWithIdsAndAValue) {
  std::vector<Problem> problems = testing::problems_of(R"([[secret]]
type = "rsa"
ids = ["a@example.org"]
secret = "x"

[[secret]]
type = "psk"
ids = []
secret = "0xabc"

[[secret]]
secret = "long enough secret"
)");
  EXPECT_EQ(
      texts(problems),
      (std::vector<std::string>{
          // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): long lines are split on purpose
          "tern.toml:2:8: secret[0].type: type = rsa is not supported (supported: psk; a private key is "
          "named by key = \"a.key\" in [connection.local])",
          "tern.toml:8:7: secret[1].ids: ids is empty; list the identities this secret is for (\"%any\" for "
          "all)",
          "tern.toml:9:10: secret[1].secret: a secret starting with 0x must be hex digits (an even number of "
          "them)",
          "tern.toml:11:1: secret[2].type: missing required key 'type' in [[secret]] (type = \"psk\")",
          "tern.toml:11:1: secret[2].ids: missing required key 'ids' in [[secret]] (the identities this "
          "secret is for, e.g. ids = [\"a@example.org\"])",
      }));
}

TEST(Ipv6, AnIpv6ConnectionWithItsOwnListenAddress) {
  LoadResult r = load(R"([daemon]
listen = ["0.0.0.0", "::"]
ike_port = 1500
natt_port = 1501

[[connection]]
name = "v6"
local_addrs = ["2001:db8::1"]
remote_addrs = ["2001:db8::2"]
window_size = 1
encap = true
start_action = "start"
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "net"
  local_ts = ["2001:db8:1::/48"]
  remote_ts = ["2001:db8:2::/48[tcp/443]"]
  mode = "transport"

[[secret]]
type = "psk"
ids = ["2001:db8::1", "2001:db8::2"]
secret = "an IPv6 secret, long"
)");
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(texts(r.error()));
  EXPECT_TRUE(r->warnings.empty()) << ::testing::PrintToString(texts(r->warnings));
  const ConnectionSettings& s = r->connections[0];
  EXPECT_EQ(s.start_action, StartAction::start);
  const ike::ConnectionConfig& c = *s.engine;
  EXPECT_EQ(c.local.to_string(), "[2001:db8::1]:1500");
  EXPECT_EQ(c.remote.to_string(), "[2001:db8::2]:1500");
  EXPECT_EQ(c.local_id.to_string(), "ipv6:2001:db8::1");
  EXPECT_EQ(c.window_size, 1u);
  EXPECT_TRUE(c.force_encap);
  EXPECT_EQ(c.children[0].mode, ike::ChildMode::transport);
  ASSERT_EQ(c.children[0].remote_ts.size(), 1u);
  EXPECT_EQ(c.children[0].remote_ts[0].type, wire::TsType::TS_IPV6_ADDR_RANGE);
  EXPECT_EQ(c.children[0].remote_ts[0].ip_protocol, 6);
  EXPECT_EQ(r->endpoint_config().natt_port, 1501);
}

// A valid connection whose [[connection]] lines the test writes after the name.
std::string site_b(std::string_view lines) {
  return "[[connection]]\nname = \"site-b\"\n" + std::string(lines) + R"(local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["%any"]
secret = "correct horse battery staple"
)";
}

std::vector<std::string> warnings_of(std::string_view text) {
  LoadResult r = load(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : ::testing::PrintToString(texts(r.error())));
  if (!r) return {};
  return texts(r->warnings);
}

TEST(Settings, VolumeLifetimesReachTheEngineAndLifeKeysNeedNoWarning) {
  std::string child = site_b("");
  child.replace(child.find("  name = \"net\"\n"), 15,
                "  name = \"net\"\n  life_bytes = 5000000\n  life_packets = 50\n  rekey_packets = 40\n");
  LoadResult r = load(child);
  ASSERT_TRUE(r.has_value());
  const ike::ChildLimits& limits = r->connections[0].engine->children[0].limits;
  EXPECT_EQ(limits.life_bytes, 5000000u);
  EXPECT_EQ(limits.life_packets, 50u);
  EXPECT_EQ(limits.rekey_packets, 40u);
  EXPECT_EQ(limits.rekey_bytes, 0u);  // not set
  EXPECT_TRUE(r->warnings.empty());   // all four are acted on
}

TEST(Settings, ChildRekeyTimeAndRandTimeReachTheEngineWithoutWarning) {
  std::string child = site_b("");
  child.replace(child.find("  name = \"net\"\n"), 15,
                "  name = \"net\"\n  rekey_time = \"1h\"\n  rand_time = \"5m\"\n");
  LoadResult r = load(child);
  ASSERT_TRUE(r.has_value());
  const ike::ChildLimits& limits = r->connections[0].engine->children[0].limits;
  EXPECT_EQ(limits.rekey_time, seconds(3600));
  EXPECT_EQ(limits.rand_time, seconds(300));
  EXPECT_TRUE(r->warnings.empty());
}

TEST(Settings, WithoutVolumeLifetimesThereAreNoVolumeLimits) {
  LoadResult r = load(site_b(""));
  ASSERT_TRUE(r.has_value());
  const ike::ChildLimits& limits = r->connections[0].engine->children[0].limits;
  EXPECT_EQ(limits.rekey_bytes, 0u);
  EXPECT_EQ(limits.life_bytes, 0u);
  EXPECT_EQ(limits.rekey_packets, 0u);
  EXPECT_EQ(limits.life_packets, 0u);
}

TEST(Warnings, LifetimesAreStillChecked) {
  std::string child = site_b("");
  child.replace(child.find("  name = \"net\"\n"), 15,
                "  name = \"net\"\n  rekey_time = \"2h\"\n  life_time = \"1h\"\n  rekey_packets = 0\n");
  EXPECT_EQ(
      texts(testing::problems_of(child)),
      (std::vector<std::string>{
          "tern.toml:12:15: connection[0].child[0].life_time: life_time (1h) must be longer than rekey_time "
          "(2h)",
          "tern.toml:13:19: connection[0].child[0].rekey_packets: rekey_packets must be at least 1, got 0",
      }));
}

TEST(Warnings, LifeVolumesMustBeLargerThanRekeyVolumes) {
  std::string child = site_b("");
  child.replace(child.find("  name = \"net\"\n"), 15,
                "  name = \"net\"\n  rekey_bytes = 1000\n  life_bytes = 1000\n  rekey_packets = 10\n"
                "  life_packets = 20\n");
  EXPECT_EQ(texts(testing::problems_of(child)),
            (std::vector<std::string>{
                "tern.toml:12:16: connection[0].child[0].life_bytes: life_bytes (1000) must be larger than "
                "rekey_bytes (1000)",
            }));
}

TEST(Settings, StartActionTrapIsKeptForTheDataPlane) {
  LoadResult r = load(site_b("start_action = \"trap\"\n"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->connections[0].start_action, StartAction::trap);
  EXPECT_TRUE(r->warnings.empty());
}

TEST(Settings, MobikeIsOnUnlessTurnedOff) {
  LoadResult on = load(site_b(""));
  ASSERT_TRUE(on.has_value());
  EXPECT_TRUE(on->connections[0].engine->mobike);
  LoadResult off = load(site_b("mobike = false\n"));
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->connections[0].engine->mobike);
  EXPECT_TRUE(off->warnings.empty());
  EXPECT_TRUE(warnings_of(site_b("mobike = true\n")).empty());
}

TEST(Warnings, ALocalAddressNobodyListensOn) {
  EXPECT_EQ(
      warnings_of("[daemon]\nlisten = [\"192.0.2.9\"]\n\n" + site_b("")),
      (std::vector<std::string>{
          "tern.toml:6:15: connection[0].local_addrs: 192.0.2.1 is not covered by daemon.listen; ternd will "
          "not receive this connection's IKE messages (add \"192.0.2.1\" or \"0.0.0.0\" to daemon.listen)",
      }));
}

TEST(Warnings, AFileWithoutConnectionsLoadsButSaysSo) {
  LoadResult r = load("[daemon]\nlog_level = \"debug\"\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->connections.empty());
  EXPECT_EQ(r->daemon.log_level, LogLevel::debug);
  EXPECT_EQ(
      texts(r->warnings),
      (std::vector<std::string>{"tern.toml: connection: no [[connection]]: ternd will start but accept and "
                                "initiate nothing until one is added"}));
}

}  // namespace
}  // namespace tern::config

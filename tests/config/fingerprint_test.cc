// Fingerprints tell a reload which connections changed: the same settings
// give the same string, any change (the PSK included) a different one, and
// formatting does not count.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

constexpr std::string_view kTwoSites = R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  id = "a@example.org"
  [connection.remote]
  auth = "psk"
  id = "b@example.org"
  [[connection.child]]
  name = "net"
  local_ts = ["10.1.0.0/24"]
  remote_ts = ["10.2.0.0/24"]

[[connection]]
name = "site-c"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.3"]
  [connection.local]
  auth = "psk"
  id = "a@example.org"
  [connection.remote]
  auth = "psk"
  id = "c@example.org"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["a@example.org", "b@example.org"]
secret = "secret for b, long enough"

[[secret]]
type = "psk"
ids = ["a@example.org", "c@example.org"]
secret = "secret for c, long enough"
)";

std::vector<std::string> fingerprints(std::string_view text) {
  LoadResult r = testing::load(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : ::testing::PrintToString(testing::texts(r.error())));
  std::vector<std::string> out;
  if (!r) return out;
  for (const ConnectionSettings& c : r->connections) out.push_back(c.fingerprint);
  return out;
}

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

TEST(Fingerprint, TheSameTextGivesTheSameFingerprints) {
  std::vector<std::string> first = fingerprints(kTwoSites);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first, fingerprints(kTwoSites));
  EXPECT_NE(first[0], first[1]);
}

TEST(Fingerprint, AChangedPskChangesOnlyItsConnection) {
  std::vector<std::string> before = fingerprints(kTwoSites);
  std::vector<std::string> after =
      fingerprints(replaced(kTwoSites, "secret for b, long enough", "secret for b, rotated!!"));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_NE(after[0], before[0]);
  EXPECT_EQ(after[1], before[1]);
}

TEST(Fingerprint, TheSecretIsNotInTheFingerprint) {
  for (const std::string& f : fingerprints(kTwoSites)) {
    EXPECT_EQ(f.size(), 64u);
    EXPECT_EQ(f.find("secret"), std::string::npos);
  }
}

TEST(Fingerprint, WhitespaceCommentsAndKeyOrderDoNotCount) {
  std::string reformatted = replaced(kTwoSites, "name = \"site-b\"\nlocal_addrs = [\"192.0.2.1\"]\n",
                                     "# the branch office\nlocal_addrs=[ \"192.0.2.1\" ]   # ours\n\n"
                                     "name   =   \"site-b\"\n");
  EXPECT_EQ(fingerprints(reformatted), fingerprints(kTwoSites));
  // The same PSK written in hex is the same PSK.
  std::string hex = replaced(kTwoSites, "\"secret for c, long enough\"",
                             "\"0x73656372657420666f7220632c206c6f6e6720656e6f756768\"");
  EXPECT_EQ(fingerprints(hex), fingerprints(kTwoSites));
}

TEST(Fingerprint, AnyChangedSettingChangesIt) {
  const std::string base = fingerprints(kTwoSites)[0];
  const std::pair<std::string_view, std::string_view> kEdits[] = {
      {"remote_addrs = [\"192.0.2.2\"]", "remote_addrs = [\"192.0.2.4\"]"},
      {"name = \"site-b\"", "name = \"site-b2\""},
      {"local_ts = [\"10.1.0.0/24\"]", "local_ts = [\"10.1.0.0/25\"]"},
      {"remote_ts = [\"10.2.0.0/24\"]", "remote_ts = [\"10.2.0.0/24[tcp]\"]"},
      {"name = \"site-b\"", "name = \"site-b\"\nencap = true"},
      {"name = \"site-b\"", "name = \"site-b\"\ndpd_delay = \"30s\""},
      {"name = \"site-b\"", "name = \"site-b\"\nstart_action = \"start\""},
      {"name = \"site-b\"", "name = \"site-b\"\nproposals = [\"aes256gcm16-prfsha384-ecp384\"]"},
      {"name = \"site-b\"", "name = \"site-b\"\nwindow_size = 1"},
      {"name = \"site-b\"", "name = \"site-b\"\nfragmentation = \"accept\""},
      {"  name = \"net\"\n  local_ts", "  name = \"net\"\n  mode = \"transport\"\n  local_ts"},
      {"  name = \"net\"\n  local_ts", "  name = \"net\"\n  life_packets = 50\n  local_ts"},
      {"  name = \"net\"\n  local_ts", "  name = \"net\"\n  rekey_bytes = 1000\n  local_ts"},
      {"  name = \"net\"\n  local_ts", "  name = \"net\"\n  rekey_time = \"30m\"\n  local_ts"},
      {"  name = \"net\"\n  local_ts", "  name = \"net\"\n  life_time = \"2h\"\n  local_ts"},
      {"  name = \"net\"\n  local_ts", "  name = \"net\"\n  rand_time = \"1m\"\n  local_ts"},
      {"name = \"site-b\"", "name = \"site-b\"\nrekey_time = \"2h\""},
      {"name = \"site-b\"", "name = \"site-b\"\nreauth_time = \"1d\""},
      {"name = \"site-b\"", "name = \"site-b\"\nrand_time = \"5m\""},
      {"name = \"site-b\"", "name = \"site-b\"\nover_time = \"1h\""},
  };
  for (const auto& [from, to] : kEdits) {
    std::vector<std::string> changed = fingerprints(replaced(kTwoSites, from, to));
    ASSERT_EQ(changed.size(), 2u) << to;
    EXPECT_NE(changed[0], base) << to;
  }
  // Daemon-wide settings copied into every connection count too.
  std::vector<std::string> ports = fingerprints("[daemon]\nike_port = 1500\n\n" + std::string(kTwoSites));
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_NE(ports[0], base);
}

}  // namespace
}  // namespace tern::config

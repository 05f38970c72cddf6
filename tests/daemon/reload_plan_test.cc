// What a reload changes: connections compared by name and fingerprint; an
// unchanged one keeps the very ConnectionConfig object its IKE SAs run on.
#include "daemon/reload_plan.h"

#include <gtest/gtest.h>

namespace tern::daemon {
namespace {

const char* kFile = R"(
[daemon]
listen = ["192.0.2.1"]

[[connection]]
name = "a"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
dpd_delay = "DPD_A"
  [connection.local]
  auth = "psk"
  id = "a.example.org"
  [connection.remote]
  auth = "psk"
  id = "b.example.org"
  [[connection.child]]
  name = "net"

[[connection]]
name = "b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.3"]
  [connection.local]
  auth = "psk"
  id = "a.example.org"
  [connection.remote]
  auth = "psk"
  id = "c.example.org"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["a.example.org", "%any"]
secret = "SECRET"
)";

config::Config load(std::string dpd_a = "30s", std::string secret = "a long shared secret",
                    std::string listen = "192.0.2.1") {
  std::string text = kFile;
  text.replace(text.find("DPD_A"), 5, dpd_a);
  text.replace(text.find("SECRET"), 6, secret);
  text.replace(text.find("192.0.2.1"), 9, listen);
  config::LoadResult c = config::load_string(text, "tern.toml");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().front().to_string());
  return c ? std::move(*c) : config::Config{};
}

TEST(ReloadPlan, TheSameFileChangesNothingAndKeepsEveryConnectionObject) {
  const config::Config running = load();
  ReloadPlan plan = plan_reload(running, load());
  EXPECT_EQ(plan.unchanged, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(plan.added.empty() && plan.changed.empty() && plan.removed.empty());
  EXPECT_EQ(plan.next.connections[0].engine, running.connections[0].engine);
  EXPECT_EQ(plan.next.connections[1].engine, running.connections[1].engine);
  EXPECT_TRUE(plan.needs_restart.empty());
}

TEST(ReloadPlan, AChangedSettingMakesANewObjectForThatConnectionOnly) {
  const config::Config running = load();
  ReloadPlan plan = plan_reload(running, load("60s"));
  EXPECT_EQ(plan.changed, std::vector<std::string>{"a"});
  EXPECT_EQ(plan.unchanged, std::vector<std::string>{"b"});
  EXPECT_NE(plan.next.connections[0].engine, running.connections[0].engine);
  EXPECT_EQ(plan.next.connections[1].engine, running.connections[1].engine);
}

TEST(ReloadPlan, ANewPskChangesEveryConnectionThatUsesIt) {
  ReloadPlan plan = plan_reload(load(), load("30s", "another long shared secret"));
  EXPECT_EQ(plan.changed, (std::vector<std::string>{"a", "b"}));
}

TEST(ReloadPlan, AddedAndRemovedConnectionsAreNamed) {
  config::Config running = load();
  config::Config next = load();
  next.connections.erase(next.connections.begin() + 1);
  ReloadPlan plan = plan_reload(running, std::move(next));
  EXPECT_EQ(plan.removed, std::vector<std::string>{"b"});
  running.connections.erase(running.connections.begin());
  plan = plan_reload(running, load());
  EXPECT_EQ(plan.added, std::vector<std::string>{"a"});
}

TEST(ReloadPlan, WorkersNeedARestart) {
  // The IKE SAs live in their workers' Endpoints, sharded by SPI: the count stays until ternd restarts.
  config::Config next = load();
  next.daemon.workers = 3;
  ReloadPlan plan = plan_reload(load(), std::move(next));
  EXPECT_EQ(plan.needs_restart, std::vector<std::string>{"workers"});
}

TEST(ReloadPlan, TheDataPlaneModeNeedsARestart) {
  // The TUN device is made, or not, when ternd starts.
  config::Config next = load();
  next.daemon.data_plane = config::DataPlaneMode::none;
  ReloadPlan plan = plan_reload(load(), std::move(next));
  EXPECT_EQ(plan.needs_restart, std::vector<std::string>{"data_plane"});
}

TEST(ReloadPlan, SocketSettingsNeedARestart) {
  config::Config next = load();
  next.daemon.ike_port = 1500;
  ReloadPlan plan = plan_reload(load(), std::move(next));
  EXPECT_EQ(plan.needs_restart, std::vector<std::string>{"ike_port"});
}

}  // namespace
}  // namespace tern::daemon

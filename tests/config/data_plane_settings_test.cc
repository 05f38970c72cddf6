// [daemon] settings of the ESP data plane: data_plane, tun_device, tun_mtu,
// replay_window.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tern::config::testing {
namespace {

TEST(DataPlaneSettings, DefaultsAreTern0With1400AndA128PacketWindow) {
  LoadResult c = load("");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->daemon.tun_device, "tern0");
  EXPECT_EQ(c->daemon.tun_mtu, 1400u);
  EXPECT_EQ(c->daemon.replay_window, 128u);
}

TEST(DataPlaneSettings, AnOperatorCanNameTheDeviceAndSizeTheWindow) {
  LoadResult c = load(R"([daemon]
tun_device = "vpn7"
tun_mtu = 1380
replay_window = 4096
)");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_EQ(c->daemon.tun_device, "vpn7");
  EXPECT_EQ(c->daemon.tun_mtu, 1380u);
  EXPECT_EQ(c->daemon.replay_window, 4096u);
}

TEST(DataPlaneSettings, AWindowThatIsNotAMultipleOf64IsRefused) {
  Problem p = only_problem(R"([daemon]
replay_window = 1000
)");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.replay_window");
  EXPECT_TRUE(contains(p.message, "multiple of 64"));
}

TEST(DataPlaneSettings, ADeviceNameWithASlashIsRefused) {
  Problem p = only_problem(R"([daemon]
tun_device = "../tern0"
)");
  EXPECT_EQ(p.key, "daemon.tun_device");
  EXPECT_TRUE(contains(p.message, "not a network device name"));
}

TEST(DataPlaneSettings, AnMtuOutsideItsRangeIsRefused) {
  Problem p = only_problem(R"([daemon]
tun_mtu = 100
)");
  EXPECT_EQ(p.key, "daemon.tun_mtu");
}

TEST(DataPlaneSettings, TheTunDataPlaneIsTheDefaultAndNoneIsAccepted) {
  LoadResult c = load("");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->daemon.data_plane, DataPlaneMode::tun);
  LoadResult none = load("[daemon]\ndata_plane = \"none\"\n");
  ASSERT_TRUE(none.has_value()) << texts(none.error()).front();
  EXPECT_EQ(none->daemon.data_plane, DataPlaneMode::none);
  LoadResult tun = load("[daemon]\ndata_plane = \"tun\"\n");
  ASSERT_TRUE(tun.has_value());
  EXPECT_EQ(tun->daemon.data_plane, DataPlaneMode::tun);
}

TEST(DataPlaneSettings, AnUnknownDataPlaneIsRefusedWithTheTwoThereAre) {
  Problem p = only_problem(R"([daemon]
data_plane = "kernel"
)");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.data_plane");
  EXPECT_TRUE(contains(p.message, "\"tun\""));
  EXPECT_TRUE(contains(p.message, "\"none\""));
  EXPECT_TRUE(contains(p.message, "'kernel'"));
}

// A trap waits for traffic that only a data plane would see.
std::string without_data_plane(std::string_view connection_lines) {
  return "[daemon]\ndata_plane = \"none\"\n\n" +
         site_b("name = \"site-b\"\n" + std::string(connection_lines));
}

TEST(DataPlaneSettings, WithoutADataPlaneATrapIsRefusedWhereItIsAsked) {
  LoadResult starts = load(without_data_plane("start_action = \"start\"\n"));
  ASSERT_TRUE(starts.has_value()) << texts(starts.error()).front();

  Problem trap = only_problem(without_data_plane("start_action = \"trap\"\n"));
  EXPECT_EQ(trap.line, 6u);
  EXPECT_EQ(trap.key, "connection[0].start_action");
  EXPECT_TRUE(contains(trap.message, "data_plane = \"none\""));

  Problem dpd = only_problem(without_data_plane("dpd_delay = \"30s\"\ndpd_action = \"trap\"\n"));
  EXPECT_EQ(dpd.line, 7u);
  EXPECT_EQ(dpd.key, "connection[0].dpd_action");
  EXPECT_TRUE(contains(dpd.message, "data_plane = \"none\""));
}

}  // namespace
}  // namespace tern::config::testing

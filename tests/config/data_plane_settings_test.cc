// [daemon] settings of the ESP data plane: tun_device, tun_mtu, replay_window.
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

}  // namespace
}  // namespace tern::config::testing

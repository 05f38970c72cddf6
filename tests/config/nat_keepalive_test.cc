// [daemon] keep_alive: the NAT keepalive interval (ike::EndpointConfig::nat_keepalive).
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tern::config::testing {
namespace {

TEST(NatKeepalive, DefaultIsTwentySecondsLikeStrongSwan) {
  LoadResult c = load("");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->daemon.keep_alive, seconds(20));
  EXPECT_EQ(c->endpoint_config().nat_keepalive, seconds(20));
}

TEST(NatKeepalive, AnOperatorCanChangeItOrTurnItOff) {
  LoadResult c = load(R"([daemon]
keep_alive = "45s"
)");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_EQ(c->endpoint_config().nat_keepalive, seconds(45));
  LoadResult off = load(R"([daemon]
keep_alive = "0s"
)");
  ASSERT_TRUE(off.has_value()) << texts(off.error()).front();
  EXPECT_EQ(off->endpoint_config().nat_keepalive, Duration::zero());
}

TEST(NatKeepalive, ANonsenseDurationIsRefusedWithItsLine) {
  Problem p = only_problem(R"([daemon]
keep_alive = "often"
)");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.keep_alive");
}

}  // namespace
}  // namespace tern::config::testing

// [daemon] cookie_threshold and cookie_threshold_ip (RFC 7296 §2.6): read,
// bounded, and handed to the engine.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tern::config::testing {
namespace {

TEST(CookieSettings, DefaultsAreStrongSwans) {
  LoadResult c = load("[daemon]\n");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_EQ(c->endpoint_config().cookie_threshold, 30u);
  EXPECT_EQ(c->endpoint_config().cookie_threshold_ip, 3u);
}

TEST(CookieSettings, ReadAndHandedToTheEngine) {
  LoadResult c = load("[daemon]\ncookie_threshold = 5000\ncookie_threshold_ip = 0\n");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_EQ(c->endpoint_config().cookie_threshold, 5000u);
  EXPECT_EQ(c->endpoint_config().cookie_threshold_ip, 0u);  // cookies always
}

TEST(CookieSettings, NegativeIsRefused) {
  Problem p = only_problem("[daemon]\ncookie_threshold_ip = -1\n");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.cookie_threshold_ip");
}

}  // namespace
}  // namespace tern::config::testing

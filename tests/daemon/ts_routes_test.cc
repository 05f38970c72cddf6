// Traffic selector ranges as routes: the fewest prefixes that cover a range.
#include "daemon/ts_routes.h"

#include <gtest/gtest.h>

namespace tern::daemon {
namespace {

std::vector<std::string> texts(const wire::TrafficSelector& ts) {
  std::vector<std::string> out;
  for (const io::netlink::Prefix& p : prefixes_of(ts)) out.push_back(p.to_string());
  return out;
}

TEST(TsRoutes, ASubnetIsOnePrefix) {
  EXPECT_EQ(texts(wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})),
            std::vector<std::string>{"10.1.0.0/24"});
  EXPECT_EQ(texts(wire::TrafficSelector::ipv4_range({203, 0, 113, 1}, {203, 0, 113, 1})),
            std::vector<std::string>{"203.0.113.1/32"});
}

TEST(TsRoutes, EverythingIsTheDefaultRoute) {
  EXPECT_EQ(texts(wire::TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255})),
            std::vector<std::string>{"0.0.0.0/0"});
  std::array<uint8_t, 16> zero{};
  std::array<uint8_t, 16> ones;
  ones.fill(0xff);
  EXPECT_EQ(texts(wire::TrafficSelector::ipv6_range(zero, ones)), std::vector<std::string>{"::/0"});
}

TEST(TsRoutes, AnUnalignedRangeNeedsSeveralPrefixes) {
  EXPECT_EQ(texts(wire::TrafficSelector::ipv4_range({10, 0, 0, 1}, {10, 0, 0, 6})),
            (std::vector<std::string>{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}));
}

TEST(TsRoutes, AReversedRangeHasNoPrefix) {
  EXPECT_TRUE(texts(wire::TrafficSelector::ipv4_range({10, 0, 0, 9}, {10, 0, 0, 1})).empty());
}

TEST(TsRoutes, OurAddressInsideTheLocalSelectorsIsTheRouteSource) {
  const std::vector<wire::TrafficSelector> local = {
      wire::TrafficSelector::ipv4_range({192, 0, 2, 0}, {192, 0, 2, 255})};
  const std::vector<ike::Address> ours = {ike::Address::ipv4({198, 51, 100, 1}, 0),
                                          ike::Address::ipv4({192, 0, 2, 1}, 0)};
  EXPECT_EQ(address_inside(local, ours), ike::Address::ipv4({192, 0, 2, 1}, 0));
  EXPECT_EQ(address_inside(local, {ike::Address::ipv4({198, 51, 100, 1}, 0)}), std::nullopt);
}

}  // namespace
}  // namespace tern::daemon

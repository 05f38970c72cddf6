// Which child of a connection answers a peer's CHILD_SA request (responder,
// RFC 7296 §2.9): the one that holds all the peer asked for, the most
// specific of those, then the first in the configuration.
//
//   HDR, SK {..., SA, Ni, TSi(10.2.0.0/24), TSr(10.1.0.0/24)}  -->
//        <--  HDR, SK {..., SA, Nr, TSi, TSr}   (the chosen child's narrowing)
#include "ike/child_select.h"

#include <gtest/gtest.h>

#include "exchange_harness.h"

namespace tern::ike {
namespace {

using testing::subnet24;
using wire::TrafficSelector;

TrafficSelector any4() {
  return TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255});
}
TrafficSelector host(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t protocol = 0, uint16_t port = 0) {
  return TrafficSelector::ipv4_range({a, b, c, d}, {a, b, c, d}, protocol, port, protocol ? port : 65535);
}

ChildConfig child(std::string name, std::vector<TrafficSelector> local, std::vector<TrafficSelector> remote) {
  ChildConfig c;
  c.name = std::move(name);
  c.local_ts = std::move(local);
  c.remote_ts = std::move(remote);
  return c;
}

std::string chosen(const ConnectionConfig& connection, std::vector<TrafficSelector> tsi,
                   std::vector<TrafficSelector> tsr) {
  auto match = select_child_config(connection, tsi, tsr);
  return match ? match->config->name : "(none)";
}

TEST(ChildSelect, TheMostSpecificChildHoldingTheRequestWinsOverAnEarlierCatchAll) {
  ConnectionConfig c;
  c.children = {child("all", {any4()}, {any4()}), child("net", {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)})};
  EXPECT_EQ(chosen(c, {subnet24(10, 2, 0)}, {subnet24(10, 1, 0)}), "net");
  // A host inside net: both hold it; net is narrower.
  EXPECT_EQ(chosen(c, {host(10, 2, 0, 7)}, {host(10, 1, 0, 9)}), "net");
  // Outside net: only the catch-all.
  EXPECT_EQ(chosen(c, {subnet24(10, 9, 0)}, {subnet24(10, 1, 0)}), "all");
}

TEST(ChildSelect, HoldingAllThePeerAskedForBeatsNarrowingItDown) {
  ConnectionConfig c;
  // "small" overlaps the request only in part (it would narrow 10.2.0.0/24 to a host);
  // "wide" holds all of it, though it is wider.
  c.children = {
      child("small", {subnet24(10, 1, 0)}, {host(10, 2, 0, 7)}),
      child("wide", {subnet24(10, 1, 0)}, {TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 255, 255})})};
  auto match = select_child_config(c, std::vector{subnet24(10, 2, 0)}, std::vector{subnet24(10, 1, 0)});
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->config->name, "wide");
  ASSERT_EQ(match->tsi.size(), 1u);
  EXPECT_EQ(match->tsi[0], subnet24(10, 2, 0));  // nothing narrowed away
  // The packet that triggered the request first (§2.9), then the range:
  // only "wide" holds both.
  EXPECT_EQ(
      chosen(c, {host(10, 2, 0, 7, 6, 443), subnet24(10, 2, 0)}, {host(10, 1, 0, 1), subnet24(10, 1, 0)}),
      "wide");
}

TEST(ChildSelect, APortSpecificChildIsMoreSpecific) {
  ConnectionConfig c;
  c.children = {child("net", {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)}),
                child("https", {TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}, 6, 443, 443)},
                      {subnet24(10, 2, 0)})};
  EXPECT_EQ(chosen(c, {subnet24(10, 2, 0)},
                   {TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}, 6, 443, 443)}),
            "https");
  EXPECT_EQ(chosen(c, {subnet24(10, 2, 0)}, {subnet24(10, 1, 0)}), "net");
}

TEST(ChildSelect, AmongEqualsTheFirstInTheConfigurationWins) {
  ConnectionConfig c;
  c.children = {child("one", {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)}),
                child("two", {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)})};
  EXPECT_EQ(chosen(c, {subnet24(10, 2, 0)}, {subnet24(10, 1, 0)}), "one");
}

TEST(ChildSelect, NoOverlapIsNoChild) {
  ConnectionConfig c;
  c.children = {child("net", {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)})};
  EXPECT_EQ(chosen(c, {subnet24(10, 3, 0)}, {subnet24(10, 1, 0)}), "(none)");
  EXPECT_EQ(chosen(c, {subnet24(10, 2, 0)}, {subnet24(10, 4, 0)}), "(none)");
}

}  // namespace
}  // namespace tern::ike

// IKE fragmentation settings (RFC 7383): the per-connection `fragmentation`
// key (true/false or swanctl.conf's yes/accept/no) and [daemon] fragment_size.
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.h"

namespace tern::config::testing {
namespace {

// A valid connection whose first lines the test writes.
std::string site_b(std::string_view first_lines) {
  return "[[connection]]\n" + std::string(first_lines) + R"(local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  id = "a@example.org"
  [connection.remote]
  auth = "psk"
  id = "b@example.org"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["a@example.org", "b@example.org"]
secret = "correct horse battery staple"
)";
}

ike::Fragmentation fragmentation_of(std::string_view line) {
  LoadResult c = load(site_b("name = \"site-b\"\n" + std::string(line) + "\n"));
  EXPECT_TRUE(c.has_value()) << texts(c.error()).front();
  if (!c.has_value()) return ike::Fragmentation::no;
  return c->connections.front().engine->fragmentation;
}

TEST(FragmentationSettings, DefaultsAreOnWith1280OctetDatagrams) {
  LoadResult c = load(site_b("name = \"site-b\"\n"));
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_EQ(c->connections.front().engine->fragmentation, ike::Fragmentation::yes);
  EXPECT_EQ(c->daemon.fragment_size, 1280u);
  EXPECT_EQ(c->endpoint_config().fragment_size, 1280u);
}

TEST(FragmentationSettings, BooleansAndSwanctlKeywordsAreAccepted) {
  EXPECT_EQ(fragmentation_of("fragmentation = true"), ike::Fragmentation::yes);
  EXPECT_EQ(fragmentation_of("fragmentation = false"), ike::Fragmentation::no);
  EXPECT_EQ(fragmentation_of("fragmentation = \"yes\""), ike::Fragmentation::yes);
  EXPECT_EQ(fragmentation_of("fragmentation = \"accept\""), ike::Fragmentation::accept);
  EXPECT_EQ(fragmentation_of("fragmentation = \"no\""), ike::Fragmentation::no);
}

TEST(FragmentationSettings, ForceIsRefusedWithTheReason) {
  Problem p = only_problem(site_b("name = \"site-b\"\nfragmentation = \"force\"\n"));
  EXPECT_EQ(p.key, "connection[0].fragmentation");
  EXPECT_TRUE(contains(p.message, "IKEv1-only")) << p.message;
  EXPECT_TRUE(contains(p.message, "IKE_SA_INIT is never fragmented")) << p.message;
}

TEST(FragmentationSettings, AnUnknownKeywordListsTheAllowedOnes) {
  Problem p = only_problem(site_b("name = \"site-b\"\nfragmentation = \"maybe\"\n"));
  EXPECT_TRUE(contains(p.message, "allowed: yes, accept, no, force")) << p.message;
}

TEST(FragmentationSettings, TheDaemonsFragmentSizeIsReadAndBounded) {
  LoadResult c = load("[daemon]\nfragment_size = 576\n");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_EQ(c->daemon.fragment_size, 576u);
  EXPECT_EQ(c->endpoint_config().fragment_size, 576u);
  Problem p = only_problem("[daemon]\nfragment_size = 100\n");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.fragment_size");
}

}  // namespace
}  // namespace tern::config::testing

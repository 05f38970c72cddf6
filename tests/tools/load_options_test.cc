// tern-load's command line: what it accepts, what it refuses (naming the
// option), and the ternd-style connection it writes, checked by loading it
// with config/ exactly as tern-load does.
#include "tools/load_options.h"

#include <gtest/gtest.h>

#include <vector>

#include "config/config.h"

namespace tern::tools {
namespace {

Result<LoadOptions> parse(std::vector<std::string_view> args) {
  return parse_load_options(args);
}

TEST(LoadOptions, Defaults) {
  Result<LoadOptions> o = parse({"--target", "198.51.100.2", "--local", "198.51.100.1"});
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->target.to_string(), "198.51.100.2:500");
  ASSERT_EQ(o->locals.size(), 1u);
  EXPECT_EQ(o->locals[0].to_string(), "198.51.100.1:500");
  EXPECT_EQ(o->suite, "aes128gcm16-prfsha256-x25519");
  EXPECT_EQ(o->count, 1000u);
  EXPECT_EQ(o->concurrency, 100u);
  EXPECT_EQ(o->duration, seconds(60));
  EXPECT_EQ(o->timeout, seconds(10));
  EXPECT_FALSE(o->delete_after);
  EXPECT_FALSE(o->json);
}

TEST(LoadOptions, EverySetting) {
  Result<LoadOptions> o = parse({"--target",
                                 "[2001:db8::2]:1500",
                                 "--local",
                                 "2001:db8::1,2001:db8::3:0",
                                 "--count",
                                 "200",
                                 "--concurrency",
                                 "16",
                                 "--rate",
                                 "250.5",
                                 "--duration",
                                 "30s",
                                 "--timeout",
                                 "5s",
                                 "--delete",
                                 "--json",
                                 "--suite",
                                 "aes256gcm16-prfsha384-ecp256",
                                 "--esp",
                                 "aes256gcm16",
                                 "--psk",
                                 "s3cret-key",
                                 "--local-id",
                                 "load@example.org",
                                 "--remote-id",
                                 "vpn.example.org",
                                 "--retransmit-tries",
                                 "0",
                                 "--target-natt-port",
                                 "14500",
                                 "--local-natt-port",
                                 "0"});
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->target.to_string(), "[2001:db8::2]:1500");
  ASSERT_EQ(o->locals.size(), 2u);
  EXPECT_EQ(o->locals[1].to_string(), "[2001:db8::3:0]:500");
  EXPECT_EQ(o->count, 200u);
  EXPECT_EQ(o->concurrency, 16u);
  EXPECT_DOUBLE_EQ(o->rate, 250.5);
  EXPECT_EQ(o->duration, seconds(30));
  EXPECT_EQ(o->timeout, seconds(5));
  EXPECT_TRUE(o->delete_after);
  EXPECT_TRUE(o->json);
  EXPECT_EQ(o->retransmit_tries, 0u);
  EXPECT_EQ(o->target_natt_port, 14500);
  EXPECT_EQ(o->local_natt_port, 0);
}

TEST(LoadOptions, MistakesNameTheOption) {
  struct Case {
    std::vector<std::string_view> args;
    std::string_view says;
  };
  const std::vector<Case> cases = {
      {{"--local", "198.51.100.1"}, "--target is required"},
      {{"--target", "198.51.100.2"}, "--local is required"},
      {{"--target", "198.51.100.300", "--local", "198.51.100.1"}, "--target '198.51.100.300'"},
      {{"--target", "198.51.100.2", "--local", "2001:db8::1"}, "not the same address family"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--count", "0"},
       "--count '0': expected an integer"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--count", "12x"}, "--count '12x'"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--duration", "forever"},
       "--duration 'forever'"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--timeout", "0s"}, "--timeout '0s'"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--rate", "-1"}, "--rate '-1'"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--auth", "eap"},
       "--auth 'eap': expected psk or pubkey"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--auth", "pubkey"},
       "needs --cert, --key and --cacert"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--cert", "a.pem"}, "go with --auth pubkey"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--bogus", "1"}, "unknown option '--bogus'"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "--count"}, "--count: missing its value"},
      {{"--target", "198.51.100.2", "--local", "198.51.100.1", "stray"}, "unexpected argument 'stray'"},
  };
  for (const Case& c : cases) {
    Result<LoadOptions> o = parse(c.args);
    ASSERT_FALSE(o) << c.says;
    EXPECT_NE(o.error().detail.find(c.says), std::string::npos) << o.error().detail;
  }
}

TEST(LoadOptions, HelpIsNotAnError) {
  Result<LoadOptions> o = parse({"--help"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->help);
  EXPECT_NE(load_usage().find("--concurrency"), std::string::npos);
}

// The written connection loads with config/ as ternd's own would: one per
// local address, the suite, PSK for any identity, host-to-host selectors,
// and no lifetimes or DPD (nothing but the setup happens).
TEST(LoadOptions, ConnectionLoadsWithConfig) {
  Result<LoadOptions> o = parse({"--target", "198.51.100.2", "--local", "198.51.100.1,198.51.100.3",
                                 "--suite", "aes256-sha256-modp2048", "--psk", "a-long-enough-psk"});
  ASSERT_TRUE(o);
  config::LoadResult loaded = config::load_string(connection_toml(*o), "test");
  ASSERT_TRUE(loaded) << (loaded ? "" : loaded.error().front().to_string());
  ASSERT_EQ(loaded->connections.size(), 2u);
  const ike::ConnectionConfig& c = *loaded->connections[1].engine;
  EXPECT_EQ(c.name, "load1");
  EXPECT_EQ(c.local.to_string(), "198.51.100.3:500");
  EXPECT_EQ(c.remote.to_string(), "198.51.100.2:500");
  ASSERT_EQ(c.proposals.size(), 1u);
  EXPECT_EQ(c.psk, SecretBytes(as_bytes("a-long-enough-psk")));
  EXPECT_EQ(c.dpd_delay, Duration::zero());
  EXPECT_EQ(c.ike_lifetimes.rekey_time, Duration::zero());
  EXPECT_EQ(c.children.front().limits.rekey_time, Duration::zero());
  EXPECT_EQ(c.retransmit.timeout, seconds(1));
  EXPECT_EQ(c.retransmit.tries, 3u);
  ASSERT_EQ(c.children.front().local_ts.size(), 1u);
  EXPECT_TRUE(c.initial_contact);  // tern-load turns it off after loading
}

TEST(LoadOptions, BadSuiteIsRefusedByConfig) {
  Result<LoadOptions> o =
      parse({"--target", "198.51.100.2", "--local", "198.51.100.1", "--suite", "aes129-sha256-x25519"});
  ASSERT_TRUE(o);
  config::LoadResult loaded = config::load_string(connection_toml(*o), "tern-load options");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().front().to_string().find("aes129"), std::string::npos);
}

}  // namespace
}  // namespace tern::tools

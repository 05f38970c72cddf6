// Lifetime keys (config/lifetimes.h): what reaches the engine, the defaults
// when keys are left out, and the mistakes refused with file:line.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::load;
using testing::problems_of;
using testing::texts;

// One connection; `ike` lines go after its name (line 3 on), `child` lines
// after the child's name (line 11 on when `ike` is empty).
std::string conf(std::string_view ike, std::string_view child) {
  return "[[connection]]\nname = \"site-b\"\n" + std::string(ike) + R"(local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "net"
)" + std::string(child) +
         R"(
[[secret]]
type = "psk"
ids = ["%any"]
secret = "correct horse battery staple"
)";
}

struct Loaded {
  ike::IkeLifetimes ike;
  ike::ChildLimits child;
  std::vector<std::string> warnings;
};

Loaded loaded(std::string_view ike, std::string_view child) {
  LoadResult r = load(conf(ike, child));
  EXPECT_TRUE(r.has_value()) << (r ? "" : ::testing::PrintToString(texts(r.error())));
  if (!r) return {};
  return {r->connections[0].engine->ike_lifetimes, r->connections[0].engine->children[0].limits,
          texts(r->warnings)};
}

TEST(LifetimeDefaults, IkeFourHoursNoReauthChildOneHourLifeTenPercentMore) {
  Loaded l = loaded("", "");
  EXPECT_EQ(l.ike.rekey_time, hours(4));
  EXPECT_EQ(l.ike.reauth_time, Duration::zero());  // off
  EXPECT_EQ(l.ike.over_time, minutes(24));         // 10 % of 4h
  EXPECT_EQ(l.ike.rand_time, minutes(12));         // half of over_time
  EXPECT_EQ(l.child.rekey_time, hours(1));
  EXPECT_EQ(l.child.life_time, minutes(66));  // rekey_time + 10 %
  EXPECT_EQ(l.child.rand_time, minutes(3));   // half of life_time - rekey_time
  EXPECT_TRUE(l.warnings.empty()) << ::testing::PrintToString(l.warnings);
}

TEST(LifetimeDefaults, FollowTheGivenRekeyTimes) {
  Loaded l = loaded("rekey_time = \"10h\"\nreauth_time = \"1d\"\n", "  rekey_time = \"20m\"\n");
  EXPECT_EQ(l.ike.rekey_time, hours(10));
  EXPECT_EQ(l.ike.reauth_time, hours(24));
  EXPECT_EQ(l.ike.over_time, minutes(144));  // 10 % of the longer (1d)
  EXPECT_EQ(l.ike.rand_time, minutes(72));
  EXPECT_EQ(l.child.rekey_time, minutes(20));
  EXPECT_EQ(l.child.life_time, minutes(22));
  EXPECT_EQ(l.child.rand_time, minutes(1));
}

TEST(LifetimeDefaults, ZeroTurnsRekeyingAndItsDerivedLimitsOff) {
  Loaded l = loaded("rekey_time = \"0s\"\n", "  rekey_time = \"0s\"\n");
  EXPECT_EQ(l.ike, ike::IkeLifetimes{});
  EXPECT_EQ(l.child.rekey_time, Duration::zero());
  EXPECT_EQ(l.child.life_time, Duration::zero());
  EXPECT_EQ(l.child.rand_time, Duration::zero());
}

TEST(LifetimeSettings, EveryKeyReachesTheEngineWithoutWarning) {
  Loaded l = loaded("rekey_time = \"2h\"\nreauth_time = \"8h\"\nrand_time = \"5m\"\nover_time = \"30m\"\n",
                    "  rekey_time = \"30m\"\n  life_time = \"40m\"\n  rand_time = \"2m\"\n");
  EXPECT_EQ(l.ike, (ike::IkeLifetimes{hours(2), hours(8), minutes(5), minutes(30)}));
  EXPECT_EQ(l.child.rekey_time, minutes(30));
  EXPECT_EQ(l.child.life_time, minutes(40));
  EXPECT_EQ(l.child.rand_time, minutes(2));
  EXPECT_TRUE(l.warnings.empty()) << ::testing::PrintToString(l.warnings);
}

TEST(LifetimeDefaults, AGivenJitterWidensTheDefaultWindowsInsteadOfBeingRefused) {
  // Short test lifetimes (tests/net/rekey_soak_test.sh): 10 % would leave less room than the jitter.
  Loaded l =
      loaded("rekey_time = \"30s\"\nrand_time = \"3s\"\n", "  rekey_time = \"10s\"\n  rand_time = \"2s\"\n");
  EXPECT_EQ(l.ike.over_time, seconds(6));  // twice rand_time, more than 10 % of 30s
  EXPECT_EQ(l.ike.rand_time, seconds(3));
  EXPECT_EQ(l.child.life_time, seconds(14));  // rekey_time + twice rand_time
  EXPECT_EQ(l.child.rand_time, seconds(2));
  EXPECT_TRUE(l.warnings.empty()) << ::testing::PrintToString(l.warnings);
}

TEST(LifetimeSettings, LifeTimeAloneKeepsTheDefaultRekeyTime) {
  Loaded l = loaded("", "  life_time = \"2h\"\n");
  EXPECT_EQ(l.child.rekey_time, hours(1));
  EXPECT_EQ(l.child.life_time, hours(2));
  EXPECT_EQ(l.child.rand_time, minutes(30));  // half of the hour between them
}

TEST(LifetimeSettings, ALifeTimeOfZeroMeansNoHardLimit) {
  Loaded l = loaded("", "  rekey_time = \"1h\"\n  life_time = \"0s\"\n");
  EXPECT_EQ(l.child.life_time, Duration::zero());
  EXPECT_EQ(l.child.rand_time, minutes(3));  // half of 10 % of rekey_time
}

TEST(LifetimeMistakes, LifeTimeNotLongerThanTheDefaultRekeyTime) {
  EXPECT_EQ(texts(problems_of(conf("", "  life_time = \"30m\"\n"))),
            (std::vector<std::string>{"tern.toml:11:15: connection[0].child[0].life_time: life_time (30m) "
                                      "must be longer than rekey_time (1h, the default)"}));
}

TEST(LifetimeMistakes, ChildJitterMustLeaveTheRekeyTimeToComplete) {
  EXPECT_EQ(
      texts(problems_of(conf("", "  rekey_time = \"1h\"\n  life_time = \"70m\"\n  rand_time = \"15m\"\n"))),
      (std::vector<std::string>{
          "tern.toml:13:15: connection[0].child[0].rand_time: rand_time (15m) must be shorter than "
          "life_time - rekey_time (10m; life_time (70m), rekey_time (1h)): that is the time a rekey has to "
          "complete before the CHILD_SA is deleted, and the jitter must leave room for it"}));
}

TEST(LifetimeMistakes, ChildJitterAsLongAsTheRekeyTime) {
  EXPECT_EQ(
      texts(problems_of(conf("", "  rekey_time = \"10m\"\n  life_time = \"1h\"\n  rand_time = \"10m\"\n"))),
      (std::vector<std::string>{
          "tern.toml:13:15: connection[0].child[0].rand_time: rand_time (10m) must be shorter than "
          "rekey_time (10m): the random part is subtracted from it, and a jitter as long would start "
          "a rekey right after the SA was made"}));
}

TEST(LifetimeMistakes, OneProblemWithRandTimeIsReportedOnce) {
  EXPECT_EQ(texts(problems_of(conf("", "  rand_time = \"2h\"\n"))).size(), 1u);
  EXPECT_EQ(texts(problems_of(conf("rand_time = \"5h\"\n", ""))).size(), 1u);
}

TEST(LifetimeMistakes, IkeJitterMustBeShorterThanOverTimeAndTheRekeyTime) {
  EXPECT_EQ(texts(problems_of(conf("over_time = \"20m\"\nrand_time = \"30m\"\n", ""))),
            (std::vector<std::string>{
                "tern.toml:4:13: connection[0].rand_time: rand_time (30m) must be shorter than over_time "
                "(20m): over_time is the time a rekey or reauthentication has to complete before the IKE SA "
                "is deleted, and the jitter must leave room for it"}));
  EXPECT_EQ(texts(problems_of(conf("reauth_time = \"1h\"\nover_time = \"2h\"\nrand_time = \"1h\"\n", ""))),
            (std::vector<std::string>{
                "tern.toml:5:13: connection[0].rand_time: rand_time (1h) must be shorter than reauth_time "
                "(1h): the random part is subtracted from it, and a jitter as long would start a rekey right "
                "after the SA was made"}));
}

TEST(LifetimeMistakes, MalformedDurationsAreReportedOnce) {
  std::vector<std::string> problems =
      texts(problems_of(conf("over_time = \"soon\"\n", "  life_time = 3600\n")));
  ASSERT_EQ(problems.size(), 2u) << ::testing::PrintToString(problems);
  EXPECT_TRUE(testing::contains(problems[0], "tern.toml:3:13: connection[0].over_time"));
  EXPECT_TRUE(testing::contains(problems[1], "tern.toml:12:15: connection[0].child[0].life_time"));
}

}  // namespace
}  // namespace tern::config

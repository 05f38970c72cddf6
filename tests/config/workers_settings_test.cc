// [daemon] workers (docs/ternd.md "Workers"): read, bounded, refused with
// file:line and what is allowed; absent or "auto" means one per online CPU
// (the config keeps "not set", ternd counts the CPUs when it starts).
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tern::config::testing {
namespace {

TEST(WorkersSetting, AbsentMeansOnePerCpu) {
  LoadResult c = load("[daemon]\n");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_FALSE(c->daemon.workers.has_value());
}

TEST(WorkersSetting, Read) {
  LoadResult one = load("[daemon]\nworkers = 1\n");
  ASSERT_TRUE(one.has_value()) << texts(one.error()).front();
  EXPECT_EQ(one->daemon.workers, 1u);
  LoadResult most = load("[daemon]\nworkers = 64\n");
  ASSERT_TRUE(most.has_value()) << texts(most.error()).front();
  EXPECT_EQ(most->daemon.workers, 64u);
}

TEST(WorkersSetting, ZeroIsRefusedWithWhatIsAllowed) {
  Problem p = only_problem("[daemon]\nlisten = [\"192.0.2.1\"]\nworkers = 0\n");
  EXPECT_EQ(p.line, 3u);
  EXPECT_EQ(p.key, "daemon.workers");
  EXPECT_TRUE(contains(p.message, "1..64"));
  EXPECT_TRUE(contains(p.message, "the default"));
  EXPECT_TRUE(contains(p.message, "got 0"));
}

TEST(WorkersSetting, TooManyAndNegativeAreRefused) {
  EXPECT_EQ(only_problem("[daemon]\nworkers = 65\n").key, "daemon.workers");
  EXPECT_EQ(only_problem("[daemon]\nworkers = -2\n").line, 2u);
}

TEST(WorkersSetting, AutoMeansOnePerCpu) {
  LoadResult c = load("[daemon]\nworkers = \"auto\"\n");
  ASSERT_TRUE(c.has_value()) << texts(c.error()).front();
  EXPECT_FALSE(c->daemon.workers.has_value());
}

TEST(WorkersSetting, AnotherWordIsRefusedWithWhatIsAllowed) {
  Problem p = only_problem("[daemon]\n\nworkers = \"all\"\n");
  EXPECT_EQ(p.line, 3u);
  EXPECT_EQ(p.key, "daemon.workers");
  EXPECT_TRUE(contains(p.message, "\"auto\""));
  EXPECT_TRUE(contains(p.message, "1..64"));
  EXPECT_TRUE(contains(p.message, "got \"all\""));
}

TEST(WorkersSetting, NeitherNumberNorWordIsRefused) {
  Problem p = only_problem("[daemon]\nworkers = true\n");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.workers");
  EXPECT_TRUE(contains(p.message, "integer"));
}

}  // namespace
}  // namespace tern::config::testing

// tern-load's report: setups/s over the busy time, the JSON fields
// bench/control_plane.sh reads, and failures by reason in the text.
#include "tools/load_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tern::tools {
namespace {

LoadReport sample() {
  LoadReport r;
  r.target = "198.51.100.2:500";
  r.suite = "aes128gcm16-prfsha256-x25519";
  r.auth = "psk";
  r.concurrency = 50;
  r.started = 200;
  r.succeeded = 198;
  r.fail("peer not responding");
  r.fail("timed out");
  r.retransmits = 3;
  r.busy = milliseconds(500);
  r.wall = milliseconds(700);
  for (int i = 0; i < 198; ++i) r.latency.record(microseconds(900));
  return r;
}

TEST(LoadReport, SetupsPerSecondOverBusyTime) {
  LoadReport r = sample();
  EXPECT_DOUBLE_EQ(r.setups_per_second(), 396.0);  // 198 in 0.5 s
  LoadReport idle;
  EXPECT_EQ(idle.setups_per_second(), 0.0);
}

TEST(LoadReport, Json) {
  nlohmann::json j = nlohmann::json::parse(report_json(sample()));
  EXPECT_EQ(j["target"], "198.51.100.2:500");
  EXPECT_EQ(j["started"], 200);
  EXPECT_EQ(j["succeeded"], 198);
  EXPECT_EQ(j["failed"], 2);
  EXPECT_EQ(j["retransmits"], 3);
  EXPECT_DOUBLE_EQ(j["setups_per_second"].get<double>(), 396.0);
  EXPECT_EQ(j["latency_us"]["p50"], 900);
  EXPECT_EQ(j["latency_us"]["p99"], 900);
  EXPECT_EQ(j["latency_us"]["count"], 198);
  EXPECT_EQ(j["failures"]["peer not responding"], 1);
  EXPECT_EQ(j["failures"]["timed out"], 1);
  EXPECT_EQ(j["busy_us"], 500000);
}

TEST(LoadReport, Text) {
  const std::string text = report_text(sample());
  EXPECT_NE(text.find("200 started, 198 succeeded, 2 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("396.0 setups/s"), std::string::npos) << text;
  EXPECT_NE(text.find("p50 0.900"), std::string::npos) << text;
  EXPECT_NE(text.find("failed: 1 x peer not responding"), std::string::npos) << text;
}

}  // namespace
}  // namespace tern::tools

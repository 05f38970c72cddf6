// `ternctl stats`: every engine counter by its name, and the teardown reasons.
#include "control/stats_json.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tern::control {
namespace {

TEST(StatsJson, CountersOfSeveralWorkersAddUpFieldByField) {
  // ternd with two workers: `ternctl stats` shows the sum of both Endpoints' counters.
  ike::EndpointCounters one, two, sum;
  one.datagrams_received = 10;
  one.cookies_sent = 1;
  two.datagrams_received = 32;
  two.peer_rekeys_refused_pfs = 7;  // the last field
  add_counters(sum, one);
  add_counters(sum, two);
  EXPECT_EQ(sum.datagrams_received, 42u);
  EXPECT_EQ(sum.cookies_sent, 1u);
  EXPECT_EQ(sum.peer_rekeys_refused_pfs, 7u);
  nlohmann::json j = stats_json(sum, {});
  uint64_t total = 0;
  for (const auto& [name, value] : j["counters"].items()) total += value.get<uint64_t>();
  EXPECT_EQ(total, 50u);
}

TEST(StatsJson, EveryCounterIsThereByName) {
  ike::EndpointCounters c;
  c.datagrams_received = 12;
  c.peers_not_responding = 1;
  c.child_sas_removed = 4;
  c.child_hard_limits = 2;
  c.child_rekey_collisions = 3;
  c.child_rekeys_failed_pfs = 5;
  c.child_pfs_mismatches_predicted = 6;
  c.peer_rekeys_refused_pfs = 7;  // the last field
  nlohmann::json j = stats_json(c, {});
  ASSERT_TRUE(j["counters"].is_object());
  EXPECT_EQ(j["counters"].size(), sizeof(ike::EndpointCounters) / sizeof(uint64_t));
  EXPECT_EQ(j["counters"].size(), counter_names().size());
  for (std::string_view name : counter_names()) EXPECT_TRUE(j["counters"].contains(name)) << name;
  EXPECT_EQ(j["counters"]["datagrams_received"], 12);
  EXPECT_EQ(j["counters"]["peers_not_responding"], 1);
  EXPECT_EQ(j["counters"]["child_sas_removed"], 4);
  EXPECT_EQ(j["counters"]["child_hard_limits"], 2);
  EXPECT_EQ(j["counters"]["child_rekey_collisions"], 3);
  EXPECT_EQ(j["counters"]["child_rekeys_failed_pfs"], 5);
  EXPECT_EQ(j["counters"]["child_pfs_mismatches_predicted"], 6);
  EXPECT_EQ(j["counters"]["peer_rekeys_refused_pfs"], 7);
  EXPECT_EQ(j["counters"]["dropped_malformed"], 0);
  EXPECT_EQ(j["teardown_reasons"], nlohmann::json::object());
}

TEST(StatsJson, TeardownReasonsAreCounted) {
  nlohmann::json j = stats_json({}, {{"peer not responding", 2}, {"deleted by peer", 5}});
  EXPECT_EQ(j["teardown_reasons"],
            nlohmann::json::parse(R"({"peer not responding": 2, "deleted by peer": 5})"));
}

TEST(StatsJson, ReadableListAlignsNames) {
  ike::EndpointCounters c;
  c.retransmits_sent = 7;
  std::string text = render_stats(stats_json(c, {{"peer not responding", 2}}));
  EXPECT_NE(text.find("counters:\n"), std::string::npos) << text;
  // The column is as wide as the longest counter name.
  size_t widest = 0;
  const nlohmann::json counters = stats_json(c, {})["counters"];
  for (const auto& item : counters.items()) widest = std::max(widest, item.key().size());
  ASSERT_GE(widest, std::string("dropped_request_in_wrong_state").size());
  const std::string row = "\n  retransmits_sent" + std::string(widest - 16, ' ') + "  7\n";
  EXPECT_NE(text.find(row), std::string::npos) << text;
  EXPECT_NE(text.find("teardown reasons:\n  peer not responding  2\n"), std::string::npos) << text;
  EXPECT_NE(render_stats(stats_json(c, {})).find("teardown reasons:\n  (no IKE SA went down)\n"),
            std::string::npos);
  EXPECT_EQ(render_stats(nlohmann::json("junk")),
            "counters:\n  (none)\nteardown reasons:\n  (no IKE SA went down)\n");
}

TEST(StatsJson, WhatTerndAddsIsShownToo) {
  nlohmann::json j = stats_json({}, {});
  j["daemon"] = {{"send_errors", 1}};
  j["ike_sas"] = 2;
  std::string text = render_stats(j);
  EXPECT_NE(text.find("daemon:\n  send_errors  1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ike_sas: 2\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace tern::control

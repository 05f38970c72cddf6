// The `stats` result: every EndpointCounters field by its name, and how many
// IKE SAs went down for each reason (STYLE.md #10: every teardown has a reason
// and a counter).
//
//   {"counters": {"datagrams_received": 12, "dropped_malformed": 0, ...},
//    "teardown_reasons": {"peer not responding": 1, "deleted by peer": 3}}
//
// stats_json() is called by ternd (which sums the counters of its shards and
// keeps the reasons); render_stats() by `ternctl stats` without --json, on
// JSON from another process (never throws). Nothing here fails.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ike/endpoint_counters.h"

namespace tern::control {

nlohmann::json stats_json(const ike::EndpointCounters& counters,
                          const std::map<std::string, uint64_t>& teardown_reasons);

// `sum` += `more`, counter by counter (ternd: one Endpoint per worker).
void add_counters(ike::EndpointCounters& sum, const ike::EndpointCounters& more);

// The counter names in declaration order (for tests and docs).
std::vector<std::string_view> counter_names();

// "counters:\n  datagrams_received   12\n ...\nteardown reasons:\n  ...", then
// any other member ternd adds: an object as one more section, a value as "name: value".
std::string render_stats(const nlohmann::json& stats);

}  // namespace tern::control

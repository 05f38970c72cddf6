// What a tern-load run measured, and its two printed forms: text for people,
// JSON (--json) for bench/control_plane.sh and tests. Pure; nothing fails.
//
//   setups/s   succeeded / the time from the first setup's start to the last
//              one's end (an IKE SA with its CHILD_SA installed)
//   latency    per setup, first IKE_SA_INIT sent -> CHILD_SA installed
//   failures   by reason: the engine's teardown headline ("peer not
//              responding", "AUTHENTICATION_FAILED ..."), "timed out", or
//              "unfinished at the end of the run"
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/time.h"
#include "tools/latency_histogram.h"

namespace tern::tools {

struct LoadReport {
  std::string target;  // "198.51.100.2:500"
  std::string suite;
  std::string auth;
  uint32_t concurrency = 0;
  uint64_t started = 0;
  uint64_t succeeded = 0;
  uint64_t failed = 0;
  uint64_t deleted = 0;  // --delete: IKE SAs whose Delete was answered
  uint64_t retransmits = 0;
  uint64_t datagrams_sent = 0;
  uint64_t datagrams_received = 0;
  std::map<std::string, uint64_t> failures;  // reason -> count
  Duration busy{0};                          // first start -> last setup's end
  Duration wall{0};                          // the whole run
  LatencyHistogram latency;

  double setups_per_second() const;
  void fail(const std::string& reason, uint64_t n = 1);
};

std::string report_text(const LoadReport& report);
std::string report_json(const LoadReport& report);  // one line

}  // namespace tern::tools

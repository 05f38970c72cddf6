#include "tools/load_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tern::tools {
namespace {

double ms(Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}

}  // namespace

double LoadReport::setups_per_second() const {
  if (busy <= Duration::zero()) return 0;
  return static_cast<double>(succeeded) * 1e6 / static_cast<double>(busy.count());
}

void LoadReport::fail(const std::string& reason, uint64_t n) {
  failed += n;
  failures[reason] += n;
}

std::string report_text(const LoadReport& r) {
  std::string out =
      fmt::format("target {} ({}, auth {}), concurrency {}\n", r.target, r.suite, r.auth, r.concurrency);
  out += fmt::format("setups: {} started, {} succeeded, {} failed", r.started, r.succeeded, r.failed);
  if (r.deleted > 0) out += fmt::format(", {} deleted", r.deleted);
  out += fmt::format("\nrate: {:.1f} setups/s over {:.3f} s (run {:.3f} s)\n", r.setups_per_second(),
                     ms(r.busy) / 1000.0, ms(r.wall) / 1000.0);
  out += fmt::format("latency ms: p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  min {:.3f}  max {:.3f}  mean {:.3f}\n",
                     ms(r.latency.percentile(50)), ms(r.latency.percentile(90)), ms(r.latency.percentile(99)),
                     ms(r.latency.min()), ms(r.latency.max()), ms(r.latency.mean()));
  out += fmt::format("retransmits: {}; datagrams: {} sent, {} received\n", r.retransmits, r.datagrams_sent,
                     r.datagrams_received);
  for (const auto& [reason, n] : r.failures) out += fmt::format("failed: {} x {}\n", n, reason);
  return out;
}

std::string report_json(const LoadReport& r) {
  nlohmann::json failures = nlohmann::json::object();
  for (const auto& [reason, n] : r.failures) failures[reason] = n;
  auto us = [](Duration d) { return d.count(); };
  nlohmann::json j{
      {"target", r.target},
      {"suite", r.suite},
      {"auth", r.auth},
      {"concurrency", r.concurrency},
      {"started", r.started},
      {"succeeded", r.succeeded},
      {"failed", r.failed},
      {"deleted", r.deleted},
      {"setups_per_second", r.setups_per_second()},
      {"busy_us", us(r.busy)},
      {"wall_us", us(r.wall)},
      {"latency_us",
       {{"p50", us(r.latency.percentile(50))},
        {"p90", us(r.latency.percentile(90))},
        {"p99", us(r.latency.percentile(99))},
        {"min", us(r.latency.min())},
        {"max", us(r.latency.max())},
        {"mean", us(r.latency.mean())},
        {"count", r.latency.count()}}},
      {"retransmits", r.retransmits},
      {"datagrams_sent", r.datagrams_sent},
      {"datagrams_received", r.datagrams_received},
      {"failures", failures},
  };
  return j.dump();
}

}  // namespace tern::tools

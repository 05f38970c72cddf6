#include "base/log.h"

#include <atomic>

namespace tern {
namespace {
LogSink g_sink;
// Read by every thread that logs (ternd's workers); changed on reload.
std::atomic<LogLevel> g_min_level = LogLevel::info;
}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::notice: return "notice";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "?";
}

void set_log_sink(LogSink sink, LogLevel min_level) {
  g_sink = std::move(sink);
  g_min_level = min_level;
}

void set_log_level(LogLevel min_level) {
  g_min_level = min_level;
}

bool log_enabled(LogLevel level) {
  return g_sink && level >= g_min_level.load(std::memory_order_relaxed);
}

void log_message(LogLevel level, std::string_view component, std::string_view message) {
  if (g_sink) g_sink(level, component, message);
}

}  // namespace tern

#include "daemon/log_sink.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace tern::daemon {

LogStyle detect_log_style() {
  return std::getenv("JOURNAL_STREAM") != nullptr ? LogStyle::journald : LogStyle::terminal;
}

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::error: return 3;
    case LogLevel::warning: return 4;
    case LogLevel::notice: return 5;
    case LogLevel::info: return 6;
    case LogLevel::debug: return 7;
  }
  return 6;
}

std::string format_log_line(LogStyle style, LogLevel level, std::string_view component,
                            std::string_view message, const std::function<std::string()>& wall_now) {
  std::string text(message);
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';  // one message, one line
  }
  if (style == LogStyle::journald) return fmt::format("<{}>{}: {}", syslog_priority(level), component, text);
  return fmt::format("{} {:<7} {}: {}", wall_now(), to_string(level), component, text);
}

void install_stderr_log(LogStyle style, LogLevel min_level, std::function<std::string()> wall_now) {
  set_log_sink(
      [style, wall_now = std::move(wall_now)](LogLevel level, std::string_view component,
                                              std::string_view message) {
        const std::string line = format_log_line(style, level, component, message, wall_now) + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
      },
      min_level);
}

}  // namespace tern::daemon

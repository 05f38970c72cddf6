// The logging facade. Layers below daemon/ never write to a stream: they call
// TERN_LOG(level, "component", fmt, args...) and the program installs a sink
// (ternd: journald-friendly stderr lines; tests: a capturing sink).
// Key material cannot reach a log: SecretBytes formats as "<secret: N bytes>".
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string_view>

namespace tern {

enum class LogLevel : uint8_t { debug, info, notice, warning, error };
std::string_view to_string(LogLevel level);

using LogSink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;

// Installs the process-wide sink (nullptr: discard). Not thread-safe against
// concurrent logging; call at start-up. Logging itself, and set_log_level,
// may happen on several threads; the sink must then be thread-safe (ternd's
// writes whole lines with one fwrite).
void set_log_sink(LogSink sink, LogLevel min_level = LogLevel::info);
// Changes the minimum level of the installed sink (ternd: daemon.log_level on reload).
void set_log_level(LogLevel min_level);
bool log_enabled(LogLevel level);
void log_message(LogLevel level, std::string_view component, std::string_view message);

#define TERN_LOG(level, component, ...)                                                                \
  do {                                                                                                 \
    if (::tern::log_enabled(level)) ::tern::log_message(level, component, ::fmt::format(__VA_ARGS__)); \
  } while (0)

}  // namespace tern

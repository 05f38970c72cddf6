// ternd's log output: one line per message on stderr, in a form journald
// understands and a terminal reader can scan.
//
//   under systemd (JOURNAL_STREAM set):  "<5>ike: IKE SA established ..."  (the
//       sd-daemon priority prefix; journald files it at that level)
//   otherwise:  "2026-11-25T17:03:04Z notice  ike: IKE SA established ..."
//
// Installed once by ternd_main through base/log.h's set_log_sink.
#pragma once

#include <functional>
#include <string>

#include "base/log.h"

namespace tern::daemon {

enum class LogStyle : uint8_t { journald, terminal };

// The style for this process: journald when stderr is the journal's stream.
LogStyle detect_log_style();
// The sd-daemon priority (syslog level) of a tern level: error 3 ... debug 7.
int syslog_priority(LogLevel level);
// One formatted line (without the newline); `wall_now` supplies the time for the terminal style.
std::string format_log_line(LogStyle style, LogLevel level, std::string_view component,
                            std::string_view message, const std::function<std::string()>& wall_now);
void install_stderr_log(LogStyle style, LogLevel min_level, std::function<std::string()> wall_now);

}  // namespace tern::daemon

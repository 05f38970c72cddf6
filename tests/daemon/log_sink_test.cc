// ternd's log lines: journald's priority prefix under systemd, a timestamped
// level column on a terminal, and always one line per message.
#include "daemon/log_sink.h"

#include <gtest/gtest.h>

namespace tern::daemon {
namespace {

std::string fixed_time() {
  return "2026-11-25T17:03:04Z";
}

TEST(LogSink, JournaldLinesCarryTheSyslogPriority) {
  EXPECT_EQ(format_log_line(LogStyle::journald, LogLevel::notice, "ike", "IKE SA established", fixed_time),
            "<5>ike: IKE SA established");
  EXPECT_EQ(format_log_line(LogStyle::journald, LogLevel::error, "ternd", "x", fixed_time), "<3>ternd: x");
  EXPECT_EQ(syslog_priority(LogLevel::warning), 4);
  EXPECT_EQ(syslog_priority(LogLevel::debug), 7);
}

TEST(LogSink, TerminalLinesStartWithTheTimeAndLevel) {
  EXPECT_EQ(format_log_line(LogStyle::terminal, LogLevel::warning, "config", "rekey_time is not acted on",
                            fixed_time),
            "2026-11-25T17:03:04Z warning config: rekey_time is not acted on");
}

TEST(LogSink, AMessageWithNewlinesStaysOneLine) {
  EXPECT_EQ(format_log_line(LogStyle::journald, LogLevel::info, "ike", "peer said\nhello\r", fixed_time),
            "<6>ike: peer said hello ");
}

}  // namespace
}  // namespace tern::daemon

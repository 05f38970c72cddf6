// The control socket's line framing (docs/control.md): one JSON object per
// '\n', split and partial lines reassembled, a line over the limit refused
// without buffering it.
#include "control/line_framer.h"

#include <gtest/gtest.h>

#include <string>

namespace tern::control {
namespace {

void feed(LineFramer& framer, std::string_view text) {
  framer.feed(as_bytes(text));
}

std::string take(LineFramer& framer) {
  std::optional<Result<std::string>> line = framer.next_line();
  EXPECT_TRUE(line.has_value());
  if (!line) return "<none>";
  EXPECT_TRUE(line->has_value()) << line->error().detail;
  return line->has_value() ? **line : "<error>";
}

TEST(LineFramer, SeveralLinesInOneChunkComeOutInOrder) {
  LineFramer framer;
  feed(framer, "{\"command\":\"list-sas\"}\n{\"command\":\"stats\"}\n");
  EXPECT_EQ(take(framer), "{\"command\":\"list-sas\"}");
  EXPECT_EQ(take(framer), "{\"command\":\"stats\"}");
  EXPECT_FALSE(framer.next_line().has_value());
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(LineFramer, ALineSplitOverChunksWaitsForItsNewline) {
  LineFramer framer;
  feed(framer, "{\"command\":");
  EXPECT_FALSE(framer.next_line().has_value());
  feed(framer, "\"up\",\"connection\"");
  EXPECT_FALSE(framer.next_line().has_value());
  feed(framer, ":\"site-b\"}\n{\"comm");
  EXPECT_EQ(take(framer), "{\"command\":\"up\",\"connection\":\"site-b\"}");
  EXPECT_FALSE(framer.next_line().has_value());
  EXPECT_EQ(framer.buffered(), 6u);  // {"comm
  feed(framer, "and\":\"stats\"}\n");
  EXPECT_EQ(take(framer), "{\"command\":\"stats\"}");
}

TEST(LineFramer, OneOctetAtATime) {
  LineFramer framer;
  const std::string text = "{\"command\":\"events\"}\n";
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    feed(framer, text.substr(i, 1));
    EXPECT_FALSE(framer.next_line().has_value()) << i;
  }
  feed(framer, "\n");
  EXPECT_EQ(take(framer), "{\"command\":\"events\"}");
}

TEST(LineFramer, CarriageReturnBeforeNewlineIsDropped) {
  LineFramer framer;
  feed(framer, "{\"command\":\"stats\"}\r\n");
  EXPECT_EQ(take(framer), "{\"command\":\"stats\"}");
}

TEST(LineFramer, AnEmptyLineIsALineForTheParserToRefuse) {
  LineFramer framer;
  feed(framer, "\n");
  EXPECT_EQ(take(framer), "");
}

TEST(LineFramer, ALineOfExactlyTheLimitIsAccepted) {
  LineFramer framer(16);
  feed(framer, std::string(16, 'x') + "\n");
  EXPECT_EQ(take(framer), std::string(16, 'x'));
}

TEST(LineFramer, APartialLineOverTheLimitFailsWithoutWaitingForItsNewline) {
  LineFramer framer(16);
  feed(framer, std::string(10, 'x'));
  EXPECT_FALSE(framer.next_line().has_value());
  feed(framer, std::string(10, 'x'));  // 20 octets, no newline yet
  EXPECT_EQ(framer.buffered(), 0u);    // nothing kept
  std::optional<Result<std::string>> line = framer.next_line();
  ASSERT_TRUE(line.has_value());
  ASSERT_FALSE(line->has_value());
  EXPECT_EQ(line->error().code, Errc::too_many);
  EXPECT_NE(line->error().detail.find("longer than 16 octets"), std::string::npos) << line->error().detail;
  EXPECT_TRUE(framer.failed());
}

TEST(LineFramer, ACompleteLineOverTheLimitFails) {
  LineFramer framer(16);
  feed(framer, "short\n" + std::string(17, 'x') + "\nnever\n");
  EXPECT_EQ(take(framer), "short");
  std::optional<Result<std::string>> line = framer.next_line();
  ASSERT_TRUE(line.has_value());
  EXPECT_FALSE(line->has_value());
}

TEST(LineFramer, AfterTheLimitTheFramerStaysFailedAndKeepsNothing) {
  LineFramer framer(16);
  feed(framer, std::string(40, 'x'));
  feed(framer, "\n{\"command\":\"stats\"}\n");
  EXPECT_EQ(framer.buffered(), 0u);
  for (int i = 0; i < 3; ++i) {
    std::optional<Result<std::string>> line = framer.next_line();
    ASSERT_TRUE(line.has_value());
    EXPECT_FALSE(line->has_value());
  }
}

TEST(LineFramer, TheProtocolLimitIs65536OctetsPerRequestLine) {
  LineFramer framer;
  feed(framer, std::string(kMaxRequestLine, 'x'));
  feed(framer, "\n");
  EXPECT_EQ(take(framer).size(), kMaxRequestLine);
  feed(framer, std::string(kMaxRequestLine + 2, 'x'));
  std::optional<Result<std::string>> line = framer.next_line();
  ASSERT_TRUE(line.has_value());
  EXPECT_FALSE(line->has_value());
}

}  // namespace
}  // namespace tern::control

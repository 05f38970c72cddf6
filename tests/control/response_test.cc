// Response lines (docs/control.md): exactly one line per answer, the client
// reads back what the server wrote, and a line from a confused server is an
// error, not a crash.
#include "control/response.h"

#include <gtest/gtest.h>

namespace tern::control {
namespace {

TEST(Response, OkLineCarriesTheResult) {
  std::string line = ok_line(nlohmann::json{{"message", "done"}});
  EXPECT_EQ(line, "{\"ok\":true,\"result\":{\"message\":\"done\"}}\n");
  line.pop_back();
  Result<nlohmann::json> result = parse_response(line);
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ((*result)["message"], "done");
}

TEST(Response, ErrorLineIsOneLineAndComesBackAsTheReason) {
  std::string line = error_line("no connection named 'site-c'\nsecond line");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  Result<nlohmann::json> result = parse_response(line.substr(0, line.size() - 1));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().detail, "no connection named 'site-c' second line");
}

TEST(Response, TextThatIsNotUtf8IsReplacedNotThrown) {
  std::string line = ok_line(nlohmann::json("peer id \xff\xfe"));
  EXPECT_EQ(line.back(), '\n');
  Result<nlohmann::json> result = parse_response(line.substr(0, line.size() - 1));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, "peer id \xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD twice
}

TEST(Response, EventLinesAreWrappedAndUnwrapped) {
  std::string line = event_line(nlohmann::json{{"kind", "retransmit"}});
  EXPECT_EQ(line, "{\"event\":{\"kind\":\"retransmit\"}}\n");
  Result<nlohmann::json> event = parse_event_line(line.substr(0, line.size() - 1));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ((*event)["kind"], "retransmit");
}

TEST(Response, MalformedResponsesAreErrors) {
  for (std::string_view bad : {"", "garbage", "[]", "{}", R"({"ok": "yes"})", R"({"ok": true})",
                               R"({"ok": false})", R"({"ok": false, "error": 3})"}) {
    Result<nlohmann::json> result = parse_response(bad);
    ASSERT_FALSE(result.has_value()) << bad;
    EXPECT_EQ(result.error().code, Errc::invalid_syntax) << bad;
  }
  EXPECT_FALSE(parse_event_line(R"({"ok": true, "result": "following"})").has_value());
  EXPECT_FALSE(parse_event_line(R"({"event": "x"})").has_value());
}

TEST(Response, AnOkWithANullResultIsStillOk) {
  Result<nlohmann::json> result = parse_response(R"({"ok": true, "result": null})");
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->is_null());
}

}  // namespace
}  // namespace tern::control

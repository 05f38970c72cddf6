// Control requests (docs/control.md): every command round-trips, and every
// class of bad input is a clear error a user can act on, never a crash.
#include "control/request.h"

#include <gtest/gtest.h>

namespace tern::control {
namespace {

using Kind = Request::Kind;

std::string error_of(std::string_view line) {
  Result<Request> r = parse_request(line);
  EXPECT_FALSE(r.has_value()) << line;
  if (r.has_value()) return "<parsed>";
  EXPECT_EQ(r.error().code, Errc::invalid_syntax);
  return r.error().detail;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(Request, UpWithAChild) {
  Result<Request> r = parse_request(R"({"command": "up", "connection": "site-b", "child": "net"})");
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->kind, Kind::up);
  EXPECT_EQ(r->connection, "site-b");
  EXPECT_EQ(r->child, "net");
}

TEST(Request, DownWithAChild) {
  Result<Request> r = parse_request(R"({"command": "down", "connection": "site-b", "child": "voip"})");
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->kind, Kind::down);
  EXPECT_EQ(r->connection, "site-b");
  EXPECT_EQ(r->child, "voip");
}

TEST(Request, UpWithoutAChild) {
  Result<Request> r = parse_request(R"({"command": "up", "connection": "site-b"})");
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->kind, Kind::up);
  EXPECT_EQ(r->child, "");
}

TEST(Request, CommandsWithoutArguments) {
  for (auto [word, kind] : {std::pair{"list-sas", Kind::list_sas}, std::pair{"stats", Kind::stats},
                            std::pair{"reload", Kind::reload}, std::pair{"events", Kind::events},
                            std::pair{"list-certs", Kind::list_certs}}) {
    Result<Request> r = parse_request(std::string(R"({"command": ")") + word + "\"}");
    ASSERT_TRUE(r.has_value()) << word;
    EXPECT_EQ(r->kind, kind) << word;
    EXPECT_EQ(to_string(kind), word);
  }
}

TEST(Request, EveryRequestRoundTripsThroughItsLine) {
  const Request requests[] = {
      {Kind::up, "site-b", "net"}, {Kind::up, "site-b", ""},       {Kind::down, "site-b", ""},
      {Kind::rekey, "site-b", ""}, {Kind::rekey, "site-b", "net"}, {Kind::list_sas, "", ""},
      {Kind::stats, "", ""},       {Kind::reload, "", ""},         {Kind::events, "", ""},
      {Kind::list_certs, "", ""},
  };
  for (const Request& request : requests) {
    std::string line = encode_request(request);
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
    line.pop_back();
    Result<Request> back = parse_request(line);
    ASSERT_TRUE(back.has_value()) << line << ": " << back.error().detail;
    EXPECT_EQ(*back, request) << line;
  }
}

TEST(Request, NotJson) {
  EXPECT_CONTAINS(error_of("up site-b"), "not valid JSON");
  EXPECT_CONTAINS(error_of(R"({"command": "up")"), "not valid JSON");
  EXPECT_CONTAINS(error_of("{\"command\": \"st\xff\xfe\"}"), "not valid JSON");  // not UTF-8
}

TEST(Request, EmptyLine) {
  EXPECT_CONTAINS(error_of(""), "empty request");
}

TEST(Request, NotAnObject) {
  EXPECT_CONTAINS(error_of(R"(["up", "site-b"])"), "must be a JSON object, not an array");
  EXPECT_CONTAINS(error_of(R"("list-sas")"), "not a string");
  EXPECT_CONTAINS(error_of("42"), "not a number");
  EXPECT_CONTAINS(error_of("null"), "not null");
}

TEST(Request, MissingCommandListsTheKnownOnes) {
  std::string e = error_of(R"({"connection": "site-b"})");
  EXPECT_CONTAINS(e, "no \"command\"");
  EXPECT_CONTAINS(e, "up, down, rekey, list-sas, stats, reload, events");
}

TEST(Request, UnknownCommandListsTheKnownOnes) {
  std::string e = error_of(R"({"command": "start"})");
  EXPECT_CONTAINS(e, "unknown command \"start\"");
  EXPECT_CONTAINS(e, "known commands: up, down, rekey, list-sas, stats, reload, events");
}

TEST(Request, MistypedCommand) {
  EXPECT_CONTAINS(error_of(R"({"command": 1})"), "\"command\" must be a string, not a number");
  EXPECT_CONTAINS(error_of(R"({"command": ["up"]})"), "\"command\" must be a string, not an array");
}

TEST(Request, MissingConnection) {
  EXPECT_CONTAINS(error_of(R"({"command": "up"})"), "up needs \"connection\"");
  EXPECT_CONTAINS(error_of(R"({"command": "down"})"), "down needs \"connection\"");
  EXPECT_CONTAINS(error_of(R"({"command": "rekey", "child": "net"})"), "rekey needs \"connection\"");
}

TEST(Request, MistypedFields) {
  EXPECT_CONTAINS(error_of(R"({"command": "up", "connection": 7})"),
                  "\"connection\" of up must be a string, not a number");
  EXPECT_CONTAINS(error_of(R"({"command": "up", "connection": "site-b", "child": null})"),
                  "\"child\" of up must be a string, not null");
  EXPECT_CONTAINS(error_of(R"({"command": "down", "connection": {"name": "x"}})"),
                  "\"connection\" of down must be a string, not an object");
}

TEST(Request, EmptyNames) {
  EXPECT_CONTAINS(error_of(R"({"command": "up", "connection": ""})"),
                  "\"connection\" of up must not be empty");
  EXPECT_CONTAINS(error_of(R"({"command": "up", "connection": "site-b", "child": ""})"),
                  "\"child\" of up must not be empty");
}

TEST(Request, UnknownFields) {
  EXPECT_CONTAINS(error_of(R"({"command": "up", "connection": "site-b", "timeout": 30})"),
                  "up does not take \"timeout\"");
  EXPECT_CONTAINS(error_of(R"({"command": "list-sas", "connection": "site-b"})"),
                  "list-sas does not take \"connection\"");
  EXPECT_CONTAINS(error_of(R"({"command": "list-sas", "child": "net"})"), "list-sas does not take \"child\"");
  EXPECT_CONTAINS(error_of(R"({"command": "stats", "verbose": true})"), "stats does not take \"verbose\"");
}

}  // namespace
}  // namespace tern::control

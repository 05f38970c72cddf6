// Helpers for the config tests: load a TOML text as "tern.toml" and look at
// what came back. Raw strings in the tests start right after R"( so that
// line 1 of the file is the first line written.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tern::config::testing {

inline LoadResult load(std::string_view text) {
  return load_string(text, "tern.toml");
}

// The problems of a file that must not load.
inline std::vector<Problem> problems_of(std::string_view text) {
  LoadResult r = load(text);
  EXPECT_FALSE(r.has_value()) << "the file loaded, but it should have been refused";
  if (r.has_value()) return {};
  return r.error();
}

// The one problem of a file with exactly one mistake.
// EXPECT_TRUE(contains(p.message, "did you mean")) with a readable failure.
inline ::testing::AssertionResult contains(std::string_view haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << haystack << "\"\n  does not contain\n\"" << needle << "\"";
}

inline std::vector<std::string> texts(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const Problem& p : problems) out.push_back(p.to_string());
  return out;
}

// The one problem of a file with exactly one mistake.
inline Problem only_problem(std::string_view text) {
  std::vector<Problem> problems = problems_of(text);
  EXPECT_EQ(problems.size(), 1u) << ::testing::PrintToString(texts(problems));
  if (problems.empty()) return {};
  return problems.front();
}

// A connection whose first lines the test writes (line 2 onwards), then a
// valid rest: addresses, PSK on both sides, one child, and its secret.
inline std::string site_b(std::string_view first_lines) {
  return "[[connection]]\n" + std::string(first_lines) + R"(local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  id = "a@example.org"
  [connection.remote]
  auth = "psk"
  id = "b@example.org"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["a@example.org", "b@example.org"]
secret = "correct horse battery staple"
)";
}

}  // namespace tern::config::testing

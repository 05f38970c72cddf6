// Typed, problem-recording access to toml++ tables, so the section readers
// read like the config they check:
//
//   TableReader conn{table, "connection[0]", "connection", TableKind::array_element, problems};
//   conn.allow_only(kConnectionKeys);
//   auto name = conn.string("name");          // nullopt: absent or wrong (recorded)
//   auto dpd = conn.duration("dpd_delay");
//
// Every getter returns nullopt both when the key is absent and when it is
// wrong; in the second case it has already recorded a Problem with the
// value's line and column, the dotted key and what was expected
// ("expected a string, got an integer"). Nothing here stops at the first
// problem and nothing throws.
//
// Who calls it: the section readers (daemon_section, connection_section,
// peer_section, child_section, secrets) and load.cc. Internal to config/:
// only .cc files of this directory include it (toml++ stays private).
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "config/config.h"

namespace tern::config {

struct Where {
  uint32_t line = 0;
  uint32_t column = 0;
};
Where where_of(const toml::node& node);
Where where_of(const toml::key& key);

// Collects errors and warnings; load.cc sorts them into file order at the end.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  void error(Where at, std::string key, std::string message);
  void warn(Where at, std::string key, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  const std::string& file() const { return file_; }

  // In file order (line, then column; ties keep the order they were found in).
  std::vector<Problem> take_errors();
  std::vector<Problem> take_warnings();

 private:
  std::string file_;
  std::vector<Problem> errors_;
  std::vector<Problem> warnings_;
};

// A key that is known but not accepted in this build, with the reason,
// written to follow the quoted key: "'cert' belongs to auth = \"pubkey\", ...".
struct Reserved {
  std::string_view key;
  std::string_view reason;
};

// One element of an array of strings.
struct StringItem {
  std::string value;
  std::string key;  // "proposals[1]"
  Where at;
};

// How the table was opened: the whole file, [header] or [[header]].
enum class TableKind : uint8_t { root, table, array_element };

class TableReader {
 public:
  // path: dotted key of the table ("connection[1].local"); header: its TOML
  // name ("connection.local"; empty for the root).
  TableReader(const toml::table& table, std::string path, std::string header, TableKind kind,
              Problems& problems);

  // One Problem per key not in `allowed` (with the closest allowed key when
  // it is at most two edits away), or with its reason when it is `reserved`.
  void allow_only(std::span<const std::string_view> allowed, std::span<const Reserved> reserved = {});

  bool has(std::string_view key) const { return table_.contains(key); }
  const std::string& path() const { return path_; }
  // How the operator wrote it: "[connection.local]", "[[connection]]", "the top level".
  std::string title() const;
  // The TOML name of a member table: "connection.child".
  std::string header_of(std::string_view member) const;
  Where where() const { return where_of(table_); }
  // The dotted key of a member: "connection[1].name".
  std::string key(std::string_view member) const;
  // Where the member's value is; the table itself when absent.
  Where at(std::string_view member) const;
  Problems& problems() { return problems_; }

  // "missing required key 'name' in [[connection]] (<hint>)", at the table.
  void missing(std::string_view member, std::string_view hint);
  // A Problem (or warning) on the member's value.
  void error(std::string_view member, std::string message);
  void warn(std::string_view member, std::string message);

  std::optional<std::string> string(std::string_view member);
  std::optional<bool> boolean(std::string_view member);
  // Whether the member is present and a boolean (for keys that take either
  // true/false or a keyword, like swanctl.conf's yes/no ones).
  bool is_boolean(std::string_view member) const {
    const toml::node* node = get(member);
    return node != nullptr && node->is_boolean();
  }
  // Whether the member is present and a string (for keys that take either a
  // number or a keyword, like workers = "auto").
  bool is_string(std::string_view member) const {
    const toml::node* node = get(member);
    return node != nullptr && node->is_string();
  }
  // An integer in [min, max].
  std::optional<int64_t> integer(std::string_view member, int64_t min, int64_t max);
  // A float, or an integer read as one.
  std::optional<double> number(std::string_view member);
  // "90s", "30m", "4h", "1d", "250ms"; a bare integer is refused with a hint.
  std::optional<Duration> duration(std::string_view member);
  // An array whose elements are all strings (wrong elements are reported,
  // and left out).
  std::optional<std::vector<StringItem>> strings(std::string_view member);
  // A string (one item, keyed by the member itself) or an array of strings.
  std::optional<std::vector<StringItem>> string_or_strings(std::string_view member);
  // One of `names`; returns its index.
  std::optional<size_t> choice(std::string_view member, std::span<const std::string_view> names);
  // A sub-table ([connection.local]); nullptr when absent or not a table.
  const toml::table* table(std::string_view member);
  // An array of tables ([[connection.child]]); empty when absent or wrong.
  std::vector<const toml::table*> tables(std::string_view member);

 private:
  const toml::node* get(std::string_view member) const { return table_.get(member); }
  void wrong_type(std::string_view member, const toml::node& node, std::string_view expected);

  const toml::table& table_;
  std::string path_;
  std::string header_;
  TableKind kind_;
  Problems& problems_;
};

// "a string", "an integer", "a table", ...
std::string_view type_name(const toml::node& node);

}  // namespace tern::config

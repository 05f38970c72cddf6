// TableReader and Problems (see toml_reader.h).
#include "config/toml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "config/suggest.h"

namespace tern::config {

Where where_of(const toml::node& node) {
  const toml::source_region& s = node.source();
  return {s.begin.line, s.begin.column};
}

Where where_of(const toml::key& key) {
  const toml::source_region& s = key.source();
  return {s.begin.line, s.begin.column};
}

void Problems::error(Where at, std::string key, std::string message) {
  errors_.push_back({file_, at.line, at.column, std::move(key), std::move(message)});
}

void Problems::warn(Where at, std::string key, std::string message) {
  warnings_.push_back({file_, at.line, at.column, std::move(key), std::move(message)});
}

namespace {

std::vector<Problem> in_file_order(std::vector<Problem> problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return problems;
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Digits (and a decimal point) followed by letters: what parse_duration
// should see. Keeps "nans", "infs", "1e3s" and "-5s" out of it.
bool is_number_and_unit(std::string_view text) {
  size_t unit = text.find_first_not_of("0123456789.");
  return unit != 0 && unit != std::string_view::npos &&
         text.find_first_not_of("abcdefghijklmnopqrstuvwxyz", unit) == std::string_view::npos;
}

}  // namespace

std::vector<Problem> Problems::take_errors() {
  return in_file_order(std::move(errors_));
}

std::vector<Problem> Problems::take_warnings() {
  return in_file_order(std::move(warnings_));
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string path, std::string header, TableKind kind,
                         Problems& problems)
    : table_(table), path_(std::move(path)), header_(std::move(header)), kind_(kind), problems_(problems) {}

std::string TableReader::title() const {
  switch (kind_) {
    case TableKind::root: return "the top level";
    case TableKind::table: return fmt::format("[{}]", header_);
    case TableKind::array_element: return fmt::format("[[{}]]", header_);
  }
  return header_;
}

std::string TableReader::header_of(std::string_view member) const {
  if (header_.empty()) return std::string(member);
  return fmt::format("{}.{}", header_, member);
}

void TableReader::allow_only(std::span<const std::string_view> allowed, std::span<const Reserved> reserved) {
  for (const auto& [k, value] : table_) {
    std::string_view name = k.str();
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    auto later =
        std::find_if(reserved.begin(), reserved.end(), [&](const Reserved& r) { return r.key == name; });
    if (later != reserved.end()) {
      problems_.error(where_of(k), key(name), fmt::format("'{}' {}", name, later->reason));
      continue;
    }
    std::string hint;
    if (auto near = closest(name, allowed)) hint = fmt::format("; did you mean '{}'?", *near);
    problems_.error(
        where_of(k), key(name),
        fmt::format("unknown key '{}' in {}{} (allowed: {})", name, title(), hint, join(allowed)));
  }
}

std::string TableReader::key(std::string_view member) const {
  if (path_.empty()) return std::string(member);
  return fmt::format("{}.{}", path_, member);
}

Where TableReader::at(std::string_view member) const {
  if (const toml::node* node = get(member)) return where_of(*node);
  return where();
}

void TableReader::missing(std::string_view member, std::string_view hint) {
  std::string message = fmt::format("missing required key '{}' in {}", member, title());
  if (!hint.empty()) message += fmt::format(" ({})", hint);
  problems_.error(where(), key(member), std::move(message));
}

void TableReader::error(std::string_view member, std::string message) {
  problems_.error(at(member), key(member), std::move(message));
}

void TableReader::warn(std::string_view member, std::string message) {
  problems_.warn(at(member), key(member), std::move(message));
}

void TableReader::wrong_type(std::string_view member, const toml::node& node, std::string_view expected) {
  problems_.error(where_of(node), key(member), fmt::format("expected {}, got {}", expected, type_name(node)));
}

std::optional<std::string> TableReader::string(std::string_view member) {
  const toml::node* node = get(member);
  if (!node) return std::nullopt;
  if (const auto* s = node->as_string()) return s->get();
  wrong_type(member, *node, "a string");
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view member) {
  const toml::node* node = get(member);
  if (!node) return std::nullopt;
  if (const auto* b = node->as_boolean()) return b->get();
  wrong_type(member, *node, "a boolean (true or false)");
  return std::nullopt;
}

std::optional<int64_t> TableReader::integer(std::string_view member, int64_t min, int64_t max) {
  const toml::node* node = get(member);
  if (!node) return std::nullopt;
  const auto* i = node->as_integer();
  if (!i) {
    wrong_type(member, *node, "an integer");
    return std::nullopt;
  }
  int64_t v = i->get();
  if (v < min || v > max) {
    std::string range = max == std::numeric_limits<int64_t>::max() ? fmt::format("at least {}", min)
                                                                   : fmt::format("{}..{}", min, max);
    problems_.error(where_of(*node), key(member), fmt::format("{} must be {}, got {}", member, range, v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> TableReader::number(std::string_view member) {
  const toml::node* node = get(member);
  if (!node) return std::nullopt;
  if (const auto* f = node->as_floating_point()) return f->get();
  if (const auto* i = node->as_integer()) return static_cast<double>(i->get());
  wrong_type(member, *node, "a number");
  return std::nullopt;
}

std::optional<Duration> TableReader::duration(std::string_view member) {
  const toml::node* node = get(member);
  if (!node) return std::nullopt;
  if (const auto* i = node->as_integer()) {
    problems_.error(
        where_of(*node), key(member),
        fmt::format("expected a duration string with a unit, got the integer {} (write \"{}s\" for "
                    "seconds; units: ms, s, m, h, d)",
                    i->get(), i->get()));
    return std::nullopt;
  }
  const auto* s = node->as_string();
  if (!s) {
    wrong_type(member, *node, "a duration string such as \"90s\"");
    return std::nullopt;
  }
  std::optional<Duration> d;
  if (is_number_and_unit(s->get())) d = parse_duration(s->get());
  if (!d) {
    problems_.error(
        where_of(*node), key(member),
        fmt::format("'{}' is not a duration (a number and a unit: \"250ms\", \"90s\", \"30m\", \"4h\", "
                    "\"1d\")",
                    s->get()));
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<StringItem>> TableReader::strings(std::string_view member) {
  const toml::node* node = get(member);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) {
    if (node->is_string()) {
      problems_.error(where_of(*node), key(member),
                      fmt::format("expected an array of strings, got a string (write {} = [\"{}\"])", member,
                                  node->as_string()->get()));
    } else {
      wrong_type(member, *node, "an array of strings");
    }
    return std::nullopt;
  }
  std::vector<StringItem> items;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    std::string item_key = fmt::format("{}[{}]", key(member), i);
    if (const auto* s = element.as_string()) {
      items.push_back({s->get(), std::move(item_key), where_of(element)});
    } else {
      problems_.error(where_of(element), std::move(item_key),
                      fmt::format("expected a string, got {}", type_name(element)));
    }
  }
  return items;
}

std::optional<std::vector<StringItem>> TableReader::string_or_strings(std::string_view member) {
  const toml::node* node = get(member);
  if (node != nullptr && node->is_string())
    return std::vector<StringItem>{{node->as_string()->get(), key(member), where_of(*node)}};
  if (node != nullptr && !node->is_array()) {
    wrong_type(member, *node, "a string or an array of strings");
    return std::nullopt;
  }
  return strings(member);
}

std::optional<size_t> TableReader::choice(std::string_view member, std::span<const std::string_view> names) {
  auto value = string(member);
  if (!value) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *value) return i;
  }
  error(member, fmt::format("unknown value '{}' for {} (allowed: {})", *value, member, join(names)));
  return std::nullopt;
}

const toml::table* TableReader::table(std::string_view member) {
  const toml::node* node = get(member);
  if (!node) return nullptr;
  if (const auto* t = node->as_table()) return t;
  wrong_type(member, *node, fmt::format("a table ([{}])", header_of(member)));
  return nullptr;
}

std::vector<const toml::table*> TableReader::tables(std::string_view member) {
  std::vector<const toml::table*> out;
  const toml::node* node = get(member);
  if (!node) return out;
  const std::string written = header_of(member);
  const auto* array = node->as_array();
  if (!array) {
    problems_.error(where_of(*node), key(member),
                    fmt::format("expected an array of tables ([[{}]]), got {}", written, type_name(*node)));
    return out;
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (const auto* t = element.as_table()) {
      out.push_back(t);
    } else {
      problems_.error(where_of(element), fmt::format("{}[{}]", key(member), i),
                      fmt::format("expected a table ([[{}]]), got {}", written, type_name(element)));
    }
  }
  return out;
}

}  // namespace tern::config

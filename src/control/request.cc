// See request.h. Field rules per command (docs/control.md):
//   up, down, rekey    connection (required), child (optional)
//   rekey              reauth (optional boolean; not with child)
//   down               connection (required)
//   list-sas, list-certs, stats,
//   reload, events     nothing else
#include "control/request.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <optional>

namespace tern::control {
namespace {

using Kind = Request::Kind;

constexpr std::array<Kind, 8> kKinds = {Kind::up,    Kind::down,   Kind::rekey,  Kind::list_sas,
                                        Kind::stats, Kind::reload, Kind::events, Kind::list_certs};

std::optional<Kind> kind_from(std::string_view word) {
  for (Kind k : kKinds)
    if (to_string(k) == word) return k;
  return std::nullopt;
}

std::string known_commands() {
  std::string out;
  for (Kind k : kKinds) out += (out.empty() ? "" : ", ") + std::string(to_string(k));
  return out;
}

bool takes_connection(Kind k) {
  return k == Kind::up || k == Kind::down || k == Kind::rekey;
}
bool takes_child(Kind k) {
  return k == Kind::up || k == Kind::down || k == Kind::rekey;
}

Unexpected<Error> bad(std::string detail) {
  return fail(Errc::invalid_syntax, std::move(detail));
}

// JSON type names for "mistyped" errors, in the words of RFC 8259.
std::string_view type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::discarded: return "invalid";
    default: return "a number";
  }
}

// A string field that must be non-empty when present. nullopt: absent.
Result<std::optional<std::string>> string_field(const nlohmann::json& object, const char* name,
                                                std::string_view command) {
  auto it = object.find(name);
  if (it == object.end()) return std::optional<std::string>{};
  if (!it->is_string())
    return bad(fmt::format("\"{}\" of {} must be a string, not {}", name, command, type_name(*it)));
  const std::string& value = it->get_ref<const std::string&>();
  if (value.empty()) return bad(fmt::format("\"{}\" of {} must not be empty", name, command));
  return std::optional<std::string>{value};
}

}  // namespace

std::string_view to_string(Request::Kind kind) {
  switch (kind) {
    case Kind::up: return "up";
    case Kind::down: return "down";
    case Kind::rekey: return "rekey";
    case Kind::list_sas: return "list-sas";
    case Kind::list_certs: return "list-certs";
    case Kind::stats: return "stats";
    case Kind::reload: return "reload";
    case Kind::events: return "events";
  }
  return "unknown";
}

Result<Request> parse_request(std::string_view line) {
  if (line.empty()) return bad("empty request: expected a JSON object such as {\"command\": \"list-sas\"}");
  nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return bad("request is not valid JSON (UTF-8, one object per line)");
  if (!object.is_object())
    return bad(fmt::format("request must be a JSON object, not {}", type_name(object)));

  auto command = object.find("command");
  if (command == object.end()) return bad("request has no \"command\"; known commands: " + known_commands());
  if (!command->is_string())
    return bad(fmt::format("\"command\" must be a string, not {}", type_name(*command)));
  const std::string& word = command->get_ref<const std::string&>();
  std::optional<Kind> kind = kind_from(word);
  if (!kind) return bad(fmt::format("unknown command \"{}\"; known commands: {}", word, known_commands()));

  for (const auto& [key, value] : object.items()) {
    bool known = key == "command" || (key == "connection" && takes_connection(*kind)) ||
                 (key == "child" && takes_child(*kind)) || (key == "reauth" && *kind == Kind::rekey);
    if (!known) return bad(fmt::format("{} does not take \"{}\"", word, key));
  }

  Request request;
  request.kind = *kind;
  if (takes_connection(*kind)) {
    Result<std::optional<std::string>> connection = string_field(object, "connection", word);
    if (!connection) return fail(connection.error());
    if (!*connection) return bad(fmt::format("{} needs \"connection\"", word));
    request.connection = std::move(**connection);
  }
  if (takes_child(*kind)) {
    Result<std::optional<std::string>> child = string_field(object, "child", word);
    if (!child) return fail(child.error());
    if (*child) request.child = std::move(**child);
  }
  if (auto reauth = object.find("reauth"); reauth != object.end()) {
    if (!reauth->is_boolean())
      return bad(fmt::format("\"reauth\" of {} must be a boolean, not {}", word, type_name(*reauth)));
    request.reauth = reauth->get<bool>();
    if (request.reauth && !request.child.empty())
      return bad("rekey with \"reauth\" reauthenticates the IKE SA and takes no \"child\"");
  }
  return request;
}

std::string encode_request(const Request& request) {
  nlohmann::json object = {{"command", to_string(request.kind)}};
  if (takes_connection(request.kind)) object["connection"] = request.connection;
  if (takes_child(request.kind) && !request.child.empty()) object["child"] = request.child;
  if (request.kind == Kind::rekey && request.reauth) object["reauth"] = true;
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tern::control

// See response.h.
#include "control/response.h"

#include <fmt/format.h>

namespace tern::control {
namespace {

Unexpected<Error> bad(std::string detail) {
  return fail(Errc::invalid_syntax, std::move(detail));
}

Result<nlohmann::json> parse_object(std::string_view line, std::string_view what) {
  nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object())
    return bad(fmt::format("{} from ternd is not a JSON object", what));
  return object;
}

}  // namespace

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ok_line(const nlohmann::json& result) {
  return dump_json(nlohmann::json{{"ok", true}, {"result", result}}) + "\n";
}

std::string error_line(std::string_view reason) {
  std::string one_line(reason);
  for (char& c : one_line)
    if (c == '\n' || c == '\r') c = ' ';
  return dump_json(nlohmann::json{{"ok", false}, {"error", one_line}}) + "\n";
}

std::string event_line(const nlohmann::json& event) {
  return dump_json(nlohmann::json{{"event", event}}) + "\n";
}

Result<nlohmann::json> parse_response(std::string_view line) {
  Result<nlohmann::json> object = parse_object(line, "response");
  if (!object) return fail(object.error());
  auto ok = object->find("ok");
  if (ok == object->end() || !ok->is_boolean()) return bad("response from ternd has no boolean \"ok\"");
  if (ok->get<bool>()) {
    auto result = object->find("result");
    if (result == object->end()) return bad("response from ternd has \"ok\": true but no \"result\"");
    return nlohmann::json(std::move(*result));
  }
  auto error = object->find("error");
  if (error == object->end() || !error->is_string())
    return bad("response from ternd has \"ok\": false but no \"error\" string");
  return fail(Errc::io_error, error->get<std::string>());
}

Result<nlohmann::json> parse_event_line(std::string_view line) {
  Result<nlohmann::json> object = parse_object(line, "event line");
  if (!object) return fail(object.error());
  auto event = object->find("event");
  if (event == object->end() || !event->is_object())
    return bad("event line from ternd has no \"event\" object");
  return nlohmann::json(std::move(*event));
}

}  // namespace tern::control

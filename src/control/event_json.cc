// See event_json.h.
#include "control/event_json.h"

#include <fmt/format.h>

#include "control/json_fields.h"

namespace tern::control {

nlohmann::json event_json(const ike::Event& event, std::string time_text) {
  const auto ike_sa = static_cast<uint64_t>(event.ike_sa);
  return {
      {"time", std::move(time_text)},
      {"kind", ike::to_string(event.kind)},
      {"ike_sa", ike_sa == 0 ? nlohmann::json(nullptr) : nlohmann::json(ike_sa)},
      {"connection", event.connection.empty() ? nlohmann::json(nullptr) : nlohmann::json(event.connection)},
      {"text", event.text},
  };
}

std::string render_event(const nlohmann::json& event) {
  std::string who = field_text(event, "connection");
  std::string ike_sa = field_text(event, "ike_sa", "");
  if (!ike_sa.empty()) who += "[" + ike_sa + "]";
  std::string line = fmt::format("{} {} {}", field_text(event, "time"), who, field_text(event, "kind"));
  std::string text = field_text(event, "text", "");
  if (!text.empty()) line += ": " + text;
  return line;
}

}  // namespace tern::control

// See json_fields.h.
#include "control/json_fields.h"

#include "control/response.h"

namespace tern::control {
const nlohmann::json* field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string field_text(const nlohmann::json& object, std::string_view key, std::string_view missing) {
  const nlohmann::json* v = field(object, key);
  if (v == nullptr) return std::string(missing);
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return dump_json(*v);
  return std::string(missing);
}

bool field_true(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = field(object, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

const nlohmann::json& field_array(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* v = field(object, key);
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

}  // namespace tern::control

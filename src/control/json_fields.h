// Reading fields of JSON that came from another process (ternd's answers in
// ternctl) without ever throwing: a missing or mistyped field reads as
// `missing`. Called by the client-side renderers (status_table.cc,
// event_json.cc, stats_json.cc).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tern::control {

// The field, or nullptr when absent or `object` is not an object.
const nlohmann::json* field(const nlohmann::json& object, std::string_view key);
// The field as text: a string as itself, a number or boolean as JSON prints
// it, anything else (absent, null, object, array, `object` not an object) as `missing`.
std::string field_text(const nlohmann::json& object, std::string_view key, std::string_view missing = "-");
// True only for a boolean field that is true.
bool field_true(const nlohmann::json& object, std::string_view key);
// The field when it is an array, else an empty array.
const nlohmann::json& field_array(const nlohmann::json& object, std::string_view key);

}  // namespace tern::control

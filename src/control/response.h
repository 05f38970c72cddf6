// Control responses (docs/control.md): exactly one line per request,
//
//   {"ok": true, "result": <json>}
//   {"ok": false, "error": "<one line reason>"}
//
// and, after an events request answered {"ok": true, "result": "following"},
// one {"event": {...}} line per engine event (event_json.h) until the client
// closes.
//
// The server side (io/ in ternd) builds lines with ok_line / error_line /
// event_line; the client side (ternctl) reads them with parse_response /
// parse_event_line. Lines built here end with '\n'; text that is not UTF-8
// (a peer's identity, say) is sent with U+FFFD in its place, never throws.
// Parsing is of bytes from another process: every malformed line is an
// Errc::invalid_syntax Error; {"ok": false} is an Errc::io_error Error whose
// detail is the server's reason, word for word.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tern::control {

// The result of an events request before the stream of events starts.
inline constexpr std::string_view kEventsFollowing = "following";

std::string ok_line(const nlohmann::json& result);
// Newlines in `reason` become spaces: the reason stays one line.
std::string error_line(std::string_view reason);
std::string event_line(const nlohmann::json& event);

// The "result" of an ok line, or the error.
Result<nlohmann::json> parse_response(std::string_view line);
// The object inside {"event": {...}}, or the error.
Result<nlohmann::json> parse_event_line(std::string_view line);

// JSON text that never throws: invalid UTF-8 is replaced, not an exception.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace tern::control

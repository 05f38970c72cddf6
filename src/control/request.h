// Control requests: what ternctl asks ternd, one JSON object per line
// (docs/control.md):
//
//   {"command": "up", "connection": "site-b", "child": "net"}   "child" optional
//   {"command": "down", "connection": "site-b", "child": "net"} "child" optional
//   {"command": "rekey", "connection": "site-b", "child": "net"} "child" optional
//   {"command": "rekey", "connection": "site-b", "reauth": true} reauthenticate (no "child")
//   {"command": "list-sas"}  {"command": "stats"}  {"command": "reload"}  {"command": "events"}
//   {"command": "list-certs"}
//
// parse_request() is called by the control server (io/) for every line a
// client sends; encode_request() by ternctl. The line is untrusted: every bad
// input is an Errc::invalid_syntax Error whose detail is one line a user can
// act on (not JSON, not an object, unknown command and the known ones, a
// missing, mistyped, empty or unknown field). The server sends it back with
// error_line(error.detail). Never throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tern::control {

struct Request {
  enum class Kind : uint8_t { up, down, rekey, list_sas, stats, reload, events, list_certs };
  Kind kind = Kind::list_sas;
  std::string connection;  // up, down, rekey; empty otherwise
  std::string child;       // up, down, rekey: optional (empty: the connection's children)
  bool reauth = false;     // rekey of the IKE SA: reauthenticate instead (swanctl --rekey --reauth)

  friend bool operator==(const Request&, const Request&) = default;
};

// The command word on the wire: "up", "list-sas", ...
std::string_view to_string(Request::Kind kind);

Result<Request> parse_request(std::string_view line);
// One line, '\n' included, that parse_request() reads back as `request`.
std::string encode_request(const Request& request);

}  // namespace tern::control

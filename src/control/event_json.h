// Engine events (ike::Event) on the control socket: ternd sends one
// {"event": {...}} line per event to every client that asked for "events"
// (response.h event_line), and `ternctl events` prints each as one line.
//
//   {"time": "2025-03-01T12:00:05Z", "kind": "child_sa_installed", "ike_sa": 3,
//    "connection": "site-b", "text": "CHILD_SA net installed: SPIs ..."}
//
// "kind" is ike::to_string(EventKind); "ike_sa" is null when no IKE SA is
// involved (a datagram dropped before one was found), "connection" null when
// none is known. event_json() is called by ternd and never fails;
// render_event() by ternctl on JSON from another process: missing fields
// print as "-", never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ike/effects.h"

namespace tern::control {

nlohmann::json event_json(const ike::Event& event, std::string time_text);

// "2025-03-01T12:00:05Z site-b[3] child_sa_installed: CHILD_SA net installed: ..."
std::string render_event(const nlohmann::json& event);

}  // namespace tern::control

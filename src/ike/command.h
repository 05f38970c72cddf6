// Commands to the engine (Endpoint::command): from ternctl via the control
// socket, or from the daemon at start-up (start_action = "start").
// Plain data; Endpoint::command says how each fails.
#pragma once

#include <string>
#include <variant>

namespace tern::ike {

// Initiate an IKE SA (and its first CHILD_SA) for the named connection.
struct Up {
  std::string connection;
};
// Delete every IKE SA of the named connection (INFORMATIONAL Delete, §1.4.1).
struct Down {
  std::string connection;
};

using Command = std::variant<Up, Down>;

}  // namespace tern::ike

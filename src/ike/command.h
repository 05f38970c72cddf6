// Commands to the engine (Endpoint::command): from ternctl via the control
// socket, or from the daemon at start-up (start_action = "start").
// Plain data; Endpoint::command says how each fails.
#pragma once

#include <string>
#include <variant>

namespace tern::ike {

// Initiate an IKE SA for the named connection: its first CHILD_SA in
// IKE_AUTH, then each further child with its own CREATE_CHILD_SA (§1.3.1).
// `peer_elsewhere`: ternd's workers (sharded Endpoints) — another shard
// holds an IKE SA between this connection's identities, so the new IKE SA
// sends no INITIAL_CONTACT (§2.4), as when this Endpoint holds one itself.
struct Up {
  std::string connection;
  bool peer_elsewhere = false;
};

// Bring up one child of the named connection (ternctl up CONN/CHILD): on
// every established IKE SA of the connection that does not have it up, a
// CREATE_CHILD_SA for it (tasks/child_create_additional.h). When the
// connection has no established IKE SA, a new IKE SA is initiated that makes
// only this child (in IKE_AUTH); when one is being set up, the child is added
// to what it makes. Fails for an unknown connection or child, and when the
// child is up on every established IKE SA already.
// `peer_elsewhere`: as for Up, when a new IKE SA is made.
struct UpChild {
  std::string connection;
  std::string child;
  bool peer_elsewhere = false;
};
// Delete every IKE SA of the named connection (INFORMATIONAL Delete, §1.4.1).
struct Down {
  std::string connection;
};

// Delete one CHILD_SA (by its child name) of every established IKE SA of the
// named connection: INFORMATIONAL D(ESP, SPI), §1.4.1. The IKE SA stays.
struct DownChild {
  std::string connection;
  std::string child;
};

// Rekey one CHILD_SA (by its child name) of every established IKE SA of the
// named connection with CREATE_CHILD_SA (RFC 7296 §1.3.3, tasks/child_rekey.h);
// an empty `child`: rekey the IKE SAs themselves (§1.3.2, tasks/ike_rekey.h).
struct Rekey {
  std::string connection;
  std::string child;
};

// Reauthenticate every established IKE SA of the named connection, make
// before break: a new IKE SA with its CHILD_SAs, then the old one is deleted
// (swanctl --rekey --reauth).
struct Reauth {
  std::string connection;
};

using Command = std::variant<Up, UpChild, Down, DownChild, Rekey, Reauth>;

}  // namespace tern::ike

// Which tasks make which exchange. Called by the Endpoint (the initiator's
// IKE SA setup on `Up`; the responder's on a new IKE_SA_INIT) and by the task
// manager (a responder's answer to INFORMATIONAL). Cannot fail.
#pragma once

#include <memory>
#include <vector>

#include "ike/ike_message.h"
#include "ike/task.h"

namespace tern::ike {

// ike_init, ike_natd, ike_auth, child_create: IKE_SA_INIT then IKE_AUTH (§1.2).
std::vector<std::unique_ptr<Task>> ike_sa_setup_tasks(Role role);

// The responder's tasks for a request outside the setup: INFORMATIONAL with
// Delete(IKE) -> ike_delete; anything else gets an empty answer (§1.4, a
// liveness check), for now.
std::vector<std::unique_ptr<Task>> responder_tasks_for(const IkeMessage& request);

}  // namespace tern::ike

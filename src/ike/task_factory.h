// Which tasks make which exchange. Called by the Endpoint (the initiator's
// IKE SA setup on `Up`; the responder's on a new IKE_SA_INIT) and by the task
// manager (a responder's answer to INFORMATIONAL). Cannot fail.
#pragma once

#include <memory>
#include <vector>

#include "ike/ike_message.h"
#include "ike/task.h"

namespace tern::ike {

// ike_init, ike_natd, ike_auth, child_create: IKE_SA_INIT then IKE_AUTH (§1.2);
// the responder's list starts with malformed_request.
std::vector<std::unique_ptr<Task>> ike_sa_setup_tasks(Role role);

// The responder's tasks for a request outside the setup: INFORMATIONAL with
// D(IKE) -> ike_delete; with D(ESP/AH) -> child_delete; CREATE_CHILD_SA with
// N(REKEY_SA) -> child_rekey; CREATE_CHILD_SA whose SA offers protocol IKE ->
// ike_rekey; any other CREATE_CHILD_SA (a new CHILD_SA, §1.3.1) ->
// child_create_additional; an authentic but malformed
// request -> malformed_request alone; any other INFORMATIONAL gets an
// empty answer (§1.4: that is also the answer to a liveness check).
std::vector<std::unique_ptr<Task>> responder_tasks_for(const IkeMessage& request);

}  // namespace tern::ike

// malformed_request: the responder's answer to an AUTHENTICATED request whose
// inner payloads are malformed or break the payload rules (RFC 7296 §2.21.2,
// §2.21.3). decode_message (ike_message.h) lets such a request through with no
// payloads and IkeMessage::malformed set, so it consumes its Message ID and
// gets an answer like any other request:
//
//   HDR, SK {<malformed or forbidden payloads>}  -->
//                      <--  HDR, SK {N(INVALID_SYNTAX)}
//
// (N(UNSUPPORTED_CRITICAL_PAYLOAD) with the payload type instead, for an
// unknown payload with the Critical bit, §2.5.) In IKE_AUTH the IKE SA is then
// deleted (§2.21.2: the SA cannot be set up); in INFORMATIONAL and
// CREATE_CHILD_SA it stays, unchanged. A malformed message that is not
// authenticated never gets here: it is dropped and counted.
//
// Who makes it: task_factory.h, first of the responder's setup tasks (so it
// answers before ike_auth looks at the request) and alone for a malformed
// INFORMATIONAL or CREATE_CHILD_SA request. Counted
// (malformed_requests_answered) with an Event or the SA's death reason.
#pragma once

#include <optional>

#include "base/error.h"
#include "ike/task.h"

namespace tern::ike {

class MalformedRequest final : public Task {
 public:
  MalformedRequest() : Task(Role::responder) {}
  TaskType type() const override { return TaskType::malformed_request; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  std::optional<Error> error_;  // the request's problem, once seen
};

}  // namespace tern::ike

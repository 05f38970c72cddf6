// The task manager of one IKE SA (RFC 7296 §2.1-2.3): owns the Message IDs in
// both directions, the request window, retransmission with exponential
// backoff, the response cache, and runs the tasks of each exchange (task.h).
//
// Who calls it: the Endpoint, for each datagram that belongs to the SA
// (on_message), on timer ticks (on_timer), and after queueing tasks from a
// command (initiate). It sends through TaskContext::effects and never fails:
// what cannot be used is dropped with a named counter (endpoint_counters.h),
// and a failed task or an exhausted retry budget marks the SA dead.
//
// Message IDs (§2.2): our requests count up from 0; the peer's requests are
// accepted only with the next expected ID. A request with the previous ID
// that is byte-identical to the one we answered gets the cached response
// again; anything else old or ahead is dropped and counted, never answered
// and never decrypted (§2.3: sending INVALID_MESSAGE_ID is optional; tern
// does not). A message that fails SK open (bad ICV) or the payload rules is
// dropped and counted too: unauthenticated input never alters the SA, and an
// outstanding request keeps being retransmitted until its real answer comes.
// Once the SA is established each exchange we start carries one task, of
// the exchange type it names (Task::exchange()). The window is 1 for now
// (we send no SET_WINDOW_SIZE, §2.3); `outstanding_` and `cached_` are where
// a larger window becomes a small map keyed by Message ID.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "ike/address.h"
#include "ike/task.h"
#include "wire/message.h"

namespace tern::ike {

class TaskManager {
 public:
  static constexpr uint32_t kWindowSize = 1;

  // Initiator side: tasks for our next request(s), in order.
  void queue(std::unique_ptr<Task> task) { queued_.push_back(std::move(task)); }
  // Responder side: the tasks that answer the IKE_SA_INIT and IKE_AUTH requests.
  void adopt_setup_tasks(std::vector<std::unique_ptr<Task>> tasks) { setup_ = std::move(tasks); }

  // Sends our next request when the window has room and tasks are waiting.
  void initiate(TaskContext& ctx);
  // A datagram for this SA (`datagram` without any non-ESP marker; `parsed`
  // its wire::parse_message), received on `local` from `remote`.
  void on_message(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                  const wire::Message& parsed);
  // Retransmits or gives up when the deadline has passed.
  void on_timer(TaskContext& ctx);
  std::optional<Timestamp> next_deadline() const;

  bool request_outstanding() const { return outstanding_.has_value(); }
  bool has_pending_tasks() const { return !queued_.empty() || !active_.empty(); }

 private:
  struct Outstanding {
    uint32_t message_id = 0;
    wire::ExchangeType exchange = wire::ExchangeType::IKE_SA_INIT;
    Bytes request;
    uint32_t retransmits = 0;
    Timestamp deadline;
  };
  struct CachedResponse {
    uint32_t message_id = 0;
    Bytes request;
    Bytes response;
  };

  void handle_request(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                      const wire::Message& parsed);
  void handle_response(TaskContext& ctx, ByteView datagram, const wire::Message& parsed);
  Duration retransmit_interval(const TaskContext& ctx, uint32_t retransmits) const;

  std::vector<std::unique_ptr<Task>> queued_;  // initiator: waiting for an exchange
  std::vector<std::unique_ptr<Task>> active_;  // initiator: in the current exchange sequence
  std::vector<std::unique_ptr<Task>> setup_;   // responder: IKE_SA_INIT + IKE_AUTH
  std::optional<Outstanding> outstanding_;
  std::optional<CachedResponse> cached_;
  uint32_t next_request_id_ = 0;       // the Message ID of our next request
  uint32_t next_peer_request_id_ = 0;  // the Message ID the peer's next request must carry
};

// Sends `message` on the SA's current addresses, with the non-ESP marker
// (RFC 3948 §2.2) when the SA has floated to the NAT-T port.
void send_on_sa(TaskContext& ctx, ByteView message);

}  // namespace tern::ike

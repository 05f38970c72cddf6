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
// Message IDs (§2.2): our requests count up from 0. A message that fails
// SK open (bad ICV) or the payload rules is dropped and counted: unauthenticated
// input never alters the SA, and an outstanding request keeps being
// retransmitted until its real answer comes. Once the SA is established each
// exchange we start carries one task, of the exchange type it names
// (Task::exchange()).
//
// The window (§2.3) is 1 in both directions until IKE_AUTH completes. In
// IKE_AUTH each end announces its own window with N(SET_WINDOW_SIZE)
// (ConnectionConfig::window_size; set_window_size.h); an end that announces
// nothing has a window of 1.
//   As initiator of exchanges: request X goes out only when the responses to
//   all requests up to X - W(peer) arrived (§2.3), so up to W(peer) requests
//   are outstanding, each with its own retransmit timer and backoff; their
//   responses are matched by Message ID in any order. Tasks beyond the window
//   wait in the queue and go out, in order, when the lowest slot frees.
//   As responder: requests with IDs in [next expected, next expected + W(ours))
//   are accepted in any order, the rest dropped and counted (§2.3: sending
//   INVALID_MESSAGE_ID is optional; tern does not), a byte-identical
//   retransmit of one we answered gets the cached response again
//   (responder_window.h).
// An IKE SA rekey (tasks/ike_rekey.h) goes out alone: it waits until no
// other request of ours is outstanding, and nothing else goes out while it is
// (the CHILD_SAs move to the new IKE SA when it completes; an exchange about
// them still in flight on the old one would be stranded).
//
// IKE fragmentation (RFC 7383; fragmenter.h, fragment_reassembly.h): once
// both ends announced it (IkeSa::fragmentation) and the connection says
// fragmentation = yes, each encrypted message whose datagram would exceed
// EndpointConfig::fragment_size goes out as SKF fragments; the fragment set
// is what is retransmitted, and what the response cache holds. The peer's
// SKF fragments pass the same Message ID checks as whole messages, then
// open_fragment (so only authentic fragments are kept), then reassembly;
// a complete set is processed exactly like an SK message. A fragment of a
// request we already answered makes us resend the cached answer only when
// it is fragment 1 (§2.6.1); the others are ignored. A whole SK message for
// a Message ID whose fragments are pending is processed as usual and the
// pending fragments are dropped (it is the same message, and it is complete).
//
// Order of processing at the responder (§2.3 asks that requests whose order
// matters are processed in order): tern processes each request as it
// arrives and never holds one back for a gap below it. That is safe for what
// tern answers after IKE_AUTH: Deletes of CHILD_SAs name disjoint SPIs (a
// second Delete of a gone SPI is ignored, §3.11), liveness checks change
// nothing, a CHILD_SA rekey (child_rekey) names its child by SPI and its
// initiator sends the Delete of the old child only after the rekey's
// response; a rekey that meets our own rekey of the same child is answered
// as usual and decided on nonces once both exchanges are complete (§2.8.1),
// one that meets our Delete of it is answered TEMPORARY_FAILURE (§2.25.1),
// and a Delete that overtakes a rekey's answer is remembered by SPI, so
// whichever order they arrive in, both ends agree (tasks/child_rekey.h).
// A CREATE_CHILD_SA for a new CHILD_SA (tasks/child_create_additional.h)
// makes a pair with fresh SPIs that no other request names, and a Delete of
// the IKE SA ends everything, so requests below it need no answer.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/boxed.h"
#include "base/bytes.h"
#include "base/time.h"
#include "ike/address.h"
#include "ike/fragment_reassembly.h"
#include "ike/responder_window.h"
#include "ike/task.h"
#include "wire/message.h"

namespace tern::ike {

class TaskManager {
 public:
  // Initiator side: tasks for our next request(s), in order.
  void queue(std::unique_ptr<Task> task) { lanes().queued.push_back(std::move(task)); }
  // Responder side: the tasks that answer the IKE_SA_INIT and IKE_AUTH requests.
  void adopt_setup_tasks(std::vector<std::unique_ptr<Task>> tasks) { lanes().setup = std::move(tasks); }

  // Sends our next request when the window has room and tasks are waiting.
  void initiate(TaskContext& ctx);
  // A datagram for this SA (`datagram` without any non-ESP marker; `parsed`
  // its wire::parse_message), received on `local` from `remote`.
  void on_message(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                  const wire::Message& parsed);
  // Retransmits or gives up when the deadline has passed.
  void on_timer(TaskContext& ctx);
  // Sends our outstanding request made by a task of `type` again at once, as
  // it was (same Message ID, same datagrams), leaving its retransmit count
  // and timer alone: for when the path it could not take may work now (our
  // routes or addresses changed while an UPDATE_SA_ADDRESSES was in flight).
  // False when no such request is outstanding.
  bool resend_now(TaskContext& ctx, TaskType type);
  std::optional<Timestamp> next_deadline() const;

  bool request_outstanding() const { return !lanes().outstanding.empty(); }
  size_t requests_outstanding() const { return lanes().outstanding.size(); }
  bool has_pending_tasks() const { return !lanes().queued.empty() || !lanes().active.empty(); }
  // Is a request of ours made by a task of `type` outstanding?
  bool has_outstanding(TaskType type) const;
  // Whether a task of ours that `matches` is queued or waiting for its answer.
  bool has_initiated_task(const std::function<bool(const Task&)>& matches) const;
  // Is a request of ours outstanding that was made by a task of a type other than these?
  bool has_outstanding_other_than(std::initializer_list<TaskType> types) const;
  // IKE SA rekeying (tasks/ike_rekey.h): the new IKE SA works with the
  // windows negotiated in IKE_AUTH from its first exchange on (§2.3), even
  // before the CHILD_SAs move to it (a collision not settled yet).
  void adopt_windows(const TaskManager& old);
  // When the CHILD_SAs move: it takes over the tasks still waiting for an
  // exchange on the old one (they name CHILD_SAs, which move with them;
  // a rekey of the old IKE SA still waiting is dropped).
  void inherit(TaskManager& old);
  // The windows in force (1 until IKE_AUTH completed with N(SET_WINDOW_SIZE)).
  uint32_t peer_window() const { return peer_window_; }
  uint32_t our_window() const { return our_window_; }
  // Responses cached for the peer's retransmits (at most our_window()).
  size_t responses_cached() const { return responder_.cached(); }
  // Frees the task lanes when nothing is queued, running or outstanding.
  // Called by the Endpoint once an input is handled (never from inside the
  // TaskManager, whose frames may hold iterators into them).
  void trim() {
    if (lanes_ && lanes_->empty()) lanes_.reset();
  }
  bool holds_lanes() const { return lanes_ != nullptr; }
  // Messages of the peer's whose fragments are being collected.
  size_t reassemblies_pending() const { return reassembly_ ? reassembly_->pending() : 0; }

 private:
  struct Outstanding {
    wire::ExchangeType exchange = wire::ExchangeType::IKE_SA_INIT;
    std::vector<Bytes> datagrams;  // the request as sent: one message, or its SKF fragments
    uint32_t retransmits = 0;
    Timestamp deadline;
    std::vector<std::unique_ptr<Task>> tasks;  // the tasks that built it; they read its response
  };

  void handle_request(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                      const wire::Message& parsed);
  void handle_response(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                       const wire::Message& parsed);
  // An SKF fragment (RFC 7383 §2.6): checked, opened, kept; the message is
  // processed when it is complete.
  void handle_fragment(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                       const wire::Message& parsed);
  // A decoded, authentic response to our request `it` / request of the peer's.
  void process_response(TaskContext& ctx, const Address& local, const Address& remote,
                        std::map<uint32_t, Outstanding>::iterator it, const IkeMessage& response);
  void process_request(TaskContext& ctx, const Address& local, const Address& remote, ByteView cache_key,
                       const IkeMessage& request);
  // `msg` as datagrams: fragmented when that was negotiated and it is too big (ike_message.h).
  std::vector<Bytes> encode_for_sending(TaskContext& ctx, const IkeMessage& msg) const;
  // Builds and sends one request made by `tasks`. False when the SA died.
  bool send_request(TaskContext& ctx, std::vector<std::unique_ptr<Task>> tasks);
  // Initiator that refused the responder's IKE_AUTH: INFORMATIONAL
  // {N(AUTHENTICATION_FAILED)}, sent once (the SA dies right after; no answer
  // is awaited; tasks/auth_failed_notice.h is the other end).
  void notify_authentication_failed(TaskContext& ctx);
  // Room for request `next_request_id_` under the peer's window (§2.3)?
  bool window_has_room(const IkeSa& sa) const;
  // The request again from its tasks (Task::before_retransmit), same Message ID.
  void rebuild_request(TaskContext& ctx, uint32_t message_id, Outstanding& request);
  void give_up(TaskContext& ctx, uint32_t message_id, const Outstanding& request);
  Duration retransmit_interval(const TaskContext& ctx, uint32_t retransmits) const;
  // A message arrived whole: its fragments collected so far are moot.
  void forget_fragments(FragmentReassembly::Direction direction, uint32_t message_id);

  // The tasks and our requests under way: on the heap only while there are
  // some, so an established idle IKE SA holds none of it (112 octets less per
  // SA; docs/benchmarks.md "Memory per SA"). lanes() makes the block when
  // needed; the const lanes() reads an empty one instead; trim() frees it.
  struct Lanes {
    std::vector<std::unique_ptr<Task>> queued;    // initiator: waiting for an exchange
    std::vector<std::unique_ptr<Task>> active;    // initiator: continue into the next exchange (setup)
    std::vector<std::unique_ptr<Task>> setup;     // responder: IKE_SA_INIT + IKE_AUTH
    std::map<uint32_t, Outstanding> outstanding;  // our requests by Message ID
    bool empty() const { return queued.empty() && active.empty() && setup.empty() && outstanding.empty(); }
  };
  Lanes& lanes() {
    if (!lanes_) lanes_ = std::make_unique<Lanes>();
    return *lanes_;
  }
  const Lanes& lanes() const;
  std::unique_ptr<Lanes> lanes_;
  ResponderWindow responder_;  // the peer's requests: window and response cache
  // The peer's fragmented messages being collected; on the heap only while there are some.
  Boxed<FragmentReassembly> reassembly_;
  uint32_t next_request_id_ = 0;  // the Message ID of our next request
  uint32_t peer_window_ = 1;      // how many requests we may have outstanding
  uint32_t our_window_ = 1;       // how many of the peer's we accept
};

// Sends `message` on the SA's current addresses, with the non-ESP marker
// (RFC 3948 §2.2) when the SA has floated to the NAT-T port.
void send_on_sa(TaskContext& ctx, ByteView message);
// Sends each of `datagrams` (one message, or its fragments) with send_on_sa.
void send_on_sa(TaskContext& ctx, const std::vector<Bytes>& datagrams);

}  // namespace tern::ike

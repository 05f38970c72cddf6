// The outcome of `ternctl up CONN[/CHILD]`, decided from engine events
// (sans-I/O). ternd issues ike::Up for the connection, makes an UpTracker,
// feeds it every Event the Endpoint produces from then on, and answers the
// client when on_event() returns an outcome (up_result_json() for ok, else
// error_line(message)), or when its own timeout expires first.
//
//   UpTracker up{"site-b", "net"};
//   for (const ike::Event& e : events)
//     if (auto outcome = up.on_event(e)) answer(*outcome);
//
// Rules:
// - Events of other connections are ignored. The first event of this
//   connection with a non-zero ike_sa binds the tracker to that IKE SA; from
//   then on only its events count.
// - child_sa_installed of the child (of any child when `child` is empty): ok,
//   "IKE SA site-b[3] established, CHILD_SA net installed".
// - proposal_mismatch, authentication_failed, child_sa_failed,
//   ike_sa_destroyed: not ok; the message is the engine's text (which already
//   explains the reason: a proposal mismatch lists both sides), whole,
//   prefixed by what failed.
// - invalid_ke_retry, retransmit, ike_sa_established and the rest are
//   progress, not outcomes.
// After an outcome the tracker is done: on_event() returns nullopt.
//
// Which CHILD_SA an event is about comes from its text ("CHILD_SA net
// installed: ...", "CHILD_SA net: ...") until ike::Event names the child.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ike/effects.h"

namespace tern::control {

struct UpOutcome {
  bool ok = false;
  std::string message;
  ike::IkeSaId ike_sa{};  // 0 when no IKE SA was ever bound
};

class UpTracker {
 public:
  UpTracker(std::string connection, std::string child);

  std::optional<UpOutcome> on_event(const ike::Event& event);

  bool done() const { return done_; }
  // The IKE SA the tracker follows; 0 until bound.
  ike::IkeSaId ike_sa() const { return ike_sa_; }
  // What a timeout reply says ("IKE SA site-b[3] not established within 30s: ..."):
  // how far the setup got, for ternd's own timeout.
  std::string timeout_message(std::string_view waited) const;

 private:
  std::optional<UpOutcome> finish(bool ok, std::string message);
  std::string sa_name() const;  // "site-b[3]" or "site-b"

  std::string connection_;
  std::string child_;
  ike::IkeSaId ike_sa_{};
  bool established_ = false;
  std::string last_progress_;  // the text of the last progress event, for timeout_message
  bool done_ = false;
};

// The "result" of a successful up: {"ike_sa": 3, "message": "..."}.
nlohmann::json up_result_json(const UpOutcome& outcome);

}  // namespace tern::control

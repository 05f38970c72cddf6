// Test access to an Endpoint's private state (STYLE.md #11: a *_peer.h
// accessor, never `#define private public`): start a task of the test's own
// on an IKE SA, and open an encrypted message with the keys of the SA it is
// addressed to, so tests can check what is inside SK.
#pragma once

#include <memory>

#include "base/error.h"
#include "ike/endpoint.h"
#include "ike/ike_message.h"
#include "ike/ike_sa.h"
#include "wire/message.h"

namespace tern::ike {

class EndpointPeer {
 public:
  // Queues `task` on the SA and sends its request when the window allows.
  static void start_task(Endpoint& e, IkeSaId sa, std::unique_ptr<Task> task, Timestamp now) {
    e.start_task(*e.sas_.at(sa), std::move(task), now);
    e.reap(now);
  }

  // Decodes `datagram` (no non-ESP marker) with the SA of `receiver` it is
  // addressed to: SK opened, payload rules checked. Changes nothing.
  static Result<IkeMessage> open(Endpoint& receiver, ByteView datagram) {
    Result<wire::Message> parsed = wire::parse_message(datagram);
    if (!parsed) return fail(parsed.error());
    IkeSa* sa = receiver.find_sa_for(parsed->header, Address{});
    if (sa == nullptr) return fail(Errc::unexpected_payload, "no IKE SA for these SPIs");
    return decode_message(*sa, datagram, *parsed);
  }
};

}  // namespace tern::ike

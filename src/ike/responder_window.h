// The responder's half of the IKE window (RFC 7296 §2.3): which Message IDs
// of the peer's requests are accepted, and the cache of our responses for
// retransmitted requests.
//
// Who calls it: the task manager (task_manager.h), for every request that
// arrives on an IKE SA, before it is decrypted. Nothing here fails: the
// verdict says what to do, and the caller counts the drops.
//
// With our window W (1 until IKE_AUTH completed, then what we announced in
// N(SET_WINDOW_SIZE)), and `next` the lowest Message ID not yet answered:
//
//   id in the cache             -> the cached response again, if the request
//                                  is byte-identical; dropped otherwise
//   next <= id < next + W       -> processed (in any order) and answered
//   anything else               -> dropped: older than what we remember, or
//                                  beyond what the peer may send
//
// §2.3: a response is kept "until [we receive] a request whose sequence
// number is larger than or equal to the sequence number in the response plus
// [our] window size". Since every accepted request is below next + W, the
// cache never holds more than W responses.
#pragma once

#include <cstdint>
#include <map>

#include "base/bytes.h"

namespace tern::ike {

class ResponderWindow {
 public:
  enum class Verdict : uint8_t {
    process,        // a new request inside the window
    resend_cached,  // a retransmit of one we answered: cached_response() has the answer
    mismatch,       // the Message ID of a cached answer, but other octets
    outside,        // too old for the cache, or beyond the window
  };

  Verdict classify(uint32_t message_id, ByteView request, uint32_t window) const;
  // The cached response for `message_id` (after Verdict::resend_cached).
  const Bytes& cached_response(uint32_t message_id) const { return answered_.at(message_id).response; }
  // We answered `message_id` with `response`: cache it, slide the window.
  void answered(uint32_t message_id, ByteView request, Bytes response, uint32_t window);

  // The lowest Message ID not answered yet (everything below it was).
  uint32_t next_expected() const { return next_; }
  size_t cached() const { return answered_.size(); }

 private:
  struct Answer {
    Bytes request;
    Bytes response;
  };
  std::map<uint32_t, Answer> answered_;  // the cache, also holding answers above next_
  uint32_t next_ = 0;
  uint32_t highest_ = 0;  // the highest Message ID answered (valid when answered_ is not empty)
};

}  // namespace tern::ike

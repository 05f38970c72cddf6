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
//                                  (a fragmented request is keyed by its
//                                  fragment 1, and the cached response may be
//                                  a set of fragments: RFC 7383 §2.6.1)
//   next <= id < next + W       -> processed (in any order) and answered
//   anything else               -> dropped: older than what we remember, or
//                                  beyond what the peer may send
//
// §2.3: a response is kept "until [we receive] a request whose sequence
// number is larger than or equal to the sequence number in the response plus
// [our] window size". Since every accepted request is below next + W, the
// cache never holds more than W responses.
//
// Memory: each cached answer keeps the SHA-256 of its request, not the
// request itself ("byte-identical" is checked on the digests): an established
// IKE SA holds its IKE_AUTH answer until the next request, and the request
// was the bigger half (docs/benchmarks.md "Memory per SA"). The answers are
// one vector (at most W, sorted by Message ID; with W = 1 it never grows past
// one entry), each with its first datagram exactly sized and any further
// SKF fragments in a vector of their own.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/boxed.h"
#include "base/bytes.h"
#include "crypto/hash.h"

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
  // Whether `message_id` is in the cache (answered, not yet forgotten).
  bool is_cached(uint32_t message_id) const { return find(message_id) != nullptr; }
  // The cached response for `message_id` (after Verdict::resend_cached): its
  // datagrams (one message, or its SKF fragments), copied for sending (a
  // retransmitted request is rare); cached_response() is the first.
  std::vector<Bytes> cached_datagrams(uint32_t message_id) const;
  const Bytes& cached_response(uint32_t message_id) const;
  // We answered `message_id` (`request`: the request, or its fragment 1)
  // with `response`: cache it, slide the window.
  void answered(uint32_t message_id, ByteView request, std::vector<Bytes> response, uint32_t window);
  void answered(uint32_t message_id, ByteView request, Bytes response, uint32_t window) {
    std::vector<Bytes> one;
    one.push_back(std::move(response));
    answered(message_id, request, std::move(one), window);
  }

  // The lowest Message ID not answered yet (everything below it was).
  uint32_t next_expected() const { return next_; }
  size_t cached() const { return answered_.size(); }

 private:
  using RequestDigest = std::array<uint8_t, 16>;
  static RequestDigest digest(ByteView request);
  // 56 octets: one is kept per established IKE SA (its IKE_AUTH answer).
  struct Answer {
    uint32_t message_id = 0;
    // The first 16 octets of the request's SHA-256 (or its fragment 1's):
    // enough to tell a retransmission from another message with this ID.
    RequestDigest request{};
    Bytes response;                       // the answer, or its first SKF fragment
    Boxed<std::vector<Bytes>> fragments;  // its other SKF fragments (RFC 7383), if any
  };
  const Answer* find(uint32_t message_id) const;
  // Forgets the answers whose Message ID plus `window` is at most `highest`,
  // but for `keep` (§2.3).
  void forget_old(uint32_t highest, uint32_t window, std::optional<uint32_t> keep);

  std::vector<Answer> answered_;  // the cache, by Message ID, also holding answers above next_
  uint32_t next_ = 0;
  uint32_t highest_ = 0;  // the highest Message ID answered (valid when answered_ is not empty)
};

}  // namespace tern::ike

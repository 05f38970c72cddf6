// Reassembly of the peer's IKE fragments (RFC 7383 §2.6) for one IKE SA:
// collects the decrypted chunks of SKF fragments per message (direction and
// Message ID) until every Fragment Number from 1 to Total Fragments is in,
// then hands back the inner payload chain, in Fragment Number order.
//
// Who calls it: the task manager (task_manager.h), only with fragments that
// already passed the Message ID check and open_fragment (sk_seal.h): what is
// kept here is authentic, so only the peer itself can fill it. The time
// comes in as `now`; nothing here reads a clock.
//
// Rules, in the order add() applies them:
//   Total Fragments above max_fragments       -> the fragment, and any set
//                                                of that message, dropped
//   a set whose Total Fragments is lower       -> the old set dropped, this
//                                                fragment starts a new one
//                                                (§2.6: the sender made
//                                                smaller fragments, §2.5.2)
//   a set whose Total Fragments is higher      -> this fragment dropped
//   a Fragment Number already in the set       -> ignored (duplicate)
//   more than max_reassembled_size octets      -> the set dropped
//   every fragment in                          -> complete: the chain is
//                                                returned and the set forgotten
// An incomplete set is dropped `reassembly_timeout` after its first fragment
// (expire()).
//
// How it fails: it does not; every outcome is a value the caller counts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "base/time.h"
#include "wire/iana.h"

namespace tern::ike {

struct FragmentLimits {
  uint16_t max_fragments = 32;
  size_t max_reassembled_size = 64 * 1024;
  Duration reassembly_timeout = seconds(30);
};

// One authentic fragment: its SKF fields and decrypted chunk.
struct ReceivedFragment {
  uint16_t number = 1;
  uint16_t total = 1;
  wire::PayloadType first_inner = wire::PayloadType::NONE;  // meaningful in fragment 1 only
  Bytes chunk;
  Bytes datagram;  // fragment 1: the whole datagram as received (the response cache's key)
};

// The reassembled message: its inner payload chain, ready for
// wire::parse_payload_chain(first_inner, chain).
struct ReassembledMessage {
  wire::PayloadType first_inner = wire::PayloadType::NONE;
  Bytes chain;
  Bytes first_datagram;  // fragment 1 as received
};

class FragmentReassembly {
 public:
  enum class Direction : uint8_t { request, response };
  enum class Outcome : uint8_t {
    kept,                // new, set incomplete
    complete,            // the last missing one: the message is in Added::message
    duplicate,           // that Fragment Number was already in: ignored
    too_many_fragments,  // Total Fragments above the limit: dropped, with any set of the message
    too_big,             // the set grew past max_reassembled_size: dropped
    restarted,           // Total Fragments grew: the old set dropped, this one kept
    stale,               // Total Fragments lower than the set's: this fragment dropped
  };
  struct Added {
    Outcome outcome = Outcome::kept;
    std::optional<ReassembledMessage> message;
  };

  explicit FragmentReassembly(FragmentLimits limits = {}) : limits_(limits) {}
  void set_limits(FragmentLimits limits) { limits_ = limits; }

  Added add(Direction direction, uint32_t message_id, ReceivedFragment fragment, Timestamp now);
  // Drops the sets whose time is up; returns how many.
  size_t expire(Timestamp now);
  // Drops the set of one message (it arrived whole, or is no longer expected).
  // True if there was one.
  bool forget(Direction direction, uint32_t message_id);
  std::optional<Timestamp> next_deadline() const;
  size_t pending() const { return sets_.size(); }

 private:
  struct Set {
    uint16_t total = 0;
    size_t size = 0;  // octets of chunks held
    Timestamp deadline;
    std::map<uint16_t, ReceivedFragment> fragments;  // by Fragment Number
  };
  using Key = std::pair<Direction, uint32_t>;

  FragmentLimits limits_;
  std::map<Key, Set> sets_;
};

std::string_view to_string(FragmentReassembly::Outcome outcome);

}  // namespace tern::ike

// Fuzz target: ike::FragmentReassembly (RFC 7383 §2.6) against a shadow model
// of the rules in fragment_reassembly.h. The engine only feeds it authentic
// fragments, but their SKF fields (Fragment Number, Total Fragments), order,
// repetition and timing are the peer's choice: any sequence must give the
// documented outcome, a complete message must be exactly its chunks in
// Fragment Number order, and memory must stay within the limits.
//
// Input: records of 6 octets and a chunk:
//   octet 0: bit 0 direction (request/response); bits 1-2: 0, 3 add,
//            1 expire, 2 forget
//   octet 1: Message ID (modulo 4)
//   octet 2: Fragment Number, octet 3: Total Fragments (add; wire::SkfPayload
//            guarantees 1 <= number <= total, so out-of-range values are
//            folded into that range)
//   octet 4: seconds to advance the clock before the record
//   octet 5: chunk length (modulo 48), then that many octets (fewer at the end)
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

#include "base/bytes.h"
#include "base/time.h"
#include "ike/fragment_reassembly.h"

using namespace tern;
using ike::FragmentReassembly;
using Outcome = FragmentReassembly::Outcome;

namespace {

struct ShadowSet {
  uint16_t total = 0;
  size_t size = 0;
  Timestamp deadline;
  std::map<uint16_t, Bytes> chunks;
};

[[noreturn]] void violated() {
  __builtin_trap();
}

void check(bool ok) {
  if (!ok) violated();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ike::FragmentLimits limits;
  limits.max_fragments = 8;
  limits.max_reassembled_size = 200;
  limits.reassembly_timeout = seconds(30);
  FragmentReassembly reassembly(limits);
  std::map<std::pair<FragmentReassembly::Direction, uint32_t>, ShadowSet> shadow;
  Timestamp now = timestamp_from_us(0);

  size_t pos = 0;
  while (pos + 6 <= size) {
    const uint8_t* r = data + pos;
    pos += 6;
    const auto direction =
        (r[0] & 1) != 0 ? FragmentReassembly::Direction::response : FragmentReassembly::Direction::request;
    const int op = (r[0] >> 1) & 3;
    const uint32_t message_id = r[1] % 4;
    now = now + seconds(r[4]);
    size_t length = r[5] % 48;
    if (length > size - pos) length = size - pos;
    Bytes chunk(data + pos, data + pos + length);
    pos += length;
    const auto key = std::make_pair(direction, message_id);

    if (op == 1) {
      size_t expected = std::erase_if(shadow, [&](const auto& e) { return now >= e.second.deadline; });
      check(reassembly.expire(now) == expected);
      continue;
    }
    if (op == 2) {
      check(reassembly.forget(direction, message_id) == (shadow.erase(key) > 0));
      continue;
    }
    const auto total = static_cast<uint16_t>(r[3] == 0 ? 1 : r[3]);
    const auto number = static_cast<uint16_t>(1 + r[2] % total);
    ike::ReceivedFragment fragment;
    fragment.number = number;
    fragment.total = total;
    fragment.first_inner = wire::PayloadType::IDi;
    fragment.chunk = chunk;
    FragmentReassembly::Added added = reassembly.add(direction, message_id, std::move(fragment), now);

    // The shadow model: the rules of fragment_reassembly.h, in their order.
    Outcome expected = Outcome::kept;
    if (total > limits.max_fragments) {
      shadow.erase(key);
      expected = Outcome::too_many_fragments;
    } else {
      auto it = shadow.find(key);
      if (it != shadow.end() && total < it->second.total) {
        expected = Outcome::stale;
      } else {
        if (it != shadow.end() && total > it->second.total) {
          shadow.erase(it);
          it = shadow.end();
          expected = Outcome::restarted;
        }
        if (it == shadow.end())
          it = shadow.emplace(key, ShadowSet{total, 0, now + limits.reassembly_timeout, {}}).first;
        ShadowSet& set = it->second;
        if (set.chunks.contains(number)) {
          expected = Outcome::duplicate;
        } else if (set.size + chunk.size() > limits.max_reassembled_size) {
          shadow.erase(it);
          expected = Outcome::too_big;
        } else {
          set.size += chunk.size();
          set.chunks.emplace(number, chunk);
          if (set.chunks.size() == set.total) {
            expected = Outcome::complete;
            Bytes joined;
            for (const auto& [n, c] : set.chunks) append(joined, c);
            check(added.message.has_value() && added.message->chain == joined &&
                  added.message->first_inner == wire::PayloadType::IDi);
            shadow.erase(it);
          }
        }
      }
    }
    check(added.outcome == expected);
    check(added.message.has_value() == (expected == Outcome::complete));
    check(reassembly.pending() == shadow.size());
  }
  return 0;
}

// Reassembly of IKE fragments (see fragment_reassembly.h).
#include "ike/fragment_reassembly.h"

namespace tern::ike {

FragmentReassembly::Added FragmentReassembly::add(Direction direction, uint32_t message_id,
                                                  ReceivedFragment fragment, Timestamp now) {
  const Key key{direction, message_id};
  if (fragment.total > limits_.max_fragments) {
    sets_.erase(key);
    return {Outcome::too_many_fragments, std::nullopt};
  }
  Outcome outcome = Outcome::kept;
  auto it = sets_.find(key);
  if (it != sets_.end() && fragment.total != it->second.total) {
    if (fragment.total < it->second.total) return {Outcome::stale, std::nullopt};
    sets_.erase(it);
    it = sets_.end();
    outcome = Outcome::restarted;
  }
  if (it == sets_.end()) {
    Set set;
    set.total = fragment.total;
    set.deadline = now + limits_.reassembly_timeout;
    it = sets_.emplace(key, std::move(set)).first;
  }
  Set& set = it->second;
  if (set.fragments.contains(fragment.number)) return {Outcome::duplicate, std::nullopt};
  set.size += fragment.chunk.size();
  if (set.size > limits_.max_reassembled_size) {
    sets_.erase(it);
    return {Outcome::too_big, std::nullopt};
  }
  set.fragments.emplace(fragment.number, std::move(fragment));
  if (set.fragments.size() < set.total) return {outcome, std::nullopt};

  // Numbers are 1..total (wire::SkfPayload::parse checks), all distinct: all there.
  ReassembledMessage message;
  message.chain.reserve(set.size);
  for (auto& [number, part] : set.fragments) {
    if (number == 1) {
      message.first_inner = part.first_inner;
      message.first_datagram = std::move(part.datagram);
    }
    append(message.chain, part.chunk);
  }
  sets_.erase(it);
  return {Outcome::complete, std::move(message)};
}

size_t FragmentReassembly::expire(Timestamp now) {
  return std::erase_if(sets_, [&](const auto& entry) { return now >= entry.second.deadline; });
}

bool FragmentReassembly::forget(Direction direction, uint32_t message_id) {
  return sets_.erase(Key{direction, message_id}) > 0;
}

std::optional<Timestamp> FragmentReassembly::next_deadline() const {
  std::optional<Timestamp> next;
  for (const auto& [key, set] : sets_) {
    if (!next || set.deadline < *next) next = set.deadline;
  }
  return next;
}

std::string_view to_string(FragmentReassembly::Outcome outcome) {
  using Outcome = FragmentReassembly::Outcome;
  switch (outcome) {
    case Outcome::kept: return "kept";
    case Outcome::complete: return "complete";
    case Outcome::duplicate: return "a duplicate, ignored";
    case Outcome::too_many_fragments: return "too many fragments";
    case Outcome::too_big: return "reassembled message too big";
    case Outcome::restarted: return "Total Fragments grew: earlier fragments dropped";
    case Outcome::stale: return "Total Fragments lower than the set's: dropped";
  }
  return "unknown";
}

}  // namespace tern::ike

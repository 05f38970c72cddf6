// The Endpoint's timer structure: for each IKE SA the one earliest time at
// which on_timer() has something to do for it, in a min-heap with lazy
// invalidation. Re-arming an SA pushes a new entry and records the time in
// `armed_`; an entry whose time is no longer the SA's armed time is stale and
// skipped (dropped when it reaches the top). So:
//
//   set(id, t)      O(log n)   arm, re-arm (earlier or later) or cancel (nullopt)
//   next()          O(1)       the earliest armed time
//   take_due(now)   O(k log n) the k SAs due at `now`, disarmed
//
// Stale entries never outnumber live ones by more than half (plus a
// constant): the heap is rebuilt from `armed_`, exactly sized, when they do.
// Memory per armed SA: its slot in `armed_` (an open-addressing table,
// base/flat_table.h: 16 octets at a load of 3/8 to 3/4) and 16 to 24 octets
// of heap entries, plus the vector's spare capacity. The queue knows nothing
// of IKE; the Endpoint computes each SA's deadline after an input touched it.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "base/flat_table.h"
#include "base/time.h"
#include "ike/effects.h"

namespace tern::ike {

class DeadlineQueue {
 public:
  // Arms `id` for `when`; nullopt disarms it (an SA that has nothing due, or died).
  void set(IkeSaId id, std::optional<Timestamp> when);
  void cancel(IkeSaId id) { set(id, std::nullopt); }
  // The earliest armed time; nullopt when nothing is armed.
  std::optional<Timestamp> next() const;
  // Every SA armed for a time <= `now`, disarmed, in ascending IkeSaId order.
  std::vector<IkeSaId> take_due(Timestamp now);
  std::optional<Timestamp> armed(IkeSaId id) const;
  size_t size() const { return armed_.size(); }
  // Entries in the heap, stale ones included (tests: the heap stays bounded).
  size_t heap_size() const { return heap_.size(); }
  // Octets allocated: the heap's capacity and the armed table's slots (bench/sa_memory_bench.cc).
  size_t octets() const { return heap_.capacity() * sizeof(Entry) + armed_.capacity() * sizeof(Armed); }

 private:
  struct Entry {
    Timestamp when;
    IkeSaId id;
  };
  // std::push_heap keeps the greatest on top: "greater" puts the earliest there.
  static bool later(const Entry& a, const Entry& b) { return a.when > b.when; }
  bool live(const Entry& e) const;
  void drop_stale_top();
  void compact_if_needed();

  // The time each SA is armed for (id 0: an empty slot; IkeSaIds start at 1).
  struct Armed {
    IkeSaId id{};
    Timestamp when;
  };
  struct ArmedTraits {
    using Key = IkeSaId;
    static Key key(const Armed& a) { return a.id; }
    static bool is_empty(const Armed& a) { return a.id == IkeSaId{}; }
    static uint64_t hash(Key id) { return mix_hash(static_cast<uint64_t>(id)); }
  };

  std::vector<Entry> heap_;
  FlatTable<Armed, ArmedTraits> armed_;
};

}  // namespace tern::ike

// FlatTable<Entry, Traits>: an open-addressing hash table (linear probing,
// deletion by backward shift, no tombstones) of small entries that carry
// their own key. For the engine's per-SA indexes, kept by the hundred
// thousand (ike/sa_store.h, the deadline queue, the ESP SPI index): one
// slot of sizeof(Entry) at a load between 3/8 and 3/4, instead of a
// std::map node (48 octets + malloc's header) or an unordered_map node and
// bucket (~40) per entry (docs/benchmarks.md "Memory per SA").
//
// Traits says what an entry is:
//   using Key = ...;                          // compared with ==
//   static Key key(const Entry&);            // only called on non-empty entries
//   static bool is_empty(const Entry&);      // Entry{} must be empty
//   static uint64_t hash(Key);               // mixed well: the table masks the low bits
//   static constexpr bool kTagged = true;    // optional, see below
//
// Tagged tables: when reading an entry's key is costly (the entry is a
// pointer and the key lives in the object: a cache miss per probe), Traits
// sets kTagged and the table keeps one more octet per slot, 7 bits of the
// key's hash (top bits, which the slot index does not use). A probe reads
// the key only where the tag matches: a look-up that misses (a fresh SPI
// checked for uniqueness) touches no entry at all, one that hits touches
// about one.
//
// Keys are unique: insert() of a key that is present is the caller's bug
// (TERN_BUG). A pointer returned by find() is valid until the next insert or
// erase. Iteration (for_each) is in slot order, i.e. no useful order.
// Grows by doubling when 3/4 full; never shrinks (like the std containers'
// buckets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/error.h"

namespace tern {

// A 64-bit finaliser (the splitmix64 mix): every input bit moves every
// output bit, so sequential ids and SPIs with a shard index in their top
// octet spread over the low bits the table uses.
constexpr uint64_t mix_hash(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

template <class Entry, class Traits>
class FlatTable {
 public:
  using Key = typename Traits::Key;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Slots allocated (tests, the memory bench).
  size_t capacity() const { return slots_.size(); }

  Entry* find(const Key& key) {
    if (slots_.empty()) return nullptr;
    const uint64_t h = Traits::hash(key);
    for (size_t i = h & mask();; i = next(i)) {
      if (empty_at(i)) return nullptr;
      if (holds(i, h, key)) return &slots_[i];
    }
  }
  const Entry* find(const Key& key) const { return const_cast<FlatTable*>(this)->find(key); }
  bool contains(const Key& key) const { return find(key) != nullptr; }

  // Adds `entry` (not empty; its key not present).
  Entry& insert(Entry entry) {
    if (Traits::is_empty(entry)) TERN_BUG("FlatTable: inserting an empty entry");
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    const Key key = Traits::key(entry);
    const uint64_t h = Traits::hash(key);
    for (size_t i = h & mask();; i = next(i)) {
      Entry& e = slots_[i];
      if (Traits::is_empty(e)) {
        e = std::move(entry);
        if constexpr (kTagged) tags_[i] = tag_of(h);
        ++size_;
        return e;
      }
      if (holds(i, h, key)) TERN_BUG("FlatTable: key inserted twice");
    }
  }

  // Removes the entry with `key` and returns it (empty when there was none).
  Entry take(const Key& key) {
    if (slots_.empty()) return Entry{};
    const uint64_t h = Traits::hash(key);
    size_t hole = h & mask();
    for (;; hole = next(hole)) {
      if (Traits::is_empty(slots_[hole])) return Entry{};
      if (holds(hole, h, key)) break;
    }
    Entry taken = std::move(slots_[hole]);
    slots_[hole] = Entry{};
    if constexpr (kTagged) tags_[hole] = 0;
    --size_;
    // Backward shift: move up each later entry of the cluster whose home
    // slot is not between the hole and its own slot (cyclically), so that
    // every entry stays reachable from its home without tombstones.
    for (size_t i = next(hole); !Traits::is_empty(slots_[i]); i = next(i)) {
      const size_t at = home(Traits::key(slots_[i]));
      const bool stays = hole <= i ? (hole < at && at <= i) : (hole < at || at <= i);
      if (stays) continue;
      slots_[hole] = std::move(slots_[i]);
      slots_[i] = Entry{};
      if constexpr (kTagged) tags_[hole] = std::exchange(tags_[i], uint8_t{0});
      hole = i;
    }
    return taken;
  }
  bool erase(const Key& key) { return !Traits::is_empty(take(key)); }

  // Room for `n` entries without growing.
  void reserve(size_t n) {
    size_t wanted = 16;
    while (n * 4 > wanted * 3) wanted *= 2;
    if (wanted > slots_.size()) rehash(wanted);
  }

  template <class F>
  void for_each(F&& f) {
    for (Entry& e : slots_) {
      if (!Traits::is_empty(e)) f(e);
    }
  }
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : slots_) {
      if (!Traits::is_empty(e)) f(e);
    }
  }

 private:
  static constexpr bool kTagged = [] {
    if constexpr (requires { Traits::kTagged; }) return Traits::kTagged;
    return false;
  }();
  static uint8_t tag_of(uint64_t hash) { return static_cast<uint8_t>(0x80 | (hash >> 57)); }
  // Tagged, the probe reads only the octet array (what find() walks).
  bool empty_at(size_t i) const {
    if constexpr (kTagged) return tags_[i] == 0;
    return Traits::is_empty(slots_[i]);
  }
  // Whether the non-empty slot i holds `key` (whose hash is h); tagged, the
  // entry's key is read only when the tag matches.
  bool holds(size_t i, uint64_t h, const Key& key) const {
    if constexpr (kTagged) {
      if (tags_[i] != tag_of(h)) return false;
    }
    return Traits::key(slots_[i]) == key;
  }

  size_t mask() const { return slots_.size() - 1; }
  size_t home(const Key& key) const { return static_cast<size_t>(Traits::hash(key)) & mask(); }
  size_t next(size_t i) const { return (i + 1) & mask(); }
  void grow() { rehash(slots_.empty() ? 16 : slots_.size() * 2); }
  void rehash(size_t slots) {
    std::vector<Entry> old = std::exchange(slots_, std::vector<Entry>(slots));
    if constexpr (kTagged) tags_.assign(slots, 0);
    size_ = 0;
    for (Entry& e : old) {
      if (!Traits::is_empty(e)) insert(std::move(e));
    }
  }

  std::vector<Entry> slots_;   // a power of two in size, or none
  std::vector<uint8_t> tags_;  // kTagged: one per slot, 0 for an empty one
  size_t size_ = 0;
};

}  // namespace tern

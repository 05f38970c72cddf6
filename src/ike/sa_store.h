// The Endpoint's table of IKE SAs (endpoint.h): owns them, finds one by its
// IkeSaId (timers, tasks, commands, the data plane's events through the ESP
// SPI index) and by our own IKE SPI (every datagram after IKE_SA_INIT:
// SPIi when we initiated the SA, SPIr when we answered it).
//
// Memory (docs/benchmarks.md "Memory per SA"): two open-addressing tables
// (base/flat_table.h) of one pointer per slot, the key read from the SA
// itself: ~28 octets per IKE SA for both, where a std::map by id and an
// unordered_map by SPI cost ~100. Both are tagged (flat_table.h): reading
// the key is a cache miss into the SA, so a probe reads it only where 7 bits
// of its hash match (one more octet per slot). A new SPI's uniqueness check
// (a miss) then reads no SA at all.
//
// Reserved SPIs (an IKE SA rekey's, while its request is out: IkeSaTable)
// are taken, so that no other SA draws them, but find nothing until an SA
// with that SPI is inserted.
//
// Iteration has no useful order: in_id_order() gives the SAs sorted by id
// (commands and status walk the table that way, so that what they do is
// deterministic).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <unordered_set>
#include <vector>

#include "base/flat_table.h"
#include "ike/ike_sa.h"

namespace tern::ike {

class SaStore {
 public:
  size_t size() const { return by_id_.size(); }
  // Octets of the two tables' slots (bench/sa_memory_bench.cc).
  size_t id_table_octets() const { return by_id_.capacity() * (sizeof(std::unique_ptr<IkeSa>) + 1); }
  size_t spi_table_octets() const { return by_spi_.capacity() * (sizeof(IkeSa*) + 1); }

  IkeSa* find(IkeSaId id) const {
    const std::unique_ptr<IkeSa>* sa = by_id_.find(id);
    return sa != nullptr ? sa->get() : nullptr;
  }
  // The SA with this id, which must be there (tests: EndpointPeer).
  const std::unique_ptr<IkeSa>& at(IkeSaId id) const {
    const std::unique_ptr<IkeSa>* sa = by_id_.find(id);
    if (sa == nullptr) TERN_BUG("SaStore::at: no IKE SA with this id");
    return *sa;
  }
  // The SA whose SPI of ours is `spi` (IkeSa::my_spi), or nullptr.
  IkeSa* find_by_spi(uint64_t spi) const {
    IkeSa* const* sa = by_spi_.find(spi);
    return sa != nullptr ? *sa : nullptr;
  }
  // Whether an SA has `spi` as its SPI of ours, or it is reserved.
  bool spi_taken(uint64_t spi) const { return by_spi_.contains(spi) || reserved_spis_.contains(spi); }
  void reserve_spi(uint64_t spi) { reserved_spis_.insert(spi); }
  void release_spi(uint64_t spi) { reserved_spis_.erase(spi); }

  // Adopts `sa`, found from now on by its id and SPI of ours (which are its
  // own, and stay what they are while it is here).
  IkeSa& insert(std::unique_ptr<IkeSa> sa) {
    IkeSa& ref = *sa;
    reserved_spis_.erase(ref.my_spi());
    by_spi_.insert(&ref);
    by_id_.insert(std::move(sa));
    return ref;
  }
  // Destroys the SA with this id.
  void erase(IkeSaId id) {
    std::unique_ptr<IkeSa> sa = by_id_.take(id);
    if (sa) by_spi_.erase(sa->my_spi());
  }

  std::vector<IkeSa*> in_id_order() const {
    std::vector<IkeSa*> out;
    out.reserve(by_id_.size());
    by_id_.for_each([&](const std::unique_ptr<IkeSa>& sa) { out.push_back(sa.get()); });
    std::sort(out.begin(), out.end(), [](const IkeSa* a, const IkeSa* b) { return a->id < b->id; });
    return out;
  }
  template <class F>
  bool any_of(F&& f) const {
    bool found = false;
    by_id_.for_each([&](const std::unique_ptr<IkeSa>& sa) { found = found || f(*sa); });
    return found;
  }

 private:
  struct ById {
    using Key = IkeSaId;
    static Key key(const std::unique_ptr<IkeSa>& sa) { return sa->id; }
    static bool is_empty(const std::unique_ptr<IkeSa>& sa) { return sa == nullptr; }
    static uint64_t hash(Key id) { return mix_hash(static_cast<uint64_t>(id)); }
    static constexpr bool kTagged = true;
  };
  struct BySpi {
    using Key = uint64_t;
    static Key key(const IkeSa* sa) { return sa->my_spi(); }
    static bool is_empty(const IkeSa* sa) { return sa == nullptr; }
    static uint64_t hash(Key spi) { return mix_hash(spi); }
    static constexpr bool kTagged = true;
  };

  FlatTable<std::unique_ptr<IkeSa>, ById> by_id_;
  FlatTable<IkeSa*, BySpi> by_spi_;
  std::unordered_set<uint64_t> reserved_spis_;  // reserve_spi (IkeSaTable), few at any time
};

}  // namespace tern::ike

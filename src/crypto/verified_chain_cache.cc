// Accepted certificate chains (see verified_chain_cache.h).
#include "crypto/verified_chain_cache.h"

#include <cstring>

namespace tern::crypto {

size_t VerifiedChainCache::DigestHash::operator()(const Sha256Digest& d) const {
  size_t h = 0;
  std::memcpy(&h, d.data(), sizeof h);  // already uniformly distributed
  return h;
}

VerifiedChainCache::VerifiedChainCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

Sha256Digest VerifiedChainCache::key(const Certificate& end_entity,
                                     std::span<const Certificate> intermediates) {
  std::vector<ByteView> parts;
  parts.reserve(1 + intermediates.size());
  parts.emplace_back(end_entity.fingerprint());
  for (const Certificate& c : intermediates) parts.emplace_back(c.fingerprint());
  return sha256(parts);
}

std::optional<std::vector<Certificate>> VerifiedChainCache::find(const Sha256Digest& key, WallTime now) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return std::nullopt;
  }
  const Entry& entry = *it->second;
  if (now < entry.valid_from || now >= entry.valid_until) {
    // Outside what was checked: verified again, which explains the refusal.
    lru_.erase(it->second);
    index_.erase(it);
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return entry.chain;
}

void VerifiedChainCache::insert(const Sha256Digest& key, std::vector<Certificate> chain, WallTime valid_from,
                                WallTime valid_until) {
  if (valid_until <= valid_from) return;
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
  if (index_.size() >= capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{key, std::move(chain), valid_from, valid_until});
  index_.emplace(key, lru_.begin());
}

}  // namespace tern::crypto

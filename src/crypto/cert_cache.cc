#include "crypto/cert_cache.h"

#include <cstring>

namespace tern::crypto {

size_t CertCache::DigestHash::operator()(const Sha256Digest& d) const {
  size_t h = 0;
  std::memcpy(&h, d.data(), sizeof h);  // already uniformly distributed
  return h;
}

CertCache::CertCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

Result<Certificate> CertCache::parse(ByteView der) {
  const Sha256Digest key = sha256({der});
  if (auto it = index_.find(key); it != index_.end()) {
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  ++misses_;
  auto cert = Certificate::from_der(der);
  if (!cert) return fail(cert.error());
  if (index_.size() >= capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  lru_.emplace_front(key, *cert);
  index_.emplace(key, lru_.begin());
  return cert;
}

void CertCache::clear() {
  index_.clear();
  lru_.clear();
}

}  // namespace tern::crypto

// A bounded memory of certificate chains TrustStore::verify accepted, so that
// a peer that sends the same chain again (every IKE_AUTH of a peer with many
// IKE SAs, reauthentications, reconnects) is not verified again: building
// and checking a chain with X509_verify_cert costs more than the signature
// check of AUTH itself.
//
// Keyed by the SHA-256 over the fingerprints (SHA-256 of the DER) of the end
// entity and the intermediates, in the order the peer sent them. An entry is
// used only while the wall-clock time is inside what was checked: not before
// the latest notBefore (and CRL thisUpdate) and before the earliest notAfter
// (and CRL nextUpdate) of the chain; outside it, the entry is dropped and the
// chain verified again (which then names the expired certificate or CRL).
// Only successes are kept. Least recently used entries leave first.
//
// Who uses it: TrustStore, one per store, so a reload of the CA certificates
// or CRLs (a new TrustStore) starts empty. Not thread-safe: TrustStore locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crypto/hash.h"
#include "crypto/x509_certificate.h"

namespace tern::crypto {

class VerifiedChainCache {
 public:
  explicit VerifiedChainCache(size_t capacity);

  static Sha256Digest key(const Certificate& end_entity, std::span<const Certificate> intermediates);

  // The chain accepted earlier for `key`, if `now` is inside its validity.
  std::optional<std::vector<Certificate>> find(const Sha256Digest& key, WallTime now);
  // Remembers `chain` (end entity first), valid from `valid_from` (inclusive)
  // until `valid_until` (exclusive).
  void insert(const Sha256Digest& key, std::vector<Certificate> chain, WallTime valid_from,
              WallTime valid_until);

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct DigestHash {
    size_t operator()(const Sha256Digest& d) const;
  };
  struct Entry {
    Sha256Digest key;
    std::vector<Certificate> chain;
    WallTime valid_from;
    WallTime valid_until;
  };

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<Sha256Digest, std::list<Entry>::iterator, DigestHash> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace tern::crypto

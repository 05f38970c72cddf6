// A bounded cache of parsed certificates, keyed by the SHA-256 of their DER,
// because parsing a certificate costs more than an ECDSA verify: a peer that
// reconnects, rekeys by reauthentication or runs many SAs sends the same
// CERT payloads again.
//
// Who calls it: the ike_cert task, for every CERT payload of encoding
// X509_SIGNATURE (one cache per shard: not thread-safe, no locks).
// Least recently used entries leave first. Only successfully parsed
// certificates are kept; a malformed one fails every time with the error of
// Certificate::from_der (x509_certificate.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/hash.h"
#include "crypto/x509_certificate.h"

namespace tern::crypto {

class CertCache {
 public:
  explicit CertCache(size_t capacity);

  // The parsed certificate for `der`, from the cache or parsed now.
  Result<Certificate> parse(ByteView der);

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  void clear();

 private:
  struct DigestHash {
    size_t operator()(const Sha256Digest& d) const;
  };
  using Entry = std::pair<Sha256Digest, Certificate>;

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<Sha256Digest, std::list<Entry>::iterator, DigestHash> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace tern::crypto

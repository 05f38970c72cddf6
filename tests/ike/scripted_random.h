// A Random for exchange tests that must choose nonces: it is a SeededRandom
// (crypto/random.h) except that the next draws of exactly kNonceOctets
// octets return the nonces a test queued with force_nonce(), in order. In a
// CHILD_SA rekey without PFS the only 32-octet draw is the nonce (Ni when we
// start the exchange, Nr when we answer one), so a test reaches every branch
// of the RFC 7296 §2.8.1 tie-break. (With PFS an x25519 private value is a
// 32-octet draw too, taken before the nonce: queue nonces only for exchanges
// without KE.)
#pragma once

#include <cstdint>
#include <deque>

#include "base/bytes.h"
#include "crypto/random.h"

namespace tern::ike::testing {

class ScriptedRandom final : public crypto::Random {
 public:
  static constexpr size_t kNonceOctets = 32;

  explicit ScriptedRandom(uint64_t seed) : seeded_(seed) {}

  void force_nonce(Bytes nonce) { nonces_.push_back(std::move(nonce)); }
  size_t nonces_left() const { return nonces_.size(); }

  void fill(MutableByteView out) override {
    if (out.size() == kNonceOctets && !nonces_.empty()) {
      const Bytes& nonce = nonces_.front();
      for (size_t i = 0; i < out.size(); ++i) out[i] = i < nonce.size() ? nonce[i] : 0;
      nonces_.pop_front();
      return;
    }
    seeded_.fill(out);
  }

 private:
  crypto::SeededRandom seeded_;
  std::deque<Bytes> nonces_;
};

}  // namespace tern::ike::testing

// Stateless cookies for IKE_SA_INIT (RFC 7296 §2.6): the responder's side.
//
//   HDR(A,0), SAi1, KEi, Ni  -->
//                       <--  HDR(A,0), N(COOKIE)
//   HDR(A,0), N(COOKIE), SAi1, KEi, Ni  -->
//                       <--  HDR(A,B), SAr1, KEr, Nr, [CERTREQ]
//
// While too many IKE SAs are half-open (EndpointConfig::cookie_threshold,
// cookie_threshold_ip), the Endpoint answers a new IKE_SA_INIT that carries no
// valid cookie with build_cookie_answer() and keeps nothing. The cookie is
//
//   Cookie = <VersionIDofSecret> | SHA-256(Ni | IPi | SPIi | <secret>)
//            (4 octets)            (32 octets)
//
// so only an initiator that really receives datagrams at IPi can return it.
// The secret comes from crypto::Random. It exists only while cookies are
// being handed out: the first make() creates it; every cookie_secret_lifetime
// it is replaced (rotate_cookie_secret), and cookies of the previous version
// stay valid for cookie_secret_grace after that; once a whole lifetime passes
// without a cookie made, both secrets are forgotten (and next_deadline() is
// nullopt again). Rotations are due at fixed times: make()/check() catch up
// on any that on_timer() has not yet done, so the result never depends on
// when the timer fires.
//
// Who calls it: the Endpoint (cookie_admission.cc), on IKE_SA_INIT requests
// and timer ticks. Nothing here fails: a cookie that is not ours is just
// CookieCheck::invalid (the caller answers with a fresh one and counts it).
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/time.h"
#include "crypto/random.h"
#include "ike/address.h"
#include "wire/header.h"

namespace tern::ike {

inline constexpr size_t kCookieVersionSize = 4;
inline constexpr size_t kCookieSize = kCookieVersionSize + 32;

enum class CookieCheck : uint8_t {
  valid,
  invalid,  // forged, altered, for another Ni/IPi/SPIi, or made with a secret that is gone
};

class CookieJar {
 public:
  CookieJar(Duration lifetime, Duration grace) : lifetime_(lifetime), grace_(grace) {}

  // The cookie for an IKE_SA_INIT request with nonce `ni` and SPIi `spi_i`
  // from `initiator` (only its IP counts, as in §2.6).
  Bytes make(ByteView ni, const Address& initiator, uint64_t spi_i, crypto::Random& random, Timestamp now);
  // Whether `cookie` is one make() returned for the same Ni, IPi and SPIi,
  // with the current secret or (within the grace period) the previous one.
  CookieCheck check(ByteView cookie, ByteView ni, const Address& initiator, uint64_t spi_i,
                    crypto::Random& random, Timestamp now);

  // Replaces the secret: the current one becomes the previous one (accepted
  // for the grace period), a new one from `random` becomes current. Called
  // when a rotation is due (on_timer, or make/check catching up).
  void rotate_cookie_secret(crypto::Random& random);
  // Does whatever rotation or expiry is due at `now`.
  void on_timer(crypto::Random& random, Timestamp now);
  // The next rotation or end of the grace period; nullopt while no secret exists.
  std::optional<Timestamp> next_deadline() const;

  bool active() const { return current_.has_value(); }
  uint32_t current_version() const { return current_ ? current_->version : 0; }

 private:
  struct Secret {
    uint32_t version = 0;
    SecretBytes key;
  };

  Bytes compute(const Secret& secret, ByteView ni, const Address& initiator, uint64_t spi_i) const;

  Duration lifetime_;
  Duration grace_;
  std::optional<Secret> current_;
  std::optional<Secret> previous_;
  Timestamp rotate_at_{};       // when current_ is replaced
  Timestamp previous_until_{};  // previous_ accepted before this
  bool current_used_ = false;   // a cookie was made with current_
  uint32_t next_version_ = 1;
};

// <--  HDR(SPIi, 0, R=1), N(COOKIE): the stateless answer to `request` (an
// IKE_SA_INIT request header), without any non-ESP marker.
Bytes build_cookie_answer(const wire::IkeHeader& request, ByteView cookie);

}  // namespace tern::ike

// Key exchange (Diffie-Hellman) for the KE payload (RFC 7296 §1.2, §3.4).
//
// ike/ creates one KeyExchange per IKE_SA_INIT or CREATE_CHILD_SA with
// PFS, sends public_value() as the KE payload's Key Exchange Data, and feeds
// the peer's Key Exchange Data to compute_shared_secret() to get g^ir for
// key_derivation. Groups:
//   MODP_2048/3072/4096 (14, 15, 16; RFC 3526)             ke_modp.cc
//   ECP_256/384/521     (19, 20, 21; RFC 5903)             ke_ecp.cc
//   CURVE25519/448      (31, 32;     RFC 8031, RFC 7748)   ke_montgomery.cc
// The private value is drawn from the Random passed to create(), so a test can
// pin it. What create() reads from it:
//   MODP:  40 / 53 / 60 octets, top bit forced to 1, as the exponent x;
//   ECP:   (octets of the order n) + 8 octets c; d = (c mod (n-1)) + 1;
//   X25519 / X448: the 32 / 56-octet private key as is (clamped by X25519/X448).
//
// Failure: create() returns Errc::unsupported for any other group.
// compute_shared_secret() checks the peer's value itself (RFC 6989; cheaply,
// instead of OpenSSL's full public-key validation) and returns Errc::invalid_ke
// with notify INVALID_SYNTAX when it is the wrong length for the group, out of
// range, not on the curve, or (X25519/X448) gives an all-zero secret. Each
// KeyExchange is used by one thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret_bytes.h"
#include "crypto/random.h"
#include "wire/iana.h"

namespace tern::crypto {

class KeyExchange {
 public:
  virtual ~KeyExchange() = default;

  // A fresh private value from `random` and its public value.
  static Result<std::unique_ptr<KeyExchange>> create(wire::KeGroup group, Random& random);
  // Octets of the KE payload's Key Exchange Data for the group; nullopt if
  // tern does not implement it. MODP: the prime's length; ECP: x | y, each the
  // field's length; X25519: 32, X448: 56.
  static std::optional<size_t> public_value_size(wire::KeGroup group);

  virtual wire::KeGroup group() const = 0;
  // Our Key Exchange Data, public_value_size(group()) octets.
  virtual ByteView public_value() const = 0;
  // g^ir, padded to the group's length with leading zeros kept (MODP: the
  // prime's length, §2.14; ECP: the x coordinate only, RFC 5903 §7; X25519/X448:
  // 32/56 octets, RFC 8031 §2.1).
  virtual Result<SecretBytes> compute_shared_secret(ByteView peer_public) const = 0;
};

// The responder's side of an exchange (RFC 7296 §1.2, §1.3): a fresh key
// pair of `group` (its public value goes in KEr) and g^ir with the peer's
// KEi. Fails as create() or compute_shared_secret() do.
struct KeyExchangeAnswer {
  std::unique_ptr<KeyExchange> ke;
  SecretBytes shared;
};
Result<KeyExchangeAnswer> answer_key_exchange(wire::KeGroup group, ByteView peer_public, Random& random);

}  // namespace tern::crypto

// Keys for IKEv2 signature authentication (RFC 7296 §2.15, RFC 7427): RSA
// (at least 2048 bits), ECDSA on P-256/P-384/P-521, and Ed25519 (RFC 8420).
//
// Who uses it: config/ loads the local private key (PEM file named by
// `key = "a.key"`), the X.509 code and raw-public-key CERT payloads produce a
// PublicKey for the peer; signature.h signs and verifies with them.
// No OpenSSL type appears here: the handle lives behind Impl
// (signature_key_openssl.h, for crypto/ only).
//
// How it fails: Errc::bad_key for bytes that are not a key (or an encrypted
// private key: tern never prompts for a passphrase) and for RSA keys under
// 2048 bits; Errc::unsupported for key types and curves tern does not sign
// with (DSA, Ed448, brainpool, ...).
//
// PublicKey is immutable and cheap to copy (shared); PrivateKey is move-only.
// Both may be used from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::crypto {

enum class KeyType : uint8_t { rsa, ecdsa_p256, ecdsa_p384, ecdsa_p521, ed25519 };
// "RSA", "ECDSA P-256", ..., "Ed25519".
std::string_view to_string(KeyType type);

struct KeyAccess;  // crypto/-internal access to the OpenSSL handle

class PublicKey {
 public:
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
  static Result<PublicKey> from_pem(ByteView pem);
  // DER SubjectPublicKeyInfo: what a CERT payload of type RAW_PUBLIC_KEY
  // (RFC 7670) carries, and what to_der() returns.
  static Result<PublicKey> from_der(ByteView spki);

  KeyType type() const;
  // RSA: modulus bits; ECDSA: field bits (256, 384, 521); Ed25519: 256.
  size_t bits() const;
  Bytes to_der() const;
  // The same public key (not merely the same type).
  friend bool operator==(const PublicKey& a, const PublicKey& b);

  class Impl;

 private:
  friend struct KeyAccess;
  explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

class PrivateKey {
 public:
  // PEM "PRIVATE KEY" (PKCS#8) or the traditional "RSA PRIVATE KEY" /
  // "EC PRIVATE KEY". Encrypted PEM is refused (Errc::bad_key).
  static Result<PrivateKey> from_pem(ByteView pem);
  // DER PKCS#8 or traditional.
  static Result<PrivateKey> from_der(ByteView der);
  // A fresh key from OpenSSL's DRBG (RSA: 3072 bits, e = 65537).
  static Result<PrivateKey> generate(KeyType type);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  KeyType type() const;
  size_t bits() const;
  PublicKey public_key() const;

  class Impl;

 private:
  friend struct KeyAccess;
  explicit PrivateKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::crypto

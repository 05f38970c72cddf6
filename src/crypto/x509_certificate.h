// An X.509 certificate, parsed once and then read through plain accessors:
// what a CERT payload of encoding X509_SIGNATURE (4) carries (RFC 7296 §3.6,
// one DER certificate) and what a PEM file from the configuration holds.
//
// Who calls it: the ike_cert task turns each received CERT payload into a
// Certificate (through CertCache, cert_cache.h), TrustStore (trust_store.h)
// checks the chain, cert_identity.h binds the peer's ID to it, and the AUTH
// check takes public_key(). Config loading reads the local certificate and
// the CA certificates with from_pem / from_pem_chain.
//
// How it fails: Errc::invalid_syntax for anything that is not exactly one
// well-formed DER certificate (truncated, garbled, trailing octets, an
// extension OpenSSL cannot decode), Errc::too_many / Errc::bad_length for
// absurd sizes; public_key() fails with Errc::bad_key / Errc::unsupported for
// keys tern does not sign with (see signature_key.h). Never aborts on input.
//
// Times: certificate validity is wall-clock time (UTC), which the engine's
// Timestamp (base/time.h: monotonic, arbitrary epoch) cannot express. X.509
// code therefore takes and returns WallTime, seconds since the Unix epoch;
// nothing in crypto/ reads a clock — io/ supplies the time.
//
// Certificate is immutable and cheap to copy (shared); it may be used from
// several threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/hash.h"
#include "crypto/signature_key.h"

namespace tern::crypto {

// UTC wall-clock time, whole seconds since 1970-01-01T00:00:00Z.
using WallTime = std::chrono::sys_seconds;
// "2026-11-30 12:00:00 UTC".
std::string format_wall_time(WallTime t);

// RFC 5280 §4.1.2.5 sizes: tern refuses certificates over this size.
inline constexpr size_t kMaxCertificateSize = 64 * 1024;

// KeyUsage bits (RFC 5280 §4.2.1.3), as a mask.
enum KeyUsageBit : uint32_t {
  kKuDigitalSignature = 0x80,
  kKuNonRepudiation = 0x40,
  kKuKeyEncipherment = 0x20,
  kKuDataEncipherment = 0x10,
  kKuKeyAgreement = 0x08,
  kKuKeyCertSign = 0x04,
  kKuCrlSign = 0x02,
};

struct SubjectAltNames {
  std::vector<std::string> dns;    // dNSName, as in the certificate
  std::vector<std::string> email;  // rfc822Name
  std::vector<Bytes> ip;           // iPAddress: 4 or 16 octets
  // "DNS: a.example.org, email: a@example.org, IP: 192.0.2.1" (empty: "none").
  std::string to_string() const;
};

// "192.0.2.1" / "2001:db8::1"; other lengths as hex.
std::string ip_to_string(ByteView ip);

struct CertAccess;  // crypto/-internal access to the OpenSSL handle

class Certificate {
 public:
  // Exactly one DER certificate, nothing after it.
  static Result<Certificate> from_der(ByteView der);
  // The first "CERTIFICATE" block of a PEM text.
  static Result<Certificate> from_pem(ByteView pem);
  // Every "CERTIFICATE" block of a PEM text, in order (at least one).
  static Result<std::vector<Certificate>> from_pem_chain(ByteView pem);

  const Bytes& der() const;
  // "C=CH, O=tern, CN=a.example.org" (RFC 4514 escaping, in the certificate's
  // RDN order, most significant first).
  std::string subject() const;
  Bytes subject_der() const;
  std::string issuer() const;
  Bytes issuer_der() const;
  // Hex, "1005".
  std::string serial() const;
  const SubjectAltNames& subject_alt_names() const;
  WallTime not_before() const;
  WallTime not_after() const;
  // nullopt when the certificate has no keyUsage extension; a KeyUsageBit mask otherwise.
  std::optional<uint32_t> key_usage() const;
  // Dotted OIDs of the extendedKeyUsage extension ("1.3.6.1.5.5.7.3.1"); empty if absent.
  const std::vector<std::string>& extended_key_usage() const;
  bool is_ca() const;
  bool is_self_issued() const;
  // The key tern verifies AUTH with (signature.h).
  Result<PublicKey> public_key() const;
  // DER SubjectPublicKeyInfo and its SHA-1: the Certification Authority value
  // of CERTREQ and Hash and URL (RFC 7296 §3.7).
  Bytes spki_der() const;
  const Sha1Digest& spki_sha1() const;
  // SHA-256 of der(): the cache key.
  const Sha256Digest& fingerprint() const;

  friend bool operator==(const Certificate& a, const Certificate& b) { return a.der() == b.der(); }

  class Impl;

 private:
  friend struct CertAccess;
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace tern::crypto

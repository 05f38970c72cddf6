#include "crypto/signature_scheme.h"

#include <fmt/format.h>

#include <array>
#include <initializer_list>
#include <iterator>
#include <tuple>
#include <vector>

namespace tern::crypto {
namespace {

using S = SignatureScheme;
using wire::HashAlgorithm;

// RFC 3279 §2.2.1 sha1WithRSAEncryption (1.2.840.113549.1.1.5), parameters NULL.
constexpr uint8_t kRsaPkcs1Sha1[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                     0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00};
// RFC 7427 Appendix A.1: sha{256,384,512}WithRSAEncryption, parameters NULL.
constexpr uint8_t kRsaPkcs1Sha256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
constexpr uint8_t kRsaPkcs1Sha384[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00};
constexpr uint8_t kRsaPkcs1Sha512[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00};

// RFC 7427 Appendix A.4.3 (RSASSA-PSS with SHA-256), and the same structure
// for SHA-384 / SHA-512:
//   SEQUENCE { OID id-RSASSA-PSS (1.2.840.113549.1.1.10),
//     SEQUENCE { [0] SEQUENCE { OID sha-x, NULL },
//                [1] SEQUENCE { OID id-mgf1 (1.2.840.113549.1.1.8), SEQUENCE { OID sha-x, NULL } },
//                [2] INTEGER saltLength (hash length),
//                [3] INTEGER trailerField (1) } }
constexpr uint8_t kRsaPssSha256[] = {0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
                                     0x0a, 0x30, 0x39, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
                                     0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
                                     0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
                                     0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
                                     0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20, 0xa3, 0x03, 0x02, 0x01, 0x01};
constexpr uint8_t kRsaPssSha384[] = {0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
                                     0x0a, 0x30, 0x39, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
                                     0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
                                     0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
                                     0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
                                     0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x30, 0xa3, 0x03, 0x02, 0x01, 0x01};
constexpr uint8_t kRsaPssSha512[] = {0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
                                     0x0a, 0x30, 0x39, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
                                     0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
                                     0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
                                     0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
                                     0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x40, 0xa3, 0x03, 0x02, 0x01, 0x01};

// RFC 7427 Appendix A.3: ecdsa-with-SHA{256,384,512} (1.2.840.10045.4.3.{2,3,4}), parameters absent.
constexpr uint8_t kEcdsaSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kEcdsaSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kEcdsaSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};

// RFC 8420 §2 / RFC 8410: id-Ed25519 (1.3.101.112), parameters absent.
constexpr uint8_t kEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

struct SchemeInfo {
  S scheme;
  std::string_view name;
  HashAlgorithm hash;
  ByteView identifier;
};

constexpr SchemeInfo kSchemes[] = {
    {S::rsa_pkcs1_sha1, "RSASSA-PKCS1-v1_5 SHA-1", HashAlgorithm::SHA1, kRsaPkcs1Sha1},
    {S::rsa_pkcs1_sha256, "RSASSA-PKCS1-v1_5 SHA-256", HashAlgorithm::SHA2_256, kRsaPkcs1Sha256},
    {S::rsa_pkcs1_sha384, "RSASSA-PKCS1-v1_5 SHA-384", HashAlgorithm::SHA2_384, kRsaPkcs1Sha384},
    {S::rsa_pkcs1_sha512, "RSASSA-PKCS1-v1_5 SHA-512", HashAlgorithm::SHA2_512, kRsaPkcs1Sha512},
    {S::rsa_pss_sha256, "RSASSA-PSS SHA-256", HashAlgorithm::SHA2_256, kRsaPssSha256},
    {S::rsa_pss_sha384, "RSASSA-PSS SHA-384", HashAlgorithm::SHA2_384, kRsaPssSha384},
    {S::rsa_pss_sha512, "RSASSA-PSS SHA-512", HashAlgorithm::SHA2_512, kRsaPssSha512},
    {S::ecdsa_sha256, "ECDSA SHA-256", HashAlgorithm::SHA2_256, kEcdsaSha256},
    {S::ecdsa_sha384, "ECDSA SHA-384", HashAlgorithm::SHA2_384, kEcdsaSha384},
    {S::ecdsa_sha512, "ECDSA SHA-512", HashAlgorithm::SHA2_512, kEcdsaSha512},
    {S::ed25519, "Ed25519", HashAlgorithm::IDENTITY, kEd25519},
};

const SchemeInfo& info(S scheme) {
  for (const SchemeInfo& i : kSchemes)
    if (i.scheme == scheme) return i;
  TERN_BUG("SignatureScheme without a table entry");
}

// --- the other encodings a verifier must accept (RFC 4055 §2.1, §5) ---

// DER TLV with a short-form length (every structure here is < 128 octets).
Bytes tlv(uint8_t tag, ByteView content) {
  TERN_ASSERT(content.size() < 0x80);
  Bytes out{tag, static_cast<uint8_t>(content.size())};
  append(out, content);
  return out;
}
Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) append(out, p);
  return out;
}

constexpr uint8_t kOidRsaPss[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
constexpr uint8_t kOidMgf1[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
constexpr uint8_t kNull[] = {0x05, 0x00};

enum class HashParams { null, absent };
enum class Trailer { explicit_bc, defaulted };

// id-sha256/384/512 is 2.16.840.1.101.3.4.2.{1,2,3}.
Bytes hash_identifier(uint8_t sha_arc, HashParams params) {
  const uint8_t oid[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, sha_arc};
  return tlv(0x30, params == HashParams::null ? concat({oid, kNull}) : Bytes(std::begin(oid), std::end(oid)));
}

Bytes pss_identifier(uint8_t sha_arc, uint8_t salt_length, HashParams params, Trailer trailer) {
  const Bytes hash = hash_identifier(sha_arc, params);
  const uint8_t salt[] = {0x02, 0x01, salt_length};
  const uint8_t trailer_bc[] = {0xa3, 0x03, 0x02, 0x01, 0x01};
  Bytes fields = concat({tlv(0xa0, hash), tlv(0xa1, tlv(0x30, concat({kOidMgf1, hash}))), tlv(0xa2, salt)});
  if (trailer == Trailer::explicit_bc) append(fields, trailer_bc);
  return tlv(0x30, concat({kOidRsaPss, tlv(0x30, fields)}));
}

// sha*WithRSAEncryption with the parameters absent instead of NULL.
Bytes pkcs1_identifier_without_null(ByteView canonical) {
  return tlv(0x30, canonical.subspan(2, 11));
}

struct Alias {
  Bytes der;
  S scheme;
};

const std::vector<Alias>& accepted_aliases() {
  static const std::vector<Alias> aliases = [] {
    std::vector<Alias> v;
    for (S s : {S::rsa_pkcs1_sha256, S::rsa_pkcs1_sha384, S::rsa_pkcs1_sha512})
      v.push_back({pkcs1_identifier_without_null(info(s).identifier), s});
    const std::array<std::tuple<S, uint8_t, uint8_t>, 3> pss = {
        std::tuple{S::rsa_pss_sha256, uint8_t{1}, uint8_t{32}},
        std::tuple{S::rsa_pss_sha384, uint8_t{2}, uint8_t{48}},
        std::tuple{S::rsa_pss_sha512, uint8_t{3}, uint8_t{64}},
    };
    for (auto [s, arc, salt] : pss)
      for (HashParams p : {HashParams::null, HashParams::absent})
        for (Trailer t : {Trailer::explicit_bc, Trailer::defaulted})
          v.push_back({pss_identifier(arc, salt, p, t), s});
    return v;
  }();
  return aliases;
}

}  // namespace

std::string_view to_string(SignatureScheme scheme) {
  return info(scheme).name;
}

ByteView algorithm_identifier(SignatureScheme scheme) {
  return info(scheme).identifier;
}

Result<SignatureScheme> scheme_from_algorithm_identifier(ByteView der) {
  for (const SchemeInfo& i : kSchemes)
    if (i.scheme != S::rsa_pkcs1_sha1 && equal(der, i.identifier)) return i.scheme;
  for (const Alias& a : accepted_aliases())
    if (equal(der, a.der)) return a.scheme;
  return fail(Errc::unsupported, fmt::format("signature AlgorithmIdentifier {} not supported", to_hex(der)));
}

wire::HashAlgorithm scheme_hash(SignatureScheme scheme) {
  return info(scheme).hash;
}

bool key_supports(KeyType key, SignatureScheme scheme) {
  switch (scheme) {
    case S::rsa_pkcs1_sha1:
    case S::rsa_pkcs1_sha256:
    case S::rsa_pkcs1_sha384:
    case S::rsa_pkcs1_sha512:
    case S::rsa_pss_sha256:
    case S::rsa_pss_sha384:
    case S::rsa_pss_sha512: return key == KeyType::rsa;
    case S::ecdsa_sha256:
    case S::ecdsa_sha384:
    case S::ecdsa_sha512:
      return key == KeyType::ecdsa_p256 || key == KeyType::ecdsa_p384 || key == KeyType::ecdsa_p521;
    case S::ed25519: return key == KeyType::ed25519;
  }
  return false;
}

Result<SignatureScheme> classic_auth_scheme(wire::AuthMethod method, KeyType key) {
  using wire::AuthMethod;
  struct Classic {
    AuthMethod method;
    KeyType key;
    S scheme;
  };
  constexpr Classic kClassic[] = {
      {AuthMethod::RSA_DIGITAL_SIGNATURE, KeyType::rsa, S::rsa_pkcs1_sha1},
      {AuthMethod::ECDSA_SHA256_P256, KeyType::ecdsa_p256, S::ecdsa_sha256},
      {AuthMethod::ECDSA_SHA384_P384, KeyType::ecdsa_p384, S::ecdsa_sha384},
      {AuthMethod::ECDSA_SHA512_P521, KeyType::ecdsa_p521, S::ecdsa_sha512},
  };
  for (const Classic& c : kClassic) {
    if (c.method != method) continue;
    if (c.key != key)
      return fail(Errc::unsupported, fmt::format("AUTH method {} needs an {} key, not {}",
                                                 wire::to_string(method), to_string(c.key), to_string(key)));
    return c.scheme;
  }
  return fail(Errc::unsupported,
              fmt::format("AUTH method {} not supported for signatures", wire::to_string(method)));
}

SignatureScheme default_scheme(KeyType key) {
  switch (key) {
    case KeyType::rsa: return S::rsa_pkcs1_sha256;
    case KeyType::ecdsa_p256: return S::ecdsa_sha256;
    case KeyType::ecdsa_p384: return S::ecdsa_sha384;
    case KeyType::ecdsa_p521: return S::ecdsa_sha512;
    case KeyType::ed25519: return S::ed25519;
  }
  TERN_BUG("KeyType out of range");
}

}  // namespace tern::crypto

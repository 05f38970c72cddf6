#include "crypto/signature.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <climits>

#include "crypto/signature_key_openssl.h"
#include "crypto/signature_pkcs1.h"

namespace tern::crypto {
namespace {

using S = SignatureScheme;
using MdCtx = std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

enum class Family { pkcs1, pss, ecdsa, eddsa };

Family family(S scheme) {
  switch (scheme) {
    case S::rsa_pkcs1_sha1:
    case S::rsa_pkcs1_sha256:
    case S::rsa_pkcs1_sha384:
    case S::rsa_pkcs1_sha512: return Family::pkcs1;
    case S::rsa_pss_sha256:
    case S::rsa_pss_sha384:
    case S::rsa_pss_sha512: return Family::pss;
    case S::ecdsa_sha256:
    case S::ecdsa_sha384:
    case S::ecdsa_sha512: return Family::ecdsa;
    case S::ed25519: return Family::eddsa;
  }
  TERN_BUG("SignatureScheme out of range");
}

// OpenSSL digest name; nullptr for PureEdDSA, which hashes internally.
const char* digest_name(S scheme) {
  switch (scheme_hash(scheme)) {
    case wire::HashAlgorithm::SHA1: return "SHA1";
    case wire::HashAlgorithm::SHA2_256: return "SHA256";
    case wire::HashAlgorithm::SHA2_384: return "SHA384";
    case wire::HashAlgorithm::SHA2_512: return "SHA512";
    default: return nullptr;
  }
}

// Octets of r and of s in the r || s encoding: the size of the group order.
size_t ecdsa_component_size(KeyType key) {
  switch (key) {
    case KeyType::ecdsa_p256: return 32;
    case KeyType::ecdsa_p384: return 48;
    case KeyType::ecdsa_p521: return 66;
    default: TERN_BUG("ECDSA component size of a non-ECDSA key");
  }
}

// RFC 8017 §8.1 with MGF1 over the same hash and a salt as long as the hash,
// as the RFC 7427 AlgorithmIdentifiers say.
bool configure_pss(EVP_PKEY_CTX* pctx, const char* md) {
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, nullptr) == 1;
}

Result<Bytes> der_to_raw(ByteView der, size_t n) {
  const unsigned char* p = der.data();
  EcdsaSig sig{d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()))};
  if (!sig) TERN_BUG("OpenSSL produced an ECDSA signature it cannot parse");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes raw(2 * n);
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(n)) < 0 ||
      BN_bn2binpad(s, raw.data() + n, static_cast<int>(n)) < 0)
    TERN_BUG("ECDSA r or s longer than the group order");
  return raw;
}

Result<Bytes> raw_to_der(ByteView raw, size_t n) {
  if (raw.size() != 2 * n)
    return fail(Errc::bad_signature, fmt::format("ECDSA r || s of {} octets, need {}", raw.size(), 2 * n));
  EcdsaSig sig{ECDSA_SIG_new()};
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(n), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + n, static_cast<int>(n), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    TERN_BUG("out of memory building an ECDSA_SIG");
  }
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) TERN_BUG("i2d_ECDSA_SIG failed");
  Bytes der(static_cast<size_t>(len));
  unsigned char* out = der.data();
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

Unexpected<Error> wrong_key(KeyType key, S scheme) {
  return fail(Errc::bad_key, fmt::format("{} key cannot be used with {}", to_string(key), to_string(scheme)));
}

}  // namespace

Result<Bytes> sign(const PrivateKey& key, SignatureScheme scheme, ByteView data, EcdsaEncoding ecdsa) {
  if (!key_supports(key.type(), scheme)) return wrong_key(key.type(), scheme);
  EVP_PKEY* pkey = KeyAccess::pkey(key);
  const char* md = digest_name(scheme);
  MdCtx ctx{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, pkey, nullptr) != 1 ||
      (family(scheme) == Family::pss && !configure_pss(pctx, md))) {
    ERR_clear_error();
    return fail(Errc::crypto_failure, fmt::format("cannot start {} signature", to_string(scheme)));
  }
  Bytes signature(static_cast<size_t>(EVP_PKEY_get_size(pkey)));  // the largest this key can produce
  size_t len = signature.size();
  if (EVP_DigestSign(ctx.get(), signature.data(), &len, data.data(), data.size()) != 1) {
    ERR_clear_error();
    return fail(Errc::crypto_failure, fmt::format("{} signing failed", to_string(scheme)));
  }
  signature.resize(len);
  if (family(scheme) == Family::ecdsa && ecdsa == EcdsaEncoding::raw)
    return der_to_raw(signature, ecdsa_component_size(key.type()));
  return signature;
}

Result<void> verify(const PublicKey& key, SignatureScheme scheme, ByteView data, ByteView signature,
                    EcdsaEncoding ecdsa) {
  if (!key_supports(key.type(), scheme)) return wrong_key(key.type(), scheme);
  EVP_PKEY* pkey = KeyAccess::pkey(key);
  const Family fam = family(scheme);
  if (fam == Family::pkcs1) return verify_rsa_pkcs1_v1_5(key, scheme_hash(scheme), data, signature);
  if (fam == Family::pss && signature.size() != static_cast<size_t>(EVP_PKEY_get_size(pkey)))
    return fail(Errc::bad_signature, fmt::format("RSA signature of {} octets, modulus is {}",
                                                 signature.size(), EVP_PKEY_get_size(pkey)));
  if (signature.size() > LONG_MAX) return fail(Errc::bad_signature, "signature too large");

  Bytes der;
  ByteView checked = signature;
  if (fam == Family::ecdsa && ecdsa == EcdsaEncoding::raw) {
    auto converted = raw_to_der(signature, ecdsa_component_size(key.type()));
    if (!converted) return fail(converted.error());
    der = std::move(*converted);
    checked = der;
  }

  const char* md = digest_name(scheme);
  MdCtx ctx{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, pkey, nullptr) != 1 ||
      (fam == Family::pss && !configure_pss(pctx, md))) {
    ERR_clear_error();
    return fail(Errc::crypto_failure, fmt::format("cannot start {} verification", to_string(scheme)));
  }
  // ECDSA: OpenSSL re-encodes the parsed ECDSA-Sig-Value and insists on the
  // same octets, so BER variants and trailing garbage are rejected too.
  if (EVP_DigestVerify(ctx.get(), checked.data(), checked.size(), data.data(), data.size()) != 1) {
    ERR_clear_error();
    return fail(Errc::bad_signature, fmt::format("{} signature does not verify", to_string(scheme)));
  }
  return {};
}

}  // namespace tern::crypto

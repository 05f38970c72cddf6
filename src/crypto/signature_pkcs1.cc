#include "crypto/signature_pkcs1.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <optional>

#include "crypto/constant_time.h"
#include "crypto/signature_key_openssl.h"

namespace tern::crypto {
namespace {

using wire::HashAlgorithm;

// RFC 8017 §9.2 Note 1: the DER DigestInfo up to (not including) the hash value.
constexpr uint8_t kDigestInfoSha1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                       0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
constexpr uint8_t kDigestInfoSha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                         0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr uint8_t kDigestInfoSha384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                         0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
constexpr uint8_t kDigestInfoSha512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                         0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

struct Hash {
  ByteView digest_info_prefix;
  size_t size;
  const char* name;  // OpenSSL digest name
};

std::optional<Hash> hash_of(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::SHA1: return Hash{kDigestInfoSha1, 20, "SHA1"};
    case HashAlgorithm::SHA2_256: return Hash{kDigestInfoSha256, 32, "SHA256"};
    case HashAlgorithm::SHA2_384: return Hash{kDigestInfoSha384, 48, "SHA384"};
    case HashAlgorithm::SHA2_512: return Hash{kDigestInfoSha512, 64, "SHA512"};
    default: return std::nullopt;
  }
}

}  // namespace

Result<Bytes> emsa_pkcs1_v1_5_encode(HashAlgorithm hash, ByteView digest, size_t k) {
  auto h = hash_of(hash);
  if (!h) return fail(Errc::unsupported, fmt::format("RSASSA-PKCS1-v1_5 with {}", wire::to_string(hash)));
  if (digest.size() != h->size)
    return fail(Errc::bad_length,
                fmt::format("{} digest of {} octets", wire::to_string(hash), digest.size()));
  const size_t t_len = h->digest_info_prefix.size() + h->size;
  if (k < t_len + 11)
    return fail(Errc::bad_key,
                fmt::format("RSA modulus of {} octets too short for a {}-octet DigestInfo", k, t_len));
  Bytes em(k, 0xff);  // PS fills everything between 0x01 and the 0x00 separator
  em[0] = 0x00;
  em[1] = 0x01;
  const size_t t_at = k - t_len;
  em[t_at - 1] = 0x00;
  std::copy(h->digest_info_prefix.begin(), h->digest_info_prefix.end(),
            em.begin() + static_cast<ptrdiff_t>(t_at));
  std::copy(digest.begin(), digest.end(), em.end() - static_cast<ptrdiff_t>(h->size));
  return em;
}

Result<void> verify_rsa_pkcs1_v1_5(const PublicKey& key, HashAlgorithm hash, ByteView data,
                                   ByteView signature) {
  auto h = hash_of(hash);
  if (!h) return fail(Errc::unsupported, fmt::format("RSASSA-PKCS1-v1_5 with {}", wire::to_string(hash)));
  if (key.type() != KeyType::rsa) return fail(Errc::bad_key, "RSASSA-PKCS1-v1_5 needs an RSA key");
  EVP_PKEY* pkey = KeyAccess::pkey(key);
  const size_t k = static_cast<size_t>(EVP_PKEY_get_size(pkey));
  // RFC 8017 §8.2.2 step 1.
  if (signature.size() != k)
    return fail(Errc::bad_signature,
                fmt::format("RSA signature of {} octets, modulus is {}", signature.size(), k));

  uint8_t digest[EVP_MAX_MD_SIZE];
  size_t digest_len = 0;
  if (EVP_Q_digest(nullptr, h->name, nullptr, data.data(), data.size(), digest, &digest_len) != 1) {
    ERR_clear_error();
    return fail(Errc::crypto_failure, fmt::format("{} not available", h->name));
  }
  auto expected = emsa_pkcs1_v1_5_encode(hash, ByteView(digest, digest_len), k);
  if (!expected) return fail(expected.error());

  // RSAVP1: s^e mod n with no padding removal at all. OpenSSL rejects s >= n.
  ossl::PKeyCtx ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr)};
  Bytes em(k);
  size_t em_len = em.size();
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_verify_recover(ctx.get(), em.data(), &em_len, signature.data(), signature.size()) != 1) {
    ERR_clear_error();
    return fail(Errc::bad_signature, "RSA public-key operation rejected the signature");
  }
  if (em_len != k || !constant_time_equal(em, *expected))
    return fail(Errc::bad_signature, "RSA signature is not the expected EMSA-PKCS1-v1_5 encoding");
  return {};
}

}  // namespace tern::crypto

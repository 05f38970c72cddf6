// The low-level SHA functions are deprecated in OpenSSL 3.0 but are the only
// way to copy a hash state without a heap allocation (see esp_hmac.h).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "crypto/esp_hmac.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <cstring>

#include "crypto/new_hmac.h"
#include "crypto/ossl_handles.h"
#include "crypto/suite.h"

#if defined(OPENSSL_NO_DEPRECATED_3_0)
#error "esp_hmac.cc needs OpenSSL's SHA*_Init/Update/Final (built without no-deprecated)"
#endif

namespace tern::crypto {
namespace {

// One hash function as the digest_states implementation uses it.
template <typename C, size_t Block, size_t Digest, int (*Init)(C*), int (*Update)(C*, const void*, size_t),
          int (*Final)(unsigned char*, C*)>
struct Hash {
  using Ctx = C;
  static constexpr size_t kBlock = Block;
  static constexpr size_t kDigest = Digest;
  static bool init(Ctx* c) { return Init(c) == 1; }
  static bool update(Ctx* c, ByteView v) { return v.empty() || Update(c, v.data(), v.size()) == 1; }
  static bool final(uint8_t* md, Ctx* c) { return Final(md, c) == 1; }
};

using Sha1 = Hash<SHA_CTX, 64, 20, SHA1_Init, SHA1_Update, SHA1_Final>;
using Sha256 = Hash<SHA256_CTX, 64, 32, SHA256_Init, SHA256_Update, SHA256_Final>;
using Sha384 = Hash<SHA512_CTX, 128, 48, SHA384_Init, SHA384_Update, SHA384_Final>;
using Sha512 = Hash<SHA512_CTX, 128, 64, SHA512_Init, SHA512_Update, SHA512_Final>;

// RFC 2104: HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); K is shorter
// than a block for every transform here, so it is zero-padded, never hashed.
template <typename H>
class DigestStatesHmac final : public EspHmac {
 public:
  DigestStatesHmac(ByteView key, size_t icv_size) : icv_size_(icv_size) {
    TERN_ASSERT(key.size() <= H::kBlock && icv_size <= H::kDigest);
    uint8_t ipad[H::kBlock];
    uint8_t opad[H::kBlock];
    for (size_t i = 0; i < H::kBlock; ++i) {
      const uint8_t k = i < key.size() ? key[i] : 0;
      ipad[i] = static_cast<uint8_t>(k ^ 0x36);
      opad[i] = static_cast<uint8_t>(k ^ 0x5c);
    }
    const bool ok =
        H::init(&inner_) && H::update(&inner_, ipad) && H::init(&outer_) && H::update(&outer_, opad);
    OPENSSL_cleanse(ipad, sizeof ipad);
    OPENSSL_cleanse(opad, sizeof opad);
    if (!ok) TERN_BUG("HMAC: OpenSSL failed to start a hash");
  }
  ~DigestStatesHmac() override {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
  }

  size_t icv_size() const override { return icv_size_; }

  void compute(ByteView data, ByteView trailer, MutableByteView icv) override {
    if (icv.size() < icv_size_) TERN_BUG("HMAC: ICV buffer too short");
    typename H::Ctx c = inner_;
    uint8_t digest[H::kDigest];
    bool ok = H::update(&c, data) && H::update(&c, trailer) && H::final(digest, &c);
    c = outer_;
    ok = ok && H::update(&c, digest) && H::final(digest, &c);
    if (!ok) TERN_BUG("HMAC: OpenSSL failed to hash");
    std::memcpy(icv.data(), digest, icv_size_);
    OPENSSL_cleanse(&c, sizeof c);
  }

 private:
  typename H::Ctx inner_;  // state after (K ^ ipad)
  typename H::Ctx outer_;  // state after (K ^ opad)
  size_t icv_size_;
};

class EvpMacHmac final : public EspHmac {
 public:
  EvpMacHmac(ossl::MacCtx ctx, size_t icv_size) : ctx_(std::move(ctx)), icv_size_(icv_size) {}

  size_t icv_size() const override { return icv_size_; }

  void compute(ByteView data, ByteView trailer, MutableByteView icv) override {
    if (icv.size() < icv_size_) TERN_BUG("HMAC: ICV buffer too short");
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t len = 0;
    // A null key keeps the key set at creation and restarts the MAC.
    const bool ok = EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) == 1 &&
                    (data.empty() || EVP_MAC_update(ctx_.get(), data.data(), data.size()) == 1) &&
                    (trailer.empty() || EVP_MAC_update(ctx_.get(), trailer.data(), trailer.size()) == 1) &&
                    EVP_MAC_final(ctx_.get(), mac, &len, sizeof mac) == 1 && len >= icv_size_;
    if (!ok) TERN_BUG("HMAC: OpenSSL failed on a keyed EVP_MAC");
    std::memcpy(icv.data(), mac, icv_size_);
  }

 private:
  ossl::MacCtx ctx_;
  size_t icv_size_;
};

const char* digest_name(wire::IntegId integ) {
  switch (integ) {
    case wire::IntegId::HMAC_SHA1_96: return "SHA1";
    case wire::IntegId::HMAC_SHA2_256_128: return "SHA256";
    case wire::IntegId::HMAC_SHA2_384_192: return "SHA384";
    case wire::IntegId::HMAC_SHA2_512_256: return "SHA512";
    default: return nullptr;
  }
}

Result<std::unique_ptr<EspHmac>> make_evp_mac(const char* digest, ByteView key, size_t icv_size) {
  ossl::MacCtx ctx = new_keyed_hmac(digest, key);
  if (!ctx) {
    return fail(Errc::crypto_failure, fmt::format("HMAC-{}: OpenSSL failed to key the MAC", digest));
  }
  return std::unique_ptr<EspHmac>(new EvpMacHmac(std::move(ctx), icv_size));
}

}  // namespace

Result<std::unique_ptr<EspHmac>> EspHmac::create(wire::IntegId integ, ByteView key, HmacImpl impl) {
  const char* digest = digest_name(integ);
  auto key_size = integ_key_size(integ);
  auto icv_size = integ_icv_size(integ);
  if (digest == nullptr || !key_size || !icv_size)
    return fail(Errc::unsupported, fmt::format("ESP integrity {} not implemented", wire::to_string(integ)));
  if (key.size() != *key_size)
    return fail(Errc::bad_key,
                fmt::format("{}: key of {} octets, need {}", wire::to_string(integ), key.size(), *key_size));
  if (impl == HmacImpl::evp_mac) return make_evp_mac(digest, key, *icv_size);
  switch (integ) {
    case wire::IntegId::HMAC_SHA1_96:
      return std::unique_ptr<EspHmac>(new DigestStatesHmac<Sha1>(key, *icv_size));
    case wire::IntegId::HMAC_SHA2_256_128:
      return std::unique_ptr<EspHmac>(new DigestStatesHmac<Sha256>(key, *icv_size));
    case wire::IntegId::HMAC_SHA2_384_192:
      return std::unique_ptr<EspHmac>(new DigestStatesHmac<Sha384>(key, *icv_size));
    case wire::IntegId::HMAC_SHA2_512_256:
      return std::unique_ptr<EspHmac>(new DigestStatesHmac<Sha512>(key, *icv_size));
    default: TERN_BUG("ESP HMAC: digest_name and this switch disagree");
  }
}

}  // namespace tern::crypto

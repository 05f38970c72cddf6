#include "crypto/hmac.h"

// The one-shot SHA functions are marked deprecated in OpenSSL 3.0 in favour of
// EVP_Digest*, whose per-call provider dispatch is what this file avoids (see
// hmac.h). They stay exported by libcrypto 3.x.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>

#include "base/error.h"
#include "base/secret_bytes.h"

namespace tern::crypto {
namespace {

static_assert(sizeof(SHA512_CTX) <= HmacKey::kStateSize && sizeof(SHA256_CTX) <= HmacKey::kStateSize &&
              sizeof(SHA_CTX) <= HmacKey::kStateSize);

constexpr uint8_t kIpad = 0x36;
constexpr uint8_t kOpad = 0x5c;

// One hash function through libcrypto's one-shot interface: Ctx and its three
// functions, the block size B and the output size L (RFC 2104 §2).
template <typename Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, size_t),
          int (*Final)(unsigned char*, Ctx*), size_t B, size_t L>
struct Hash {
  static constexpr size_t block = B;
  static constexpr size_t output = L;

  static void init(Ctx& c) {
    if (Init(&c) != 1) TERN_BUG("SHA init failed");
  }
  static void update(Ctx& c, ByteView data) {
    if (!data.empty() && Update(&c, data.data(), data.size()) != 1) TERN_BUG("SHA update failed");
  }
  static void final(Ctx& c, uint8_t* out) {
    if (Final(out, &c) != 1) TERN_BUG("SHA final failed");
  }

  // The states after (K0 ^ ipad) and (K0 ^ opad), stored into inner / outer.
  static void key(ByteView key, uint8_t* inner, uint8_t* outer) {
    uint8_t k0[B] = {};
    Ctx c;
    if (key.size() > B) {
      init(c);
      update(c, key);
      final(c, k0);  // H(K), then zeros up to B
    } else if (!key.empty()) {
      std::memcpy(k0, key.data(), key.size());
    }
    uint8_t pad[B];
    for (size_t i = 0; i < B; ++i) pad[i] = static_cast<uint8_t>(k0[i] ^ kIpad);
    init(c);
    update(c, ByteView(pad, B));
    std::memcpy(inner, &c, sizeof c);
    for (size_t i = 0; i < B; ++i) pad[i] = static_cast<uint8_t>(k0[i] ^ kOpad);
    init(c);
    update(c, ByteView(pad, B));
    std::memcpy(outer, &c, sizeof c);
    secure_zero(k0, sizeof k0);
    secure_zero(pad, sizeof pad);
    secure_zero(&c, sizeof c);
  }

  static void mac(const uint8_t* inner, const uint8_t* outer, std::span<const ByteView> data, uint8_t* out) {
    Ctx c;
    std::memcpy(&c, inner, sizeof c);
    for (ByteView part : data) update(c, part);
    uint8_t inner_hash[L];
    final(c, inner_hash);
    std::memcpy(&c, outer, sizeof c);
    update(c, ByteView(inner_hash, L));
    final(c, out);
    secure_zero(inner_hash, sizeof inner_hash);
    secure_zero(&c, sizeof c);
  }
};

using Sha1 = Hash<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final, 64, 20>;
using Sha256 = Hash<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final, 64, 32>;
using Sha384 = Hash<SHA512_CTX, SHA384_Init, SHA384_Update, SHA384_Final, 128, 48>;
using Sha512 = Hash<SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final, 128, 64>;

}  // namespace

HmacKey::HmacKey(HmacHash hash, ByteView key) : hash_(hash), inner_{}, outer_{} {
  switch (hash_) {
    case HmacHash::sha1: Sha1::key(key, inner_.data(), outer_.data()); break;
    case HmacHash::sha256: Sha256::key(key, inner_.data(), outer_.data()); break;
    case HmacHash::sha384: Sha384::key(key, inner_.data(), outer_.data()); break;
    case HmacHash::sha512: Sha512::key(key, inner_.data(), outer_.data()); break;
  }
}

HmacKey::~HmacKey() {
  secure_zero(inner_.data(), inner_.size());
  secure_zero(outer_.data(), outer_.size());
}

size_t HmacKey::output_size() const {
  switch (hash_) {
    case HmacHash::sha1: return Sha1::output;
    case HmacHash::sha256: return Sha256::output;
    case HmacHash::sha384: return Sha384::output;
    case HmacHash::sha512: return Sha512::output;
  }
  return 0;
}

void HmacKey::compute(std::span<const ByteView> data, MutableByteView out) const {
  if (out.size() != output_size()) TERN_BUG("HmacKey::compute: output of the wrong size");
  switch (hash_) {
    case HmacHash::sha1: Sha1::mac(inner_.data(), outer_.data(), data, out.data()); break;
    case HmacHash::sha256: Sha256::mac(inner_.data(), outer_.data(), data, out.data()); break;
    case HmacHash::sha384: Sha384::mac(inner_.data(), outer_.data(), data, out.data()); break;
    case HmacHash::sha512: Sha512::mac(inner_.data(), outer_.data(), data, out.data()); break;
  }
}

}  // namespace tern::crypto

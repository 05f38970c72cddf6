#include "crypto/prf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>

#include "crypto/aes_xcbc.h"
#include "crypto/ossl_handles.h"
#include "crypto/prf_key.h"

namespace tern::crypto {
namespace {

using wire::PrfId;

constexpr size_t kAesKeySize = 16;

// OpenSSL algorithm objects, fetched once per process and intentionally never
// freed (still reachable at exit). Function-local statics: thread-safe init.
EVP_MAC* fetch_mac(const char* name) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, name, nullptr);
  if (mac == nullptr) TERN_BUG("EVP_MAC_fetch failed");
  return mac;
}
EVP_MAC* cmac_algorithm() {
  static EVP_MAC* const mac = fetch_mac("CMAC");
  return mac;
}

void mac_update_final(EVP_MAC_CTX* ctx, std::span<const ByteView> data, MutableByteView out) {
  for (ByteView part : data) {
    if (!part.empty() && EVP_MAC_update(ctx, part.data(), part.size()) != 1)
      TERN_BUG("EVP_MAC_update failed");
  }
  size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    TERN_BUG("EVP_MAC_final failed");
  }
}

bool is_hmac(PrfId id) {
  return id == PrfId::HMAC_SHA1 || id == PrfId::HMAC_SHA2_256 || id == PrfId::HMAC_SHA2_384 ||
         id == PrfId::HMAC_SHA2_512;
}

HmacHash hmac_hash(PrfId id) {
  switch (id) {
    case PrfId::HMAC_SHA1: return HmacHash::sha1;
    case PrfId::HMAC_SHA2_256: return HmacHash::sha256;
    case PrfId::HMAC_SHA2_384: return HmacHash::sha384;
    case PrfId::HMAC_SHA2_512: return HmacHash::sha512;
    default: TERN_BUG("hmac_hash: not an HMAC PRF");
  }
}

// AES-CMAC with a 16-octet key (RFC 4493). A keyless CMAC context cannot be
// duplicated in OpenSSL 3.0, so each call names the cipher.
void aes_cmac(ByteView key16, std::span<const ByteView> data, MutableByteView out) {
  ossl::MacCtx ctx(EVP_MAC_CTX_new(cmac_algorithm()));
  static char kCipher[] = "AES-128-CBC";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, kCipher, 0),
      OSSL_PARAM_construct_end(),
  };
  if (!ctx || EVP_MAC_init(ctx.get(), key16.data(), key16.size(), params) != 1) TERN_BUG("CMAC init failed");
  mac_update_final(ctx.get(), data, out);
}

}  // namespace

Result<Prf> Prf::create(PrfId id) {
  switch (id) {
    case PrfId::HMAC_SHA1: return Prf(id, Kind::hmac, 20);
    case PrfId::HMAC_SHA2_256: return Prf(id, Kind::hmac, 32);
    case PrfId::HMAC_SHA2_384: return Prf(id, Kind::hmac, 48);
    case PrfId::HMAC_SHA2_512: return Prf(id, Kind::hmac, 64);
    case PrfId::AES128_XCBC: return Prf(id, Kind::aes_xcbc, 16);
    case PrfId::AES128_CMAC: return Prf(id, Kind::aes_cmac, 16);
    default: return fail(Errc::unsupported, "PRF " + wire::to_string(id) + " is not implemented");
  }
}

SecretBytes Prf::compute(ByteView key, std::span<const ByteView> data) const {
  SecretBytes out(output_size_);
  if (kind_ == Kind::hmac) {
    HmacKey(hmac_hash(id_), key).compute(data, out.mutable_view());
  } else {
    PrfKey(*this, key).compute(data, out.mutable_view());
  }
  return out;
}

PrfKey::PrfKey(const Prf& prf, ByteView key) : prf_(prf) {
  if (is_hmac(prf_.id())) {
    hmac_.emplace(hmac_hash(prf_.id()), key);
  } else {
    key_ = SecretBytes(key);
  }
}

void PrfKey::compute(std::span<const ByteView> data, MutableByteView out) const {
  if (out.size() != prf_.output_size()) TERN_BUG("PrfKey::compute: output of the wrong size");
  const ByteView key = key_.view();
  if (hmac_) {
    hmac_->compute(data, out);
    return;
  }
  switch (prf_.id()) {
    case PrfId::AES128_XCBC: {
      // RFC 4434 §2: a 16-octet key is used as is; a shorter one is padded on
      // the right with zero octets; a longer one is replaced by
      // AES-XCBC-PRF-128(0^128, key).
      std::array<uint8_t, kAesKeySize> zero_key{};
      SecretBytes k(kAesKeySize);
      if (key.size() <= kAesKeySize) {
        std::copy(key.begin(), key.end(), k.data());
      } else {
        aes_xcbc_mac(zero_key, std::span(&key, 1), k.mutable_view());
      }
      aes_xcbc_mac(k.view(), data, out);
      break;
    }

    case PrfId::AES128_CMAC: {
      // RFC 4615 §3: a 16-octet key is used as is; any other length is
      // replaced by AES-CMAC(0^128, key).
      if (key.size() == kAesKeySize) {
        aes_cmac(key, data, out);
      } else {
        std::array<uint8_t, kAesKeySize> zero_key{};
        SecretBytes k(kAesKeySize);
        aes_cmac(zero_key, std::span(&key, 1), k.mutable_view());
        aes_cmac(k.view(), data, out);
      }
      break;
    }
    default: TERN_BUG("PrfKey: a PRF that Prf::create does not make");
  }
}

}  // namespace tern::crypto

#include "crypto/prf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>

#include "crypto/aes_xcbc.h"
#include "crypto/ossl_handles.h"

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
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = fetch_mac("HMAC");
  return mac;
}
EVP_MAC* cmac_algorithm() {
  static EVP_MAC* const mac = fetch_mac("CMAC");
  return mac;
}

// For HMAC, a context with the digest already set and no key: compute()
// duplicates it and only sets the key, so the digest is not looked up by name
// on every call. Never used directly, only copied (read-only, so shareable).
EVP_MAC_CTX* make_hmac_prototype(const char* digest) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_algorithm());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end(),
  };
  if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) TERN_BUG("HMAC context setup failed");
  return ctx;
}
const EVP_MAC_CTX* hmac_prototype(PrfId id) {
  switch (id) {
    case PrfId::HMAC_SHA1: {
      static EVP_MAC_CTX* const ctx = make_hmac_prototype("SHA1");
      return ctx;
    }
    case PrfId::HMAC_SHA2_256: {
      static EVP_MAC_CTX* const ctx = make_hmac_prototype("SHA2-256");
      return ctx;
    }
    case PrfId::HMAC_SHA2_384: {
      static EVP_MAC_CTX* const ctx = make_hmac_prototype("SHA2-384");
      return ctx;
    }
    case PrfId::HMAC_SHA2_512: {
      static EVP_MAC_CTX* const ctx = make_hmac_prototype("SHA2-512");
      return ctx;
    }
    default: TERN_BUG("hmac_prototype: not an HMAC PRF");
  }
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

// One HMAC context per thread and PRF, re-keyed per call: EVP_MAC_init with a
// key resets the context, so nothing of the previous key is used. Keeping it
// saves duplicating the prototype (an EVP_MAC_CTX, an HMAC_CTX and three
// digest contexts allocated and freed) on each of the ~14 HMACs per IKE SA
// setup. The key stays in the context until the next call on this thread.
EVP_MAC_CTX* thread_hmac_context(PrfId id) {
  struct Contexts {
    ossl::MacCtx sha1, sha256, sha384, sha512;
  };
  thread_local Contexts contexts;
  ossl::MacCtx* slot = nullptr;
  switch (id) {
    case PrfId::HMAC_SHA1: slot = &contexts.sha1; break;
    case PrfId::HMAC_SHA2_256: slot = &contexts.sha256; break;
    case PrfId::HMAC_SHA2_384: slot = &contexts.sha384; break;
    case PrfId::HMAC_SHA2_512: slot = &contexts.sha512; break;
    default: TERN_BUG("thread_hmac_context: not an HMAC PRF");
  }
  if (!*slot) [[unlikely]] {
    slot->reset(EVP_MAC_CTX_dup(hmac_prototype(id)));
    if (!*slot) TERN_BUG("HMAC context setup failed");
  }
  return slot->get();
}

// HMAC accepts any key length (RFC 2104). An empty key is passed as a valid
// pointer with length 0: OpenSSL treats a null key as "keep the old key".
void hmac(PrfId id, ByteView key, std::span<const ByteView> data, MutableByteView out) {
  static constexpr uint8_t kNoKey = 0;
  EVP_MAC_CTX* ctx = thread_hmac_context(id);
  if (EVP_MAC_init(ctx, key.empty() ? &kNoKey : key.data(), key.size(), nullptr) != 1) {
    TERN_BUG("HMAC init failed");
  }
  mac_update_final(ctx, data, out);
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
  switch (kind_) {
    case Kind::hmac: hmac(id_, key, data, out.mutable_view()); break;

    case Kind::aes_xcbc: {
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
      aes_xcbc_mac(k.view(), data, out.mutable_view());
      break;
    }

    case Kind::aes_cmac: {
      // RFC 4615 §3: a 16-octet key is used as is; any other length is
      // replaced by AES-CMAC(0^128, key).
      if (key.size() == kAesKeySize) {
        aes_cmac(key, data, out.mutable_view());
      } else {
        std::array<uint8_t, kAesKeySize> zero_key{};
        SecretBytes k(kAesKeySize);
        aes_cmac(zero_key, std::span(&key, 1), k.mutable_view());
        aes_cmac(k.view(), data, out.mutable_view());
      }
      break;
    }
  }
  return out;
}

}  // namespace tern::crypto

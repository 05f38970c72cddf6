// See new_hmac.h.
#include "crypto/new_hmac.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

namespace tern::crypto {

ossl::MacCtx new_keyed_hmac(const char* digest, ByteView key) {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  ossl::MacCtx ctx{hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr};
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end(),
  };
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    ERR_clear_error();
    return {};
  }
  return ctx;
}

}  // namespace tern::crypto

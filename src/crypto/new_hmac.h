// A new OpenSSL HMAC context, keyed: shared by the SK contexts
// (sk_context.cc) and ESP's integrity (esp_hmac.cc), which then keep it.
// Empty (OpenSSL's error queue cleared) when OpenSSL cannot make or key one:
// an unknown digest name or a broken build; the caller says which failed.
#pragma once

#include "base/bytes.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {

// `digest` is OpenSSL's name: "SHA1", "SHA256", "SHA384", "SHA512".
ossl::MacCtx new_keyed_hmac(const char* digest, ByteView key);

}  // namespace tern::crypto

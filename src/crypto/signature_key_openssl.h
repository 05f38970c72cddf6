// crypto/-internal: the OpenSSL side of PublicKey / PrivateKey. Included only
// by .cc files in src/crypto/ (signature.cc, signature_pkcs1.cc, and the
// X.509 code that turns a certificate's key into a PublicKey).
#pragma once

#include <openssl/evp.h>

#include "crypto/ossl_handles.h"
#include "crypto/signature_key.h"

namespace tern::crypto {

class PublicKey::Impl {
 public:
  Impl(ossl::PKey key, KeyType key_type) : pkey(std::move(key)), type(key_type) {}
  ossl::PKey pkey;
  KeyType type;
};

class PrivateKey::Impl {
 public:
  Impl(ossl::PKey key, KeyType key_type) : pkey(std::move(key)), type(key_type) {}
  ossl::PKey pkey;
  KeyType type;
};

struct KeyAccess {
  static EVP_PKEY* pkey(const PublicKey& k) { return k.impl_->pkey.get(); }
  static EVP_PKEY* pkey(const PrivateKey& k) { return k.impl_->pkey.get(); }
  // Adopts a key whose type tern supports (Errc::unsupported / bad_key otherwise).
  static Result<PublicKey> adopt_public(ossl::PKey pkey);
  static Result<PrivateKey> adopt_private(ossl::PKey pkey);
};

}  // namespace tern::crypto

#include "crypto/signature_key.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <string>

#include "crypto/signature_key_openssl.h"

namespace tern::crypto {
namespace {

using Bio = std::unique_ptr<BIO, ossl::Deleter<BIO, BIO_free_all>>;

constexpr int kMinRsaBits = 2048;

// The last OpenSSL error as text, clearing the thread's error queue.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "no detail from OpenSSL";
}

// Never prompt: an encrypted key simply fails to load.
int refuse_passphrase(char*, int, int, void*) {
  return -1;
}

Result<KeyType> classify(EVP_PKEY* pkey) {
  const int id = EVP_PKEY_get_base_id(pkey);
  switch (id) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: {
      const int bits = EVP_PKEY_get_bits(pkey);
      if (bits < kMinRsaBits)
        return fail(Errc::bad_key,
                    fmt::format("RSA key of {} bits; at least {} required", bits, kMinRsaBits));
      return KeyType::rsa;
    }
    case EVP_PKEY_EC: {
      char name[64] = {};
      size_t len = 0;
      if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1)
        return fail(Errc::bad_key, "EC key without a named curve: " + openssl_reason());
      const std::string_view curve(name, len);
      if (curve == "prime256v1") return KeyType::ecdsa_p256;
      if (curve == "secp384r1") return KeyType::ecdsa_p384;
      if (curve == "secp521r1") return KeyType::ecdsa_p521;
      return fail(Errc::unsupported, fmt::format("ECDSA on curve {} not supported", curve));
    }
    case EVP_PKEY_ED25519: return KeyType::ed25519;
    default: {
      const char* name = id > 0 ? OBJ_nid2sn(id) : nullptr;
      return fail(Errc::unsupported,
                  fmt::format("{} keys not supported", name != nullptr ? name : "unknown"));
    }
  }
}

Result<Bio> memory_bio(ByteView data) {
  if (data.size() > INT_MAX) return fail(Errc::bad_key, "key file too large");
  Bio bio{BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))};
  if (!bio) TERN_BUG("BIO_new_mem_buf failed");
  return bio;
}

bool looks_encrypted(ByteView pem) {
  const std::string_view text(reinterpret_cast<const char*>(pem.data()), pem.size());
  return text.find("ENCRYPTED") != std::string_view::npos;
}

}  // namespace

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa: return "RSA";
    case KeyType::ecdsa_p256: return "ECDSA P-256";
    case KeyType::ecdsa_p384: return "ECDSA P-384";
    case KeyType::ecdsa_p521: return "ECDSA P-521";
    case KeyType::ed25519: return "Ed25519";
  }
  return "unknown";
}

Result<PublicKey> KeyAccess::adopt_public(ossl::PKey pkey) {
  auto type = classify(pkey.get());
  if (!type) return fail(type.error());
  return PublicKey(std::make_shared<const PublicKey::Impl>(std::move(pkey), *type));
}

Result<PrivateKey> KeyAccess::adopt_private(ossl::PKey pkey) {
  auto type = classify(pkey.get());
  if (!type) return fail(type.error());
  return PrivateKey(std::make_unique<PrivateKey::Impl>(std::move(pkey), *type));
}

// --- PublicKey ---

Result<PublicKey> PublicKey::from_pem(ByteView pem) {
  auto bio = memory_bio(pem);
  if (!bio) return fail(bio.error());
  ossl::PKey pkey{PEM_read_bio_PUBKEY(bio->get(), nullptr, refuse_passphrase, nullptr)};
  if (!pkey) return fail(Errc::bad_key, "no PEM PUBLIC KEY: " + openssl_reason());
  return KeyAccess::adopt_public(std::move(pkey));
}

Result<PublicKey> PublicKey::from_der(ByteView spki) {
  if (spki.size() > LONG_MAX) return fail(Errc::bad_key, "SubjectPublicKeyInfo too large");
  const unsigned char* p = spki.data();
  ossl::PKey pkey{d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()))};
  if (!pkey) return fail(Errc::bad_key, "not a DER SubjectPublicKeyInfo: " + openssl_reason());
  if (p != spki.data() + spki.size())
    return fail(Errc::bad_key,
                fmt::format("{} octets after the SubjectPublicKeyInfo", spki.data() + spki.size() - p));
  return KeyAccess::adopt_public(std::move(pkey));
}

KeyType PublicKey::type() const {
  return impl_->type;
}

size_t PublicKey::bits() const {
  return static_cast<size_t>(EVP_PKEY_get_bits(impl_->pkey.get()));
}

Bytes PublicKey::to_der() const {
  const int len = i2d_PUBKEY(impl_->pkey.get(), nullptr);
  if (len <= 0) TERN_BUG("i2d_PUBKEY failed on a loaded key");
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_PUBKEY(impl_->pkey.get(), &p) != len) TERN_BUG("i2d_PUBKEY changed its mind");
  return out;
}

bool operator==(const PublicKey& a, const PublicKey& b) {
  return EVP_PKEY_eq(a.impl_->pkey.get(), b.impl_->pkey.get()) == 1;
}

// --- PrivateKey ---

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

Result<PrivateKey> PrivateKey::from_pem(ByteView pem) {
  auto bio = memory_bio(pem);
  if (!bio) return fail(bio.error());
  ossl::PKey pkey{PEM_read_bio_PrivateKey(bio->get(), nullptr, refuse_passphrase, nullptr)};
  if (!pkey) {
    if (looks_encrypted(pem)) {
      ERR_clear_error();
      return fail(Errc::bad_key,
                  "encrypted private key: store it unencrypted (tern never asks for a passphrase)");
    }
    return fail(Errc::bad_key, "no PEM private key: " + openssl_reason());
  }
  return KeyAccess::adopt_private(std::move(pkey));
}

Result<PrivateKey> PrivateKey::from_der(ByteView der) {
  if (der.size() > LONG_MAX) return fail(Errc::bad_key, "private key too large");
  const unsigned char* p = der.data();
  ossl::PKey pkey{d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()))};
  if (!pkey) return fail(Errc::bad_key, "not a DER private key: " + openssl_reason());
  if (p != der.data() + der.size()) return fail(Errc::bad_key, "octets after the DER private key");
  return KeyAccess::adopt_private(std::move(pkey));
}

Result<PrivateKey> PrivateKey::generate(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::rsa: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072}); break;
    case KeyType::ecdsa_p256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyType::ecdsa_p384: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyType::ecdsa_p521: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"); break;
    case KeyType::ed25519: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
  }
  ossl::PKey pkey{raw};
  if (!pkey)
    return fail(Errc::crypto_failure,
                fmt::format("generating {} key: {}", to_string(type), openssl_reason()));
  return KeyAccess::adopt_private(std::move(pkey));
}

KeyType PrivateKey::type() const {
  return impl_->type;
}

size_t PrivateKey::bits() const {
  return static_cast<size_t>(EVP_PKEY_get_bits(impl_->pkey.get()));
}

PublicKey PrivateKey::public_key() const {
  // Round-trip through SubjectPublicKeyInfo so the result holds no private part.
  const int len = i2d_PUBKEY(impl_->pkey.get(), nullptr);
  if (len <= 0) TERN_BUG("i2d_PUBKEY failed on a loaded private key");
  Bytes spki(static_cast<size_t>(len));
  unsigned char* p = spki.data();
  if (i2d_PUBKEY(impl_->pkey.get(), &p) != len) TERN_BUG("i2d_PUBKEY changed its mind");
  auto pub = PublicKey::from_der(spki);
  if (!pub) TERN_BUG("public half of a loaded private key does not load");
  return std::move(*pub);
}

}  // namespace tern::crypto

// Curve25519 and Curve448 key exchange, groups 31 and 32 (RFC 8031, with the
// X25519 / X448 functions of RFC 7748).
//
// The public value is X25519(a, 9) / X448(a, 5), RFC 7748 §6.1-§6.2, computed
// with the same derive as the shared secret. Importing the private value
// alone would make OpenSSL 3.0 compute the public value itself, with its
// generic fixed-base code: ~34 µs against ~27 µs for a derive on this
// machine, and the derive context is set up once for both uses. So the key
// is imported with a placeholder public value (the base point) that nothing
// reads: only the derive uses this EVP_PKEY, and it reads the private value.
//
// KE data and g^ir are the 32- (X25519) or 56-octet (X448) little-endian
// u-coordinates, exactly as RFC 7748 §5 encodes them (RFC 8031 §2.1). The
// private value is 32 / 56 random octets; OpenSSL clamps it (RFC 7748 §5).
// EVP does everything here without extra validation cost: the peer key is
// imported raw and the derive is told not to run EVP_PKEY_public_check.
//
// OpenSSL 3.0 objects per exchange: each EVP_PKEY made from raw octets costs
// a key-management fetch by name and a walk over the whole name map
// (EVP_PKEY_set_type_by_keymgmt), a few µs, beside the 27 µs of the
// scalar multiplication. So the import context is kept per thread and
// curve, and the peer's public value is not a new EVP_PKEY per derive: a
// per-thread peer key gets the new u-coordinate
// (EVP_PKEY_set1_encoded_public_key) and is set as the derive's peer right
// before the derive. Only our own key (it holds the private value) is new
// per exchange.
//
// Peer check (RFC 8031 §2.3, RFC 7748 §6): any 32 / 56 octets are a valid
// u-coordinate, but a low-order point yields an all-zero shared secret, which
// must be refused. OpenSSL's X25519/X448 derive itself fails in exactly that
// case, so a failed derive is reported as that; the result is checked for
// zeros again here so the rule holds whatever the provider does.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/error.h"
#include "crypto/ke_internal.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto::ke {
namespace {

using wire::KeGroup;

struct Curve {
  int evp_type;      // EVP_PKEY_X25519 / EVP_PKEY_X448
  const char* name;  // the OpenSSL key type
  size_t octets;
  uint8_t base_u;  // the base point's u-coordinate: 9 / 5 (RFC 7748 §4.1, §4.2)
};

std::optional<Curve> find_curve(KeGroup group) {
  switch (group) {
    case KeGroup::CURVE25519: return Curve{EVP_PKEY_X25519, "X25519", 32, 9};
    case KeGroup::CURVE448: return Curve{EVP_PKEY_X448, "X448", 56, 5};
    default: return std::nullopt;
  }
}

// The base point as a public key, made once per process and never freed; only
// read (a derive's peer), which OpenSSL allows from several threads at once.
EVP_PKEY* make_base_point(const Curve& curve) {
  const uint8_t u[56] = {curve.base_u};
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(curve.evp_type, nullptr, u, curve.octets);
  if (key == nullptr) TERN_BUG("X25519/X448 base point setup failed");
  return key;
}
EVP_PKEY* base_point(const Curve& curve) {
  static EVP_PKEY* const x25519 = make_base_point(*find_curve(KeGroup::CURVE25519));
  static EVP_PKEY* const x448 = make_base_point(*find_curve(KeGroup::CURVE448));
  return curve.evp_type == EVP_PKEY_X25519 ? x25519 : x448;
}

// Per thread and curve: the context that imports our key pairs
// (fromdata-initialised once) and a public key whose u-coordinate is
// replaced for each derive (see the top of this file).
struct ThreadObjects {
  ossl::PKeyCtx import;
  ossl::PKey peer;
};
ThreadObjects& thread_objects(const Curve& curve) {
  thread_local ThreadObjects x25519, x448;
  ThreadObjects& objects = curve.evp_type == EVP_PKEY_X25519 ? x25519 : x448;
  if (!objects.import) [[unlikely]] {
    objects.import.reset(EVP_PKEY_CTX_new_from_name(nullptr, curve.name, nullptr));
    if (!objects.import || EVP_PKEY_fromdata_init(objects.import.get()) != 1)
      TERN_BUG("X25519/X448 key import setup failed");
    const uint8_t u[56] = {curve.base_u};
    objects.peer.reset(EVP_PKEY_new_raw_public_key(curve.evp_type, nullptr, u, curve.octets));
    if (!objects.peer) TERN_BUG("X25519/X448 peer key setup failed");
  }
  return objects;
}

bool all_zero(ByteView v) {
  uint8_t acc = 0;
  for (uint8_t b : v) acc = static_cast<uint8_t>(acc | b);  // no early exit
  return acc == 0;
}

class MontgomeryKeyExchange final : public KeyExchange {
 public:
  MontgomeryKeyExchange(KeGroup group, Curve curve, Random& random) : group_(group), curve_(curve) {
    SecretBytes private_value = random.secret(curve_.octets);
    uint8_t placeholder[56] = {curve_.base_u};  // never read, see the top of this file
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, private_value.data(), curve_.octets),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, placeholder, curve_.octets),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(thread_objects(curve_).import.get(), &key, EVP_PKEY_KEYPAIR, params) != 1) {
      TERN_BUG("X25519/X448 key import failed");
    }
    key_.reset(key);
    derive_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (!derive_ || EVP_PKEY_derive_init(derive_.get()) != 1) TERN_BUG("X25519/X448 derive setup failed");
    Result<SecretBytes> pub = derive_with(base_point(curve_));
    if (!pub) TERN_BUG("X25519/X448: the base point gave no public value");
    public_.assign(pub->data(), pub->data() + pub->size());
  }

  KeGroup group() const override { return group_; }
  ByteView public_value() const override { return public_; }

  Result<SecretBytes> compute_shared_secret(ByteView peer_public) const override {
    auto length = check_peer_length(group_, peer_public, curve_.octets);
    if (!length) return fail(std::move(length).error());
    return derive(peer_public);
  }

 private:
  // X25519(a, u) / X448(a, u) of our private value a and the given u-coordinate.
  Result<SecretBytes> derive(ByteView u) const {
    EVP_PKEY* peer = thread_objects(curve_).peer.get();
    if (EVP_PKEY_set1_encoded_public_key(peer, u.data(), u.size()) != 1)
      TERN_BUG("X25519/X448 peer key setup failed");
    return derive_with(peer);
  }
  Result<SecretBytes> derive_with(EVP_PKEY* peer) const {
    if (EVP_PKEY_derive_set_peer_ex(derive_.get(), peer, /*validate_peer=*/0) != 1)
      TERN_BUG("X25519/X448 derive setup failed");
    SecretBytes g_ir(curve_.octets);
    size_t len = g_ir.size();
    if (EVP_PKEY_derive(derive_.get(), g_ir.data(), &len) != 1) {
      return invalid_peer_value(group_, "low-order point: the shared secret is all zeros");
    }
    if (len != curve_.octets) TERN_BUG("X25519/X448 derive: wrong length");
    if (all_zero(g_ir.view()))
      return invalid_peer_value(group_, "low-order point: the shared secret is all zeros");
    return g_ir;
  }

  KeGroup group_;
  Curve curve_;
  ossl::PKey key_;
  ossl::PKeyCtx derive_;  // derive-initialised on key_; the peer is set per derive
  Bytes public_;
};

}  // namespace

std::optional<size_t> montgomery_public_value_size(KeGroup group) {
  auto curve = find_curve(group);
  if (!curve) return std::nullopt;
  return curve->octets;
}

std::unique_ptr<KeyExchange> create_montgomery(KeGroup group, Random& random) {
  auto curve = find_curve(group);
  if (!curve) TERN_BUG("create_montgomery: not a Montgomery curve group");
  return std::make_unique<MontgomeryKeyExchange>(group, *curve, random);
}

}  // namespace tern::crypto::ke

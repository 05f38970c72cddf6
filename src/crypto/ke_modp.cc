// MODP Diffie-Hellman groups 14, 15 and 16 (RFC 3526 §3-§5: 2048-, 3072- and
// 4096-bit safe primes, generator 2).
//
// Built on BIGNUM (not deprecated in OpenSSL 3) rather than EVP_PKEY DH:
// EVP cannot compute the public value g^x for a caller-chosen x (importing a
// DH key with only "priv" yields no "pub"), and the derive is the same one
// constant-time modular exponentiation either way, here without a per-exchange
// key import. OpenSSL's full peer validation (y^q mod p == 1) is not run: it
// costs about 7x the exchange itself on MODP-2048, and RFC 6989 does not
// require it for these groups (see check_peer_value).
#include <openssl/bn.h>

#include "base/error.h"
#include "crypto/ke_internal.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto::ke {
namespace {

using wire::KeGroup;

struct ModpGroup {
  KeGroup id;
  size_t prime_octets;     // KE data and g^ir length
  size_t exponent_octets;  // private exponent length
  ossl::Bignum p, p_minus_1, g;
  ossl::MontCtx mont;  // Montgomery form of p, shared read-only by all exchanges
};

// Private exponent sizes: the upper "exponent size" of the RFC 3526 §8 table
// (twice the upper strength estimate): 320, 420 (rounded up to 424) and 480 bits.
ModpGroup make_group(KeGroup id, BIGNUM* (*rfc3526_prime)(BIGNUM*), size_t exponent_octets) {
  ModpGroup group{.id = id,
                  .prime_octets = 0,
                  .exponent_octets = exponent_octets,
                  .p = ossl::Bignum(rfc3526_prime(nullptr)),
                  .p_minus_1 = ossl::Bignum(BN_new()),
                  .g = ossl::Bignum(BN_new()),
                  .mont = ossl::MontCtx(BN_MONT_CTX_new())};
  ossl::BnCtx ctx(BN_CTX_new());
  if (!group.p || !group.p_minus_1 || !group.g || !group.mont || !ctx ||
      !BN_sub(group.p_minus_1.get(), group.p.get(), BN_value_one()) || !BN_set_word(group.g.get(), 2) ||
      !BN_MONT_CTX_set(group.mont.get(), group.p.get(), ctx.get())) {
    TERN_BUG("MODP group setup failed");
  }
  group.prime_octets = static_cast<size_t>(BN_num_bytes(group.p.get()));
  return group;
}

const ModpGroup* find_group(KeGroup id) {
  switch (id) {
    case KeGroup::MODP_2048: {
      static const ModpGroup group = make_group(id, BN_get_rfc3526_prime_2048, 40);
      return &group;
    }
    case KeGroup::MODP_3072: {
      static const ModpGroup group = make_group(id, BN_get_rfc3526_prime_3072, 53);
      return &group;
    }
    case KeGroup::MODP_4096: {
      static const ModpGroup group = make_group(id, BN_get_rfc3526_prime_4096, 60);
      return &group;
    }
    default: return nullptr;
  }
}

// out = base^x mod p, constant time in x.
void mod_exp(const ModpGroup& group, BIGNUM* out, const BIGNUM* base, const BIGNUM* x) {
  ossl::BnCtx ctx(BN_CTX_new());
  if (!ctx || !BN_mod_exp_mont_consttime(out, base, x, group.p.get(), ctx.get(), group.mont.get())) {
    TERN_BUG("MODP exponentiation failed");
  }
}

class ModpKeyExchange final : public KeyExchange {
 public:
  ModpKeyExchange(const ModpGroup& group, Random& random) : group_(group) {
    // x: exponent_octets random octets with the top bit set, so x has exactly
    // the intended size (and is never 0 or 1).
    SecretBytes x = random.secret(group.exponent_octets);
    x.data()[0] |= 0x80;
    x_.reset(BN_secure_new());
    ossl::Bignum y(BN_new());
    if (!x_ || !y || !BN_bin2bn(x.data(), static_cast<int>(x.size()), x_.get())) TERN_BUG("BN alloc failed");
    BN_set_flags(x_.get(), BN_FLG_CONSTTIME);
    mod_exp(group_, y.get(), group_.g.get(), x_.get());  // g^x mod p
    public_.resize(group_.prime_octets);
    if (BN_bn2binpad(y.get(), public_.data(), static_cast<int>(public_.size())) < 0) TERN_BUG("bn2binpad");
  }

  KeGroup group() const override { return group_.id; }
  ByteView public_value() const override { return public_; }

  Result<SecretBytes> compute_shared_secret(ByteView peer_public) const override {
    auto length = check_peer_length(group_.id, peer_public, group_.prime_octets);
    if (!length) return fail(std::move(length).error());
    ossl::Bignum y(BN_bin2bn(peer_public.data(), static_cast<int>(peer_public.size()), nullptr));
    if (!y) TERN_BUG("BN alloc failed");
    auto valid = check_peer_value(y.get());
    if (!valid) return fail(std::move(valid).error());

    ossl::Bignum z(BN_secure_new());
    if (!z) TERN_BUG("BN alloc failed");
    mod_exp(group_, z.get(), y.get(), x_.get());  // g^ir = y^x mod p
    SecretBytes g_ir(group_.prime_octets);        // §2.14: padded to the prime's length
    if (BN_bn2binpad(z.get(), g_ir.data(), static_cast<int>(g_ir.size())) < 0) TERN_BUG("bn2binpad");
    return g_ir;
  }

 private:
  // RFC 6989 §2: the recipient checks 1 < y < p-1, rejecting 0, 1, p-1
  // (the elements of order 1 and 2) and anything not reduced mod p. For the
  // safe-prime groups 14-16 (p = 2q + 1) that is all RFC 6989 asks: every
  // other y has order q or 2q, so y^x cannot fall into a small subgroup; the
  // subgroup test y^q mod p == 1 is only required for the DSA-style groups
  // 22-24, and tern never reuses a private exponent (a fresh KeyExchange per
  // exchange), so no reuse concerns (RFC 6989) apply either.
  Result<void> check_peer_value(const BIGNUM* y) const {
    if (BN_cmp(y, BN_value_one()) <= 0) return invalid_peer_value(group_.id, "value is 0 or 1");
    const int vs_p_minus_1 = BN_cmp(y, group_.p_minus_1.get());
    if (vs_p_minus_1 == 0) return invalid_peer_value(group_.id, "value is p-1");
    if (vs_p_minus_1 > 0) return invalid_peer_value(group_.id, "value is not below the prime p");
    return {};
  }

  const ModpGroup& group_;
  ossl::Bignum x_;
  Bytes public_;
};

}  // namespace

std::optional<size_t> modp_public_value_size(KeGroup group) {
  switch (group) {
    case KeGroup::MODP_2048: return 256;
    case KeGroup::MODP_3072: return 384;
    case KeGroup::MODP_4096: return 512;
    default: return std::nullopt;
  }
}

std::unique_ptr<KeyExchange> create_modp(KeGroup group, Random& random) {
  const ModpGroup* g = find_group(group);
  if (g == nullptr) TERN_BUG("create_modp: not a MODP group");
  TERN_ASSERT(g->prime_octets == modp_public_value_size(group));
  return std::make_unique<ModpKeyExchange>(*g, random);
}

}  // namespace tern::crypto::ke

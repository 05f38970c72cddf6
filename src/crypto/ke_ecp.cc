// ECP groups 19, 20 and 21 (RFC 5903: NIST P-256, P-384, P-521).
//
// KE data (RFC 5903 §7): x | y, each coordinate big-endian and padded to the
// field's length (32, 48, 66 octets); no point-format octet. The shared secret
// is the x coordinate of d * Q_peer, padded the same way.
//
// Built on EC_GROUP / EC_POINT / BIGNUM, which OpenSSL 3 does not deprecate
// (EC_KEY is; it is not used). EVP cannot compute the public point for a
// caller-chosen scalar (an EC key imported with only "priv" has no "pub"),
// and an EVP derive would import the peer's key into a fresh EVP_PKEY on
// every exchange (about 20 us on P-256, ~45% of the scalar multiplication
// itself); here the curve is set up once per process. OpenSSL's full peer
// validation (EVP_PKEY_public_check: one more scalar multiplication by the
// order) is not run: check_peer_point does what RFC 6989 §2 requires.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "base/error.h"
#include "crypto/ke_internal.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto::ke {
namespace {

using wire::KeGroup;

struct EcpGroup {
  KeGroup id;
  size_t field_octets;  // length of one coordinate, and of g^ir
  ossl::EcGroup curve;  // y^2 = x^3 + a*x + b over GF(p), generator of prime order n
  ossl::Bignum p, a, b, n_minus_1;
};

EcpGroup make_group(KeGroup id, int nid) {
  EcpGroup group{.id = id,
                 .field_octets = 0,
                 .curve = ossl::EcGroup(EC_GROUP_new_by_curve_name(nid)),
                 .p = ossl::Bignum(BN_new()),
                 .a = ossl::Bignum(BN_new()),
                 .b = ossl::Bignum(BN_new()),
                 .n_minus_1 = ossl::Bignum(BN_new())};
  ossl::BnCtx ctx(BN_CTX_new());
  if (!group.curve || !group.p || !group.a || !group.b || !group.n_minus_1 || !ctx ||
      !EC_GROUP_get_curve(group.curve.get(), group.p.get(), group.a.get(), group.b.get(), ctx.get()) ||
      !BN_sub(group.n_minus_1.get(), EC_GROUP_get0_order(group.curve.get()), BN_value_one())) {
    TERN_BUG("ECP group setup failed");
  }
  // The three curves have cofactor 1: every point on the curve other than
  // infinity is in the prime-order group, so no subgroup check is needed.
  TERN_ASSERT(BN_is_one(EC_GROUP_get0_cofactor(group.curve.get())));
  group.field_octets = (static_cast<size_t>(EC_GROUP_get_degree(group.curve.get())) + 7) / 8;
  return group;
}

const EcpGroup* find_group(KeGroup id) {
  switch (id) {
    case KeGroup::ECP_256: {
      static const EcpGroup group = make_group(id, NID_X9_62_prime256v1);
      return &group;
    }
    case KeGroup::ECP_384: {
      static const EcpGroup group = make_group(id, NID_secp384r1);
      return &group;
    }
    case KeGroup::ECP_521: {
      static const EcpGroup group = make_group(id, NID_secp521r1);
      return &group;
    }
    default: return nullptr;
  }
}

ossl::Bignum new_bignum() {
  ossl::Bignum bn(BN_new());
  if (!bn) TERN_BUG("BN_new failed");
  return bn;
}

ossl::BnCtx new_bn_ctx() {
  ossl::BnCtx ctx(BN_CTX_new());
  if (!ctx) TERN_BUG("BN_CTX_new failed");
  return ctx;
}

// x and y of an affine point, each padded to field_octets.
void put_coordinate(const EcpGroup& group, const BIGNUM* v, uint8_t* out) {
  if (BN_bn2binpad(v, out, static_cast<int>(group.field_octets)) < 0) TERN_BUG("coordinate too long");
}

class EcpKeyExchange final : public KeyExchange {
 public:
  EcpKeyExchange(const EcpGroup& group, Random& random) : group_(group), d_(BN_secure_new()) {
    if (!d_) TERN_BUG("BN alloc failed");
    ossl::BnCtx ctx = new_bn_ctx();
    // d = (c mod (n-1)) + 1, with c 64 bits longer than n (FIPS 186-4 B.4.1):
    // a private scalar in [1, n-1], with negligible bias, from any Random.
    const size_t order_octets = static_cast<size_t>(BN_num_bytes(EC_GROUP_get0_order(group_.curve.get())));
    SecretBytes c_bytes = random.secret(order_octets + 8);
    ossl::Bignum c(BN_secure_new());
    if (!c || !BN_bin2bn(c_bytes.data(), static_cast<int>(c_bytes.size()), c.get()) ||
        !BN_mod(d_.get(), c.get(), group_.n_minus_1.get(), ctx.get()) || !BN_add_word(d_.get(), 1)) {
      TERN_BUG("ECP private scalar failed");
    }
    BN_set_flags(d_.get(), BN_FLG_CONSTTIME);

    ossl::EcPoint q(EC_POINT_new(group_.curve.get()));  // Q = d * G
    ossl::Bignum x = new_bignum(), y = new_bignum();
    if (!q || !EC_POINT_mul(group_.curve.get(), q.get(), d_.get(), nullptr, nullptr, ctx.get()) ||
        !EC_POINT_get_affine_coordinates(group_.curve.get(), q.get(), x.get(), y.get(), ctx.get())) {
      TERN_BUG("ECP public value failed");
    }
    public_.resize(2 * group_.field_octets);
    put_coordinate(group_, x.get(), public_.data());
    put_coordinate(group_, y.get(), public_.data() + group_.field_octets);
  }

  KeGroup group() const override { return group_.id; }
  ByteView public_value() const override { return public_; }

  Result<SecretBytes> compute_shared_secret(ByteView peer_public) const override {
    auto length = check_peer_length(group_.id, peer_public, 2 * group_.field_octets);
    if (!length) return fail(std::move(length).error());
    ossl::BnCtx ctx = new_bn_ctx();
    ossl::Bignum x = new_bignum(), y = new_bignum();
    const ByteView x_bytes = peer_public.first(group_.field_octets);
    const ByteView y_bytes = peer_public.subspan(group_.field_octets);
    if (!BN_bin2bn(x_bytes.data(), static_cast<int>(x_bytes.size()), x.get()) ||
        !BN_bin2bn(y_bytes.data(), static_cast<int>(y_bytes.size()), y.get())) {
      TERN_BUG("BN_bin2bn failed");
    }
    auto valid = check_peer_point(x.get(), y.get(), ctx.get());
    if (!valid) return fail(std::move(valid).error());

    ossl::EcPoint q(EC_POINT_new(group_.curve.get()));
    ossl::EcPoint shared(EC_POINT_new(group_.curve.get()));
    if (!q || !shared) TERN_BUG("EC_POINT_new failed");
    // OpenSSL checks the point again here; having passed check_peer_point it
    // cannot fail, but if the two ever disagreed the point is refused.
    if (!EC_POINT_set_affine_coordinates(group_.curve.get(), q.get(), x.get(), y.get(), ctx.get())) {
      return invalid_peer_value(group_.id, "point refused by OpenSSL");
    }
    // g^ir = x coordinate of d * Q_peer (constant-time ladder in OpenSSL).
    if (!EC_POINT_mul(group_.curve.get(), shared.get(), nullptr, q.get(), d_.get(), ctx.get())) {
      TERN_BUG("EC_POINT_mul failed");
    }
    // Cannot be infinity: Q has prime order n and 1 <= d < n.
    if (EC_POINT_is_at_infinity(group_.curve.get(), shared.get())) {
      return invalid_peer_value(group_.id, "shared point is the point at infinity");
    }
    ossl::Bignum shared_x(BN_secure_new());
    if (!shared_x || !EC_POINT_get_affine_coordinates(group_.curve.get(), shared.get(), shared_x.get(),
                                                      nullptr, ctx.get())) {
      TERN_BUG("EC_POINT_get_affine_coordinates failed");
    }
    SecretBytes g_ir(group_.field_octets);
    put_coordinate(group_, shared_x.get(), g_ir.data());
    return g_ir;
  }

 private:
  // RFC 6989 §2: the peer's public value must be a point on the curve and
  // not the point at infinity. Checked directly, a handful of field
  // operations (well under 1 us on P-256):
  //   0 <= x < p and 0 <= y < p        (coordinates are field elements)
  //   y^2 = x^3 + a*x + b  (mod p)     (on the curve)
  // The point at infinity has no x | y encoding; (0, 0), the only candidate,
  // fails the curve equation because b != 0 on all three curves.
  Result<void> check_peer_point(const BIGNUM* x, const BIGNUM* y, BN_CTX* ctx) const {
    if (BN_cmp(x, group_.p.get()) >= 0) return invalid_peer_value(group_.id, "x coordinate is not below p");
    if (BN_cmp(y, group_.p.get()) >= 0) return invalid_peer_value(group_.id, "y coordinate is not below p");
    const BIGNUM* p = group_.p.get();
    ossl::Bignum lhs = new_bignum(), rhs = new_bignum();
    if (!BN_mod_sqr(lhs.get(), y, p, ctx) ||                          // y^2
        !BN_mod_sqr(rhs.get(), x, p, ctx) ||                          // x^2
        !BN_mod_add(rhs.get(), rhs.get(), group_.a.get(), p, ctx) ||  // x^2 + a
        !BN_mod_mul(rhs.get(), rhs.get(), x, p, ctx) ||               // x^3 + a*x
        !BN_mod_add(rhs.get(), rhs.get(), group_.b.get(), p, ctx)) {  // x^3 + a*x + b
      TERN_BUG("curve equation failed");
    }
    if (BN_cmp(lhs.get(), rhs.get()) != 0) return invalid_peer_value(group_.id, "point is not on the curve");
    return {};
  }

  const EcpGroup& group_;
  ossl::Bignum d_;  // private scalar
  Bytes public_;
};

}  // namespace

std::optional<size_t> ecp_public_value_size(KeGroup group) {
  switch (group) {
    case KeGroup::ECP_256: return 64;
    case KeGroup::ECP_384: return 96;
    case KeGroup::ECP_521: return 132;
    default: return std::nullopt;
  }
}

std::unique_ptr<KeyExchange> create_ecp(KeGroup group, Random& random) {
  const EcpGroup* g = find_group(group);
  if (g == nullptr) TERN_BUG("create_ecp: not an ECP group");
  TERN_ASSERT(2 * g->field_octets == ecp_public_value_size(group));
  return std::make_unique<EcpKeyExchange>(*g, random);
}

}  // namespace tern::crypto::ke

#include "crypto/key_derivation.h"

#include <algorithm>
#include <array>

#include "crypto/prf_plus.h"

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;
using wire::PrfId;

std::array<uint8_t, 8> big_endian(uint64_t v) {
  std::array<uint8_t, 8> b{};
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  return b;
}

// RFC 7296 §2.14: a PRF that "only accepts a fixed-size key" (AES-XCBC-PRF-128,
// AES-CMAC-PRF-128) takes the first 64 bits of Ni and of Nr as its key.
bool has_fixed_key_size(PrfId prf) {
  return prf == PrfId::AES128_XCBC || prf == PrfId::AES128_CMAC;
}

Unexpected<Error> unsupported(std::string what) {
  return fail(Errc::unsupported, "key derivation: " + std::move(what));
}

Result<Prf> create_prf(PrfId id) {
  auto prf = Prf::create(id);
  if (!prf) return unsupported(prf.error().detail);
  return prf;
}

// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr)
IkeSaKeys expand_ike_sa_keys(const Prf& prf, const IkeSaKeySizes& sizes, const SecretBytes& SKEYSEED,
                             ByteView Ni, ByteView Nr, uint64_t spi_i, uint64_t spi_r) {
  const auto spi_i_bytes = big_endian(spi_i);
  const auto spi_r_bytes = big_endian(spi_r);
  Bytes seed;
  seed.reserve(Ni.size() + Nr.size() + 16);
  append(seed, Ni);
  append(seed, Nr);
  append(seed, spi_i_bytes);
  append(seed, spi_r_bytes);
  const SecretBytes keymat = prf_plus(prf, SKEYSEED.view(), seed, sizes.total());

  size_t at = 0;
  auto take = [&](size_t n) {
    SecretBytes key = keymat.slice(at, n);
    at += n;
    return key;
  };
  IkeSaKeys keys;
  keys.SK_d = take(sizes.SK_d);
  keys.SK_ai = take(sizes.SK_a);
  keys.SK_ar = take(sizes.SK_a);
  keys.SK_ei = take(sizes.SK_e);
  keys.SK_er = take(sizes.SK_e);
  keys.SK_pi = take(sizes.SK_p);
  keys.SK_pr = take(sizes.SK_p);
  return keys;
}

}  // namespace

Result<IkeSaKeySizes> ike_sa_key_sizes(const IkeSuite& suite) {
  const auto prf_key = prf_key_size(suite.prf);
  if (!prf_key) return unsupported("no key size for PRF " + wire::to_string(suite.prf));
  const auto encr_key = encr_key_size(suite.encr, suite.encr_key_bits);
  if (!encr_key) {
    return unsupported("no key size for " + wire::to_string(suite.encr) + " with " +
                       std::to_string(suite.encr_key_bits) + "-bit keys");
  }
  const auto integ_key = integ_key_size(suite.integ);
  if (!integ_key) return unsupported("no key size for INTEG " + wire::to_string(suite.integ));
  // RFC 5282 §8 / RFC 7296 §3.3: an AEAD cipher comes without an integrity
  // transform; any other cipher needs one for the IKE SA.
  if (is_aead(suite.encr) != (suite.integ == IntegId::NONE)) {
    return unsupported(wire::to_string(suite.encr) + " cannot be combined with INTEG " +
                       wire::to_string(suite.integ));
  }
  return IkeSaKeySizes{.SK_d = *prf_key, .SK_a = *integ_key, .SK_e = *encr_key, .SK_p = *prf_key};
}

SecretBytes compute_skeyseed(const Prf& prf, ByteView Ni, ByteView Nr, ByteView g_ir) {
  constexpr size_t kHalfKey = 8;  // 64 bits
  if (has_fixed_key_size(prf.id())) {
    Ni = Ni.first(std::min(Ni.size(), kHalfKey));
    Nr = Nr.first(std::min(Nr.size(), kHalfKey));
  }
  Bytes key;
  key.reserve(Ni.size() + Nr.size());
  append(key, Ni);
  append(key, Nr);
  return prf.compute(key, g_ir);
}

SecretBytes compute_rekey_skeyseed(const Prf& old_prf, const SecretBytes& old_SK_d, ByteView g_ir_new,
                                   ByteView Ni, ByteView Nr) {
  return old_prf.compute(old_SK_d.view(), {g_ir_new, Ni, Nr});
}

Result<IkeSaKeys> derive_ike_sa_keys(const IkeSuite& suite, ByteView g_ir, ByteView Ni, ByteView Nr,
                                     uint64_t spi_i, uint64_t spi_r) {
  auto sizes = ike_sa_key_sizes(suite);
  if (!sizes) return fail(std::move(sizes).error());
  auto prf = create_prf(suite.prf);
  if (!prf) return fail(std::move(prf).error());
  const SecretBytes SKEYSEED = compute_skeyseed(*prf, Ni, Nr, g_ir);
  return expand_ike_sa_keys(*prf, *sizes, SKEYSEED, Ni, Nr, spi_i, spi_r);
}

Result<IkeSaKeys> derive_rekeyed_ike_sa_keys(const IkeSuite& new_suite, PrfId old_prf,
                                             const SecretBytes& old_SK_d, ByteView g_ir_new, ByteView Ni,
                                             ByteView Nr, uint64_t spi_i, uint64_t spi_r) {
  auto sizes = ike_sa_key_sizes(new_suite);
  if (!sizes) return fail(std::move(sizes).error());
  auto prf_old = create_prf(old_prf);
  if (!prf_old) return fail(std::move(prf_old).error());
  auto prf_new = create_prf(new_suite.prf);
  if (!prf_new) return fail(std::move(prf_new).error());
  const SecretBytes SKEYSEED = compute_rekey_skeyseed(*prf_old, old_SK_d, g_ir_new, Ni, Nr);
  return expand_ike_sa_keys(*prf_new, *sizes, SKEYSEED, Ni, Nr, spi_i, spi_r);
}

SecretBytes derive_child_keymat(const Prf& prf, const SecretBytes& SK_d, ByteView g_ir_new, ByteView Ni,
                                ByteView Nr, size_t length) {
  // The seed holds g^ir (new) when there is one, so it is kept as a secret.
  SecretBytes seed = SecretBytes(g_ir_new).concat(Ni).concat(Nr);
  return prf_plus(prf, SK_d.view(), seed.view(), length);
}

ChildSaKeys split_child_keymat(const SecretBytes& keymat, size_t encr_size, size_t integ_size) {
  if (keymat.size() != 2 * (encr_size + integ_size)) TERN_BUG("split_child_keymat: KEYMAT size mismatch");
  const size_t one_way = encr_size + integ_size;
  return ChildSaKeys{
      .encr_i = keymat.slice(0, encr_size),
      .integ_i = keymat.slice(encr_size, integ_size),
      .encr_r = keymat.slice(one_way, encr_size),
      .integ_r = keymat.slice(one_way + encr_size, integ_size),
  };
}

Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, const SecretBytes& SK_d, ByteView g_ir_new,
                                         ByteView Ni, ByteView Nr, EncrId encr, uint16_t encr_key_bits,
                                         IntegId integ) {
  const auto encr_size = encr_key_size(encr, encr_key_bits);
  if (!encr_size) {
    return unsupported("no key size for " + wire::to_string(encr) + " with " + std::to_string(encr_key_bits) +
                       "-bit keys");
  }
  const auto integ_size = integ_key_size(integ);
  if (!integ_size) return unsupported("no key size for INTEG " + wire::to_string(integ));
  if (is_aead(encr) && integ != IntegId::NONE) {
    return unsupported(wire::to_string(encr) + " cannot be combined with INTEG " + wire::to_string(integ));
  }
  const SecretBytes keymat = derive_child_keymat(prf, SK_d, g_ir_new, Ni, Nr, 2 * (*encr_size + *integ_size));
  return split_child_keymat(keymat, *encr_size, *integ_size);
}

}  // namespace tern::crypto

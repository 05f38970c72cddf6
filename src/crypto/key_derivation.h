// IKE SA and CHILD_SA key derivation (RFC 7296 §2.14, §2.17, §2.18).
//
// Called by the ike/ tasks once the KE exchange is done: ike_init
// (derive_ike_sa_keys), ike_rekey (derive_rekeyed_ike_sa_keys), child_create /
// child_rekey (derive_child_keymat + split_child_keymat, or
// derive_child_sa_keys). Inputs are the negotiated suite, the shared secret
// g^ir from KeyExchange, the nonce payload data and the IKE SPIs.
//
// Failure: Errc::unsupported when the suite names an algorithm whose key size
// tern does not know, or an impossible combination (an AEAD cipher with an
// integrity algorithm, a non-AEAD cipher without one). Nonce lengths are the
// Nonce payload parser's business (§3.9: 16..256 octets); any length works here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret_bytes.h"
#include "crypto/prf.h"
#include "crypto/suite.h"

namespace tern::crypto {

// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
//                          = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr)      (§2.14)
struct IkeSaKeys {
  SecretBytes SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr;
};

// Octets of each IKE SA key for a suite (from crypto/suite.h): SK_d, SK_pi and
// SK_pr are the PRF's preferred key size, SK_e includes the AEAD salt, SK_a
// is empty for AEAD.
struct IkeSaKeySizes {
  size_t SK_d = 0, SK_a = 0, SK_e = 0, SK_p = 0;
  size_t total() const { return SK_d + 2 * SK_a + 2 * SK_e + 2 * SK_p; }
};
Result<IkeSaKeySizes> ike_sa_key_sizes(const IkeSuite& suite);

// SKEYSEED = prf(Ni | Nr, g^ir)                                           (§2.14)
// For PRF_AES128_XCBC and PRF_AES128_CMAC only the first 64 bits of Ni and the
// first 64 bits of Nr form the key (RFC 7296 §2.14, RFC 4434, RFC 4615).
SecretBytes compute_skeyseed(const Prf& prf, ByteView Ni, ByteView Nr, ByteView g_ir);

// SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the OLD IKE SA's PRF (§2.18)
SecretBytes compute_rekey_skeyseed(const Prf& old_prf, const SecretBytes& old_SK_d, ByteView g_ir_new,
                                   ByteView Ni, ByteView Nr);

// IKE_SA_INIT: SKEYSEED, then the seven keys with the suite's PRF.
Result<IkeSaKeys> derive_ike_sa_keys(const IkeSuite& suite, ByteView g_ir, ByteView Ni, ByteView Nr,
                                     uint64_t spi_i, uint64_t spi_r);

// CREATE_CHILD_SA rekeying the IKE SA: SKEYSEED from the old SK_d and the old
// PRF; the new keys with the NEW suite's PRF and the new SPIs and nonces (§2.18).
Result<IkeSaKeys> derive_rekeyed_ike_sa_keys(const IkeSuite& new_suite, wire::PrfId old_prf,
                                             const SecretBytes& old_SK_d, ByteView g_ir_new, ByteView Ni,
                                             ByteView Nr, uint64_t spi_i, uint64_t spi_r);

// KEYMAT = prf+(SK_d, Ni | Nr)                 (§2.17, no PFS: g_ir_new empty)
// KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)    (§2.17, with PFS)
// `length` is twice (encryption + integrity key) for one CHILD_SA pair.
SecretBytes derive_child_keymat(const Prf& prf, const SecretBytes& SK_d, ByteView g_ir_new, ByteView Ni,
                                ByteView Nr, size_t length);

// The CHILD_SA keys, in the order §2.17 takes them from KEYMAT: "all keys for
// SAs carrying data from the initiator to the responder are taken before SAs
// going from the responder to the initiator", and for each SA the encryption
// key before the integrity key. encr_* include the AEAD salt; integ_* are
// empty for AEAD.
struct ChildSaKeys {
  SecretBytes encr_i, integ_i, encr_r, integ_r;
};
// KEYMAT must be exactly 2 * (encr_size + integ_size) octets (else TERN_BUG).
ChildSaKeys split_child_keymat(const SecretBytes& keymat, size_t encr_size, size_t integ_size);

// derive_child_keymat + split_child_keymat for an ESP transform set; fails
// (Errc::unsupported) like derive_ike_sa_keys when a key size is unknown.
Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, const SecretBytes& SK_d, ByteView g_ir_new,
                                         ByteView Ni, ByteView Nr, wire::EncrId encr, uint16_t encr_key_bits,
                                         wire::IntegId integ);

}  // namespace tern::crypto

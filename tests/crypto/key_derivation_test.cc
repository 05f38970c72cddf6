// IKEv2 key derivation (RFC 7296 §2.14, §2.17, §2.18), checked against
// independent sources:
//  - a NIST CAVP SP 800-135 IKEv2 KDF vector (HMAC-SHA1): SKEYSEED, the
//    132-octet DKM = {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
//    and SKEYSEED for a rekey;
//  - a vector for AES-GCM-16-256 / PRF-HMAC-SHA2-256 computed outside tern
//    (Python's hmac module, prf+ written from §2.13), IKE SA and CHILD_SA keys.
// The strongSwan reference exchanges (tests/data/strongswan/) are checked in
// key_derivation_strongswan_test.cc.
#include "crypto/key_derivation.h"

#include <gtest/gtest.h>

#include "crypto/prf_plus.h"

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

Bytes hex(std::string_view s) {
  auto b = from_hex(s);
  EXPECT_TRUE(b.has_value()) << s;
  return b.value_or(Bytes{});
}

Prf make(PrfId id) {
  auto prf = Prf::create(id);
  EXPECT_TRUE(prf.has_value());
  return *prf;
}

std::string all_keys_hex(const IkeSaKeys& k) {
  return to_hex(k.SK_d.view()) + to_hex(k.SK_ai.view()) + to_hex(k.SK_ar.view()) + to_hex(k.SK_ei.view()) +
         to_hex(k.SK_er.view()) + to_hex(k.SK_pi.view()) + to_hex(k.SK_pr.view());
}

// --- NIST CAVP (SP 800-135 IKEv2 KDF), HMAC-SHA1 ---------------------------

struct CavpSha1 {
  Bytes Ni = hex("32b50d5f4a3763f3");
  Bytes Nr = hex("9206a04b26564cb1");
  Bytes g_ir = hex("4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52");
  Bytes g_ir_new = hex("863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330");
  uint64_t SPIi = 0x34c9e7c188868785;
  uint64_t SPIr = 0x3ff77d760d2b2199;
  std::string SKEYSEED = "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7";
  std::string SKEYSEED_rekey = "63e81194946ebd05df7df5ebf5d8750056bf1f1d";
  std::string DKM =
      "a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b76606f9fa5e9"
      "92204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd1119"
      "8af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435a7a56cc4";
};

// SK_d 20 + SK_a 2*20 (HMAC_SHA1_96) + SK_e 2*16 (AES-CBC-128) + SK_p 2*20 = the CAVP's 132 octets.
IkeSuite cavp_suite() {
  return IkeSuite{.encr = EncrId::AES_CBC,
                  .encr_key_bits = 128,
                  .prf = PrfId::HMAC_SHA1,
                  .integ = IntegId::HMAC_SHA1_96,
                  .ke = KeGroup::MODP_2048};
}

TEST(KeyDerivationCavp, SkeyseedIsPrfOfNiNrOverGir) {
  const CavpSha1 v;
  EXPECT_EQ(to_hex(compute_skeyseed(make(PrfId::HMAC_SHA1), v.Ni, v.Nr, v.g_ir).view()), v.SKEYSEED);
}

TEST(KeyDerivationCavp, SevenKeysAreTheDkmInOrder) {
  const CavpSha1 v;
  auto sizes = ike_sa_key_sizes(cavp_suite());
  ASSERT_TRUE(sizes.has_value());
  EXPECT_EQ(sizes->total(), 132u);

  auto keys = derive_ike_sa_keys(cavp_suite(), v.g_ir, v.Ni, v.Nr, v.SPIi, v.SPIr);
  ASSERT_TRUE(keys.has_value()) << keys.error().to_string();
  EXPECT_EQ(all_keys_hex(*keys), v.DKM);
  EXPECT_EQ(keys->SK_d.size(), 20u);
  EXPECT_EQ(keys->SK_ai.size(), 20u);
  EXPECT_EQ(keys->SK_ei.size(), 16u);
  EXPECT_EQ(keys->SK_pr.size(), 20u);
  EXPECT_EQ(to_hex(keys->SK_d.view()), v.DKM.substr(0, 40));
}

TEST(KeyDerivationCavp, RekeySkeyseedUsesOldSkdNewGirAndNonces) {
  const CavpSha1 v;
  auto keys = derive_ike_sa_keys(cavp_suite(), v.g_ir, v.Ni, v.Nr, v.SPIi, v.SPIr);
  ASSERT_TRUE(keys.has_value());
  // SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
  EXPECT_EQ(to_hex(compute_rekey_skeyseed(make(PrfId::HMAC_SHA1), keys->SK_d, v.g_ir_new, v.Ni, v.Nr).view()),
            v.SKEYSEED_rekey);
}

TEST(KeyDerivationCavp, RekeyedKeysArePrfPlusOfTheRekeySkeyseed) {
  const CavpSha1 v;
  auto old_keys = derive_ike_sa_keys(cavp_suite(), v.g_ir, v.Ni, v.Nr, v.SPIi, v.SPIr);
  ASSERT_TRUE(old_keys.has_value());
  // Same suite, same nonces and SPIs: the new keys are prf+(SKEYSEED_rekey, Ni | Nr | SPIi | SPIr).
  auto new_keys = derive_rekeyed_ike_sa_keys(cavp_suite(), PrfId::HMAC_SHA1, old_keys->SK_d, v.g_ir_new, v.Ni,
                                             v.Nr, v.SPIi, v.SPIr);
  ASSERT_TRUE(new_keys.has_value());
  Bytes seed = v.Ni;
  append(seed, v.Nr);
  append(seed, hex("34c9e7c188868785"));
  append(seed, hex("3ff77d760d2b2199"));
  const Prf prf = make(PrfId::HMAC_SHA1);
  EXPECT_EQ(all_keys_hex(*new_keys), to_hex(prf_plus(prf, hex(v.SKEYSEED_rekey), seed, 132).view()));
}

// --- AES-GCM-16-256 / PRF-HMAC-SHA2-256, computed outside tern --------------

struct GcmSha256 {
  Bytes Ni = hex("01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da");
  Bytes Nr = hex("05121f2c394653606d7a8794a1aebbc8d5e2effc091623303d4a5764717e8b98");
  Bytes g_ir = hex("0928476685a4c3e201203f5e7d9cbbdaf91837567594b3d2f1102f4e6d8cabca");
  Bytes g_ir_new = hex("031425364758697a8b9cadbecfe0f102132435465768798a9bacbdcedff00112");
  uint64_t SPIi = 0x0123456789abcdef;
  uint64_t SPIr = 0xfedcba9876543210;
  IkeSuite suite{.encr = EncrId::AES_GCM_16,
                 .encr_key_bits = 256,
                 .prf = PrfId::HMAC_SHA2_256,
                 .integ = IntegId::NONE,
                 .ke = KeGroup::CURVE25519};
};

TEST(KeyDerivationGcm, AeadKeysIncludeTheSaltAndHaveNoSka) {
  const GcmSha256 v;
  EXPECT_EQ(to_hex(compute_skeyseed(make(PrfId::HMAC_SHA2_256), v.Ni, v.Nr, v.g_ir).view()),
            "da18597fd59d026940a6ee9cf2abea24db4958aa659e0ed7af4d8c4efa829e28");
  auto keys = derive_ike_sa_keys(v.suite, v.g_ir, v.Ni, v.Nr, v.SPIi, v.SPIr);
  ASSERT_TRUE(keys.has_value()) << keys.error().to_string();
  EXPECT_EQ(to_hex(keys->SK_d.view()), "38cfd062f8783a7af7187e56cfca55a30fb3d55c68e7e5dddb28b58d899d288a");
  EXPECT_TRUE(keys->SK_ai.empty());
  EXPECT_TRUE(keys->SK_ar.empty());
  // 32-octet AES-256 key + 4-octet salt (RFC 5282 §7.1)
  EXPECT_EQ(to_hex(keys->SK_ei.view()),
            "3850cab1f23d3e7448c7288b2ddc53f5dd4da5e979e162990c14dd1e6f56e5d0d02b7cea");
  EXPECT_EQ(to_hex(keys->SK_er.view()),
            "d1d8eb7053296e510f915b52e9e3a109dd51703d55e72231cf85d77c727263b6068e88e5");
  EXPECT_EQ(to_hex(keys->SK_pi.view()), "69939d940ded349a082fa1f16937affd916dcf63bb664d0df5f42bca0a802691");
  EXPECT_EQ(to_hex(keys->SK_pr.view()), "2cdeb0d34d8f2000f152df481e04f11298a85fe3e9a70fd260ba074765d860c7");
}

TEST(KeyDerivationGcm, ChildSaKeysWithPfsInSection2_17Order) {
  const GcmSha256 v;
  auto ike = derive_ike_sa_keys(v.suite, v.g_ir, v.Ni, v.Nr, v.SPIi, v.SPIr);
  ASSERT_TRUE(ike.has_value());
  // KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr), ESP AES-CBC-256 + HMAC-SHA2-256-128:
  // encr_i | integ_i | encr_r | integ_r, 32 octets each.
  auto child = derive_child_sa_keys(make(PrfId::HMAC_SHA2_256), ike->SK_d, v.g_ir_new, v.Ni, v.Nr,
                                    EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128);
  ASSERT_TRUE(child.has_value()) << child.error().to_string();
  EXPECT_EQ(to_hex(child->encr_i.view()), "05a504199f84c37e9c4693a133ff7ae9cdcdf7a1ba12ce4eed2b165d46d02cc8");
  EXPECT_EQ(to_hex(child->integ_i.view()),
            "be7b806bb5e6618e785521396cdd36575d8c2a56523232e71507f0b0bf8fa8ce");
  EXPECT_EQ(to_hex(child->encr_r.view()), "f8e34493a6364ec19e2fae292c08fb3d78bb63d22644c3731f1c2ba51546c7dd");
  EXPECT_EQ(to_hex(child->integ_r.view()),
            "8b1fea65d1cb7122da44c1aff84cd3d55a977f6916fd80ce5b580369748b11d5");
}

// --- structure ---------------------------------------------------------------

TEST(KeyDerivation, ChildKeymatWithoutPfsIsPrfPlusOfSkdOverNiNr) {
  const Prf prf = make(PrfId::HMAC_SHA2_256);
  const SecretBytes SK_d(Bytes(32, 0xd0));
  const Bytes Ni(32, 0x01), Nr(32, 0x02);
  Bytes seed = Ni;
  append(seed, Nr);
  EXPECT_EQ(derive_child_keymat(prf, SK_d, {}, Ni, Nr, 72), prf_plus(prf, SK_d.view(), seed, 72));
  // With PFS, g^ir (new) comes first: prf+(SK_d, g^ir (new) | Ni | Nr).
  const Bytes g_ir(256, 0x77);
  Bytes pfs_seed = g_ir;
  append(pfs_seed, seed);
  EXPECT_EQ(derive_child_keymat(prf, SK_d, g_ir, Ni, Nr, 72), prf_plus(prf, SK_d.view(), pfs_seed, 72));
}

TEST(KeyDerivation, SplitChildKeymatTakesInitiatorKeysFirst) {
  Bytes raw(size_t{2} * 20);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(i);
  const ChildSaKeys aead = split_child_keymat(SecretBytes(raw), 20, 0);  // AES-GCM-16-128: key + salt
  EXPECT_EQ(aead.encr_i, SecretBytes(ByteView(raw).first(20)));
  EXPECT_TRUE(aead.integ_i.empty());
  EXPECT_EQ(aead.encr_r, SecretBytes(ByteView(raw).subspan(20)));
  EXPECT_TRUE(aead.integ_r.empty());

  Bytes raw2(size_t{2} * (16 + 20));
  for (size_t i = 0; i < raw2.size(); ++i) raw2[i] = static_cast<uint8_t>(i);
  const ChildSaKeys cbc = split_child_keymat(SecretBytes(raw2), 16, 20);  // AES-CBC-128 + HMAC-SHA1-96
  const ByteView r(raw2);
  EXPECT_EQ(cbc.encr_i, SecretBytes(r.subspan(0, 16)));
  EXPECT_EQ(cbc.integ_i, SecretBytes(r.subspan(16, 20)));
  EXPECT_EQ(cbc.encr_r, SecretBytes(r.subspan(36, 16)));
  EXPECT_EQ(cbc.integ_r, SecretBytes(r.subspan(52, 20)));
}

TEST(KeyDerivationDeathTest, SplittingAKeymatOfTheWrongSizeIsABug) {
  EXPECT_DEATH(split_child_keymat(SecretBytes(Bytes(40)), 16, 20), "KEYMAT size");
}

// RFC 7296 §2.14: "the first 64 bits of Ni and the first 64 bits of Nr" key
// AES-XCBC-PRF-128 and AES-CMAC-PRF-128.
TEST(KeyDerivation, FixedKeyPrfsUseTheFirst64BitsOfEachNonce) {
  Bytes Ni(32), Nr(32);
  for (size_t i = 0; i < 32; ++i) {
    Ni[i] = static_cast<uint8_t>(0x10 + i);
    Nr[i] = static_cast<uint8_t>(0x80 + i);
  }
  const Bytes g_ir(32, 0x99);
  Bytes key(16);  // Ni[0..7] | Nr[0..7]
  for (size_t i = 0; i < 8; ++i) {
    key[i] = Ni[i];
    key[8 + i] = Nr[i];
  }
  for (PrfId id : {PrfId::AES128_XCBC, PrfId::AES128_CMAC}) {
    const Prf prf = make(id);
    EXPECT_EQ(compute_skeyseed(prf, Ni, Nr, g_ir), prf.compute(key, g_ir)) << wire::to_string(id);
    Bytes whole = Ni;
    append(whole, Nr);
    EXPECT_NE(compute_skeyseed(prf, Ni, Nr, g_ir), prf.compute(whole, g_ir)) << wire::to_string(id);
  }
  // HMAC PRFs take the whole nonces.
  const Prf hmac = make(PrfId::HMAC_SHA2_256);
  Bytes whole = Ni;
  append(whole, Nr);
  EXPECT_EQ(compute_skeyseed(hmac, Ni, Nr, g_ir), hmac.compute(whole, g_ir));
}

TEST(KeyDerivation, XcbcSuiteKeySizes) {
  // AES-CBC-128 / AES-XCBC-96 (5) is not in suite.h; use HMAC-SHA1-96 with the XCBC PRF.
  const IkeSuite suite{.encr = EncrId::AES_CBC,
                       .encr_key_bits = 128,
                       .prf = PrfId::AES128_XCBC,
                       .integ = IntegId::HMAC_SHA1_96,
                       .ke = KeGroup::ECP_256};
  auto keys = derive_ike_sa_keys(suite, Bytes(64, 1), Bytes(16, 2), Bytes(16, 3), 1, 2);
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->SK_d.size(), 16u);  // the PRF's key size, §2.14
  EXPECT_EQ(keys->SK_pi.size(), 16u);
  EXPECT_EQ(keys->SK_ai.size(), 20u);
  EXPECT_EQ(keys->SK_ei.size(), 16u);
}

// §2.18: SKEYSEED with the OLD PRF, the seven keys with the NEW suite's PRF.
TEST(KeyDerivation, RekeyUsesOldPrfForSkeyseedAndNewPrfForKeys) {
  const SecretBytes old_SK_d(Bytes(20, 0x5d));  // from an HMAC-SHA1 IKE SA
  const Bytes g_ir_new(32, 0x42), Ni(32, 0x01), Nr(32, 0x02);
  const IkeSuite new_suite{.encr = EncrId::AES_GCM_16,
                           .encr_key_bits = 128,
                           .prf = PrfId::HMAC_SHA2_384,
                           .integ = IntegId::NONE,
                           .ke = KeGroup::ECP_384};
  auto keys =
      derive_rekeyed_ike_sa_keys(new_suite, PrfId::HMAC_SHA1, old_SK_d, g_ir_new, Ni, Nr, 0x1111, 0x2222);
  ASSERT_TRUE(keys.has_value()) << keys.error().to_string();

  const Prf old_prf = make(PrfId::HMAC_SHA1);
  const Prf new_prf = make(PrfId::HMAC_SHA2_384);
  const SecretBytes SKEYSEED = old_prf.compute(old_SK_d.view(), {g_ir_new, Ni, Nr});
  Bytes seed = Ni;
  append(seed, Nr);
  append(seed, hex("0000000000001111"));
  append(seed, hex("0000000000002222"));
  const SecretBytes expected = prf_plus(new_prf, SKEYSEED.view(), seed, 48 + 2 * 20 + 2 * 48);
  EXPECT_EQ(all_keys_hex(*keys), to_hex(expected.view()));
  EXPECT_EQ(keys->SK_d.size(), 48u);
  EXPECT_EQ(keys->SK_ei.size(), 20u);
}

TEST(KeyDerivation, UnknownOrImpossibleSuitesAreUnsupported) {
  const IkeSuite good{.encr = EncrId::AES_CBC,
                      .encr_key_bits = 256,
                      .prf = PrfId::HMAC_SHA2_256,
                      .integ = IntegId::HMAC_SHA2_256_128,
                      .ke = KeGroup::MODP_2048};
  ASSERT_TRUE(derive_ike_sa_keys(good, Bytes(256, 1), Bytes(16, 2), Bytes(16, 3), 1, 2).has_value());

  IkeSuite bad_prf = good;
  bad_prf.prf = PrfId::HMAC_MD5;
  IkeSuite bad_key_length = good;
  bad_key_length.encr_key_bits = 100;
  IkeSuite aead_with_integ = good;
  aead_with_integ.encr = EncrId::AES_GCM_16;
  IkeSuite cbc_without_integ = good;
  cbc_without_integ.integ = IntegId::NONE;
  IkeSuite bad_integ = good;
  bad_integ.integ = IntegId::HMAC_MD5_96;
  for (const IkeSuite& s : {bad_prf, bad_key_length, aead_with_integ, cbc_without_integ, bad_integ}) {
    auto keys = derive_ike_sa_keys(s, Bytes(256, 1), Bytes(16, 2), Bytes(16, 3), 1, 2);
    ASSERT_FALSE(keys.has_value()) << s.to_string();
    EXPECT_EQ(keys.error().code, Errc::unsupported) << s.to_string();
    auto rekeyed = derive_rekeyed_ike_sa_keys(s, PrfId::HMAC_SHA1, SecretBytes(Bytes(20, 1)), Bytes(32, 1),
                                              Bytes(16, 2), Bytes(16, 3), 1, 2);
    ASSERT_FALSE(rekeyed.has_value()) << s.to_string();
    EXPECT_EQ(rekeyed.error().code, Errc::unsupported);
  }
  auto old_prf_unknown = derive_rekeyed_ike_sa_keys(good, PrfId::HMAC_TIGER, SecretBytes(Bytes(20, 1)),
                                                    Bytes(32, 1), Bytes(16, 2), Bytes(16, 3), 1, 2);
  ASSERT_FALSE(old_prf_unknown.has_value());
  EXPECT_EQ(old_prf_unknown.error().code, Errc::unsupported);

  const Prf prf = make(PrfId::HMAC_SHA2_256);
  const SecretBytes SK_d(Bytes(32, 1));
  auto gcm_with_integ = derive_child_sa_keys(prf, SK_d, {}, Bytes(16, 2), Bytes(16, 3), EncrId::AES_GCM_16,
                                             128, IntegId::HMAC_SHA2_256_128);
  ASSERT_FALSE(gcm_with_integ.has_value());
  EXPECT_EQ(gcm_with_integ.error().code, Errc::unsupported);
  auto unknown_encr = derive_child_sa_keys(prf, SK_d, {}, Bytes(16, 2), Bytes(16, 3), EncrId::CAMELLIA_CBC,
                                           128, IntegId::NONE);
  ASSERT_FALSE(unknown_encr.has_value());
  EXPECT_EQ(unknown_encr.error().code, Errc::unsupported);
  auto chacha = derive_child_sa_keys(prf, SK_d, {}, Bytes(16, 2), Bytes(16, 3), EncrId::CHACHA20_POLY1305, 0,
                                     IntegId::NONE);
  ASSERT_TRUE(chacha.has_value());
  EXPECT_EQ(chacha->encr_i.size(), 36u);  // RFC 7634: 256-bit key + 4-octet salt
}

}  // namespace
}  // namespace tern::crypto

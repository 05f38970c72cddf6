// AES-CBC + HMAC-SHA2 SK protection: the RFC 3602 AES-CBC vector, the RFC 4868
// §2.7.2 authenticator vectors (AUTH256-3, AUTH384-3, AUTH512-3) checked as
// the ICV over associated || IV || ciphertext, and the rule that the ICV is
// verified before anything is decrypted.
#include "crypto/cbc_hmac.h"

#include <gtest/gtest.h>

#include "crypto/sk_cipher.h"

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;

Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

std::unique_ptr<SkCipher> make(uint16_t bits, IntegId integ, ByteView encr_key, ByteView integ_key) {
  auto c = SkCipher::create(EncrId::AES_CBC, bits, integ, encr_key, integ_key);
  EXPECT_TRUE(c.has_value()) << c.error().to_string();
  return c ? std::move(*c) : nullptr;
}

TEST(AesCbc, Rfc3602Case1) {
  // RFC 3602 §4 Case #1: one block, "Single block msg".
  auto cipher = make(128, IntegId::HMAC_SHA2_256_128, h("06a9214036b8a15b512e03d534120006"), Bytes(32, 0));
  ASSERT_NE(cipher, nullptr);
  Bytes sealed = cipher->seal({}, h("3dafba429d9eb430b422da802c9fac41"), as_bytes("Single block msg"));
  ASSERT_EQ(sealed.size(), 16u + 16u);
  EXPECT_EQ(to_hex(ByteView(sealed).first(16)), "e353779c1079aeb82708942dbe77181a");
}

struct AuthCase {
  const char* name;
  IntegId integ;
  Bytes key;
  const char* icv;  // HMAC-SHA-xxx-yyy from RFC 4868 §2.7.2
};

// The 50-octet Data (0xdd * 50) of the AUTH*-3 cases, read as the ICV input
// associated (18) || IV (16) || ciphertext (16).
TEST(CbcHmac, Rfc4868AuthenticatorVectorsAreTheIcv) {
  const AuthCase cases[] = {
      {"AUTH256-3", IntegId::HMAC_SHA2_256_128, Bytes(32, 0xaa), "cdcb1220d1ecccea91e53aba3092f962"},
      {"AUTH384-3", IntegId::HMAC_SHA2_384_192, Bytes(48, 0xaa),
       "809f439be00274321d4a538652164b53554a508184a0c316"},
      {"AUTH512-3", IntegId::HMAC_SHA2_512_256, Bytes(64, 0xaa),
       "2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8"},
  };
  const Bytes data(50, 0xdd);
  const ByteView associated = ByteView(data).first(18);
  const ByteView iv = ByteView(data).subspan(18, 16);
  const ByteView ciphertext = ByteView(data).subspan(34);
  for (const AuthCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto cipher = make(256, tc.integ, Bytes(32, 0x01), tc.key);
    ASSERT_NE(cipher, nullptr);
    Bytes icv = h(tc.icv);
    EXPECT_EQ(cipher->icv_size(), icv.size());
    Bytes sealed;
    sealed.reserve(ciphertext.size() + icv.size());
    append(sealed, ciphertext);
    append(sealed, icv);
    auto opened = cipher->open(associated, iv, sealed);
    ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
    // Sealing what open() returned reproduces the ciphertext and the ICV.
    EXPECT_EQ(to_hex(cipher->seal(associated, iv, *opened)), to_hex(sealed));
    sealed.back() ^= 0x01;
    EXPECT_EQ(cipher->open(associated, iv, sealed).error().code, Errc::integrity_check_failed);
  }
}

class CbcHmacRoundTrip : public ::testing::TestWithParam<std::tuple<uint16_t, IntegId>> {};

TEST_P(CbcHmacRoundTrip, SealsOpensAndRejectsEveryTamperedPart) {
  auto [bits, integ] = GetParam();
  const size_t integ_key_size = integ == IntegId::HMAC_SHA2_256_128   ? 32
                                : integ == IntegId::HMAC_SHA2_384_192 ? 48
                                                                      : 64;
  auto cipher = make(bits, integ, Bytes(bits / 8, 0x3c), Bytes(integ_key_size, 0xc3));
  ASSERT_NE(cipher, nullptr);
  EXPECT_EQ(cipher->iv_size(), 16u);
  EXPECT_EQ(cipher->block_size(), 16u);
  EXPECT_EQ(cipher->icv_size(), integ_key_size / 2);  // RFC 4868: truncated to half the output

  // HDR || SK payload header, IV, and a padded plaintext (payloads, padding, Pad Length).
  const Bytes associated =
      h("11223344556677880000000000000000"
        "2e202308"
        "00000001"
        "00000070"
        "23000054");
  const Bytes iv = h("000102030405060708090a0b0c0d0e0f");
  Bytes plaintext(48, 0x61);
  plaintext.back() = 5;  // Pad Length
  const Bytes sealed = cipher->seal(associated, iv, plaintext);
  ASSERT_EQ(sealed.size(), plaintext.size() + cipher->icv_size());
  auto opened = cipher->open(associated, iv, sealed);
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  EXPECT_EQ(*opened, plaintext);

  Bytes bad_ciphertext = sealed;
  bad_ciphertext[20] ^= 0x04;
  EXPECT_EQ(cipher->open(associated, iv, bad_ciphertext).error().code, Errc::integrity_check_failed);
  Bytes bad_icv = sealed;
  bad_icv.back() ^= 0x80;
  EXPECT_EQ(cipher->open(associated, iv, bad_icv).error().code, Errc::integrity_check_failed);
  Bytes bad_iv = iv;
  bad_iv[0] ^= 0x01;
  EXPECT_EQ(cipher->open(associated, bad_iv, sealed).error().code, Errc::integrity_check_failed);
  Bytes bad_associated = associated;
  bad_associated[19] ^= 0x01;  // the exchange type in the IKE header
  EXPECT_EQ(cipher->open(bad_associated, iv, sealed).error().code, Errc::integrity_check_failed);
}

INSTANTIATE_TEST_SUITE_P(Rfc4868, CbcHmacRoundTrip,
                         ::testing::Combine(::testing::Values(uint16_t{128}, uint16_t{256}),
                                            ::testing::Values(IntegId::HMAC_SHA2_256_128,
                                                              IntegId::HMAC_SHA2_384_192,
                                                              IntegId::HMAC_SHA2_512_256)));

TEST(CbcHmac, MalformedInputIsNamed) {
  auto cipher = make(128, IntegId::HMAC_SHA2_256_128, Bytes(16, 1), Bytes(32, 2));
  ASSERT_NE(cipher, nullptr);
  const Bytes iv(16, 0);
  EXPECT_EQ(cipher->open({}, iv, Bytes(15, 0)).error().code, Errc::truncated);        // shorter than the ICV
  EXPECT_EQ(cipher->open({}, iv, Bytes(16, 0)).error().code, Errc::bad_length);       // ICV only, no block
  EXPECT_EQ(cipher->open({}, iv, Bytes(16 + 17, 0)).error().code, Errc::bad_length);  // not whole blocks
  EXPECT_EQ(cipher->open({}, Bytes(8, 0), Bytes(32, 0)).error().code, Errc::bad_length);
}

}  // namespace
}  // namespace tern::crypto

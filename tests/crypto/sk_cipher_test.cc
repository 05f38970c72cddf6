// SkCipher::create: which transforms tern implements, and what a wrong key
// length or an impossible combination is called.
#include "crypto/sk_cipher.h"

#include <gtest/gtest.h>

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;

Errc create_error(EncrId encr, uint16_t bits, IntegId integ, size_t encr_key, size_t integ_key) {
  auto c = SkCipher::create(encr, bits, integ, Bytes(encr_key, 7), Bytes(integ_key, 9));
  EXPECT_FALSE(c.has_value());
  return c ? Errc::io_error : c.error().code;
}

TEST(SkCipher, CreatesEveryImplementedTransform) {
  struct Case {
    EncrId encr;
    uint16_t bits;
    IntegId integ;
    size_t encr_key, integ_key, iv, block, icv;
  };
  const Case cases[] = {
      {EncrId::AES_GCM_16, 128, IntegId::NONE, 20, 0, 8, 1, 16},
      {EncrId::AES_GCM_16, 256, IntegId::NONE, 36, 0, 8, 1, 16},
      {EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, 36, 0, 8, 1, 16},
      {EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128, 16, 32, 16, 16, 16},
      {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, 32, 32, 16, 16, 16},
      {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_384_192, 32, 48, 16, 16, 24},
      {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_512_256, 32, 64, 16, 16, 32},
      {EncrId::AES_CBC, 128, IntegId::HMAC_SHA1_96, 16, 20, 16, 16, 12},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(wire::to_string(c.encr) + "/" + wire::to_string(c.integ));
    auto cipher = SkCipher::create(c.encr, c.bits, c.integ, Bytes(c.encr_key, 1), Bytes(c.integ_key, 2));
    ASSERT_TRUE(cipher.has_value()) << cipher.error().to_string();
    EXPECT_EQ((*cipher)->iv_size(), c.iv);
    EXPECT_EQ((*cipher)->block_size(), c.block);
    EXPECT_EQ((*cipher)->icv_size(), c.icv);
  }
}

TEST(SkCipher, WrongKeyLengthsAreBadKey) {
  EXPECT_EQ(create_error(EncrId::AES_GCM_16, 128, IntegId::NONE, 16, 0), Errc::bad_key);  // salt missing
  EXPECT_EQ(create_error(EncrId::AES_GCM_16, 256, IntegId::NONE, 20, 0), Errc::bad_key);
  EXPECT_EQ(create_error(EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, 32, 0), Errc::bad_key);
  EXPECT_EQ(create_error(EncrId::AES_GCM_16, 128, IntegId::NONE, 20, 32), Errc::bad_key);  // AEAD with SK_a
  EXPECT_EQ(create_error(EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128, 32, 32), Errc::bad_key);
  EXPECT_EQ(create_error(EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, 32, 16), Errc::bad_key);
  EXPECT_EQ(create_error(EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_512_256, 32, 32), Errc::bad_key);
}

TEST(SkCipher, UnimplementedTransformsAreUnsupported) {
  EXPECT_EQ(create_error(EncrId::TRIPLE_DES, 0, IntegId::HMAC_SHA2_256_128, 24, 32), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::AES_CTR, 128, IntegId::HMAC_SHA2_256_128, 20, 32), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::NULL_, 0, IntegId::HMAC_SHA2_256_128, 0, 32), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::AES_GCM_8, 128, IntegId::NONE, 20, 0), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::AES_CCM_16, 128, IntegId::NONE, 19, 0), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::AES_GCM_16, 100, IntegId::NONE, 16, 0), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::AES_CBC, 100, IntegId::HMAC_SHA2_256_128, 12, 32), Errc::unsupported);
  // RFC 7296 requires integrity protection for a non-AEAD cipher.
  EXPECT_EQ(create_error(EncrId::AES_CBC, 128, IntegId::NONE, 16, 0), Errc::unsupported);
  EXPECT_EQ(create_error(EncrId::AES_CBC, 128, IntegId::AES_XCBC_96, 16, 16), Errc::unsupported);
  // RFC 5282 §8: an AEAD transform is never combined with an integrity transform.
  EXPECT_EQ(create_error(EncrId::AES_GCM_16, 128, IntegId::HMAC_SHA2_256_128, 20, 32), Errc::unsupported);
}

}  // namespace
}  // namespace tern::crypto

#include "crypto/suite.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;
using wire::PrfId;

TEST(Suite, KeySizesIncludeAeadSalts) {
  EXPECT_EQ(encr_key_size(EncrId::AES_GCM_16, 128), 20u);  // RFC 5282 §7.1: key + 4-octet salt
  EXPECT_EQ(encr_key_size(EncrId::AES_GCM_16, 256), 36u);
  EXPECT_EQ(encr_key_size(EncrId::CHACHA20_POLY1305, 0), 36u);  // RFC 7634 §2
  EXPECT_EQ(encr_key_size(EncrId::AES_CBC, 256), 32u);
  EXPECT_EQ(encr_key_size(EncrId::AES_CBC, 100), std::nullopt);
  EXPECT_EQ(integ_key_size(IntegId::HMAC_SHA2_384_192), 48u);
  EXPECT_EQ(integ_icv_size(IntegId::HMAC_SHA2_512_256), 32u);
  EXPECT_EQ(prf_key_size(PrfId::AES128_XCBC), 16u);
}

TEST(Suite, PrintsLikeAProposal) {
  IkeSuite s;
  EXPECT_EQ(s.to_string(), "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519");
}

TEST(SeededRandom, IsDeterministicPerSeed) {
  SeededRandom a{7}, b{7}, c{8};
  EXPECT_EQ(a.bytes(40), b.bytes(40));
  EXPECT_NE(a.bytes(40), c.bytes(40));
}

}  // namespace
}  // namespace tern::crypto

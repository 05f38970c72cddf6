// Wireshark ikev2_decryption_table lines. The expected lines are the format
// tshark 4.0.17 accepted when it decrypted SK payloads sealed by SkCipher
// with these keys (AES-GCM-128/256, AES-CBC-128/192/256 with every HMAC) and
// reported the ICV "[correct]".
#include "crypto/keylog.h"

#include <gtest/gtest.h>

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;

SecretBytes counting(size_t n, uint8_t first) {
  SecretBytes s(n);
  for (size_t i = 0; i < n; ++i) s.data()[i] = static_cast<uint8_t>(first + i);
  return s;
}

IkeSuite suite(EncrId encr, uint16_t bits, IntegId integ) {
  IkeSuite s;
  s.encr = encr;
  s.encr_key_bits = bits;
  s.integ = integ;
  return s;
}

TEST(Keylog, AesGcmLineCarriesTheSaltAndNoIntegrityKeys) {
  auto line = format_keylog_line(0x0102030405060708, 0x1112131415161718,
                                 suite(EncrId::AES_GCM_16, 128, IntegId::NONE), counting(20, 0x10),
                                 counting(20, 0x80), SecretBytes(), SecretBytes());
  ASSERT_TRUE(line.has_value()) << line.error().to_string();
  EXPECT_EQ(*line,
            "0102030405060708,1112131415161718,101112131415161718191a1b1c1d1e1f20212223,"
            "808182838485868788898a8b8c8d8e8f90919293,\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,"
            "\"NONE [RFC4306]\"");
}

TEST(Keylog, AesCbcLineCarriesBothIntegrityKeys) {
  auto line = format_keylog_line(0xfedcba9876543210, 0x00000000000000ff,
                                 suite(EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128), counting(32, 0x00),
                                 counting(32, 0x20), counting(32, 0x40), counting(32, 0x60));
  ASSERT_TRUE(line.has_value()) << line.error().to_string();
  EXPECT_EQ(
      *line,
      "fedcba9876543210,00000000000000ff,"
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f,"
      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,\"AES-CBC-256 [RFC3602]\","
      "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f,"
      "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f,\"HMAC_SHA2_256_128 [RFC4868]\"");
}

TEST(Keylog, AlgorithmNamesAsWireshark40SpellsThem) {
  EXPECT_EQ(*wireshark_encr_name(EncrId::AES_CBC, 128), "AES-CBC-128 [RFC3602]");
  EXPECT_EQ(*wireshark_encr_name(EncrId::AES_CBC, 192), "AES-CBC-192 [RFC3602]");
  EXPECT_EQ(*wireshark_encr_name(EncrId::AES_CBC, 256), "AES-CBC-256 [RFC3602]");
  EXPECT_EQ(*wireshark_encr_name(EncrId::AES_GCM_16, 256), "AES-GCM-256 with 16 octet ICV [RFC5282]");
  EXPECT_EQ(*wireshark_integ_name(IntegId::HMAC_SHA1_96), "HMAC_SHA1_96 [RFC2404]");
  EXPECT_EQ(*wireshark_integ_name(IntegId::HMAC_SHA2_384_192), "HMAC_SHA2_384_192 [RFC4868]");
  EXPECT_EQ(*wireshark_integ_name(IntegId::HMAC_SHA2_512_256), "HMAC_SHA2_512_256 [RFC4868]");
}

TEST(Keylog, ChaChaIsNotDecryptableByWireshark40) {
  auto line = format_keylog_line(1, 2, suite(EncrId::CHACHA20_POLY1305, 256, IntegId::NONE), counting(36, 0),
                                 counting(36, 0), SecretBytes(), SecretBytes());
  ASSERT_FALSE(line.has_value());
  EXPECT_EQ(line.error().code, Errc::unsupported);
  EXPECT_NE(line.error().detail.find("Wireshark"), std::string::npos) << line.error().detail;
  EXPECT_EQ(wireshark_integ_name(IntegId::AES_XCBC_96).error().code, Errc::unsupported);
  EXPECT_EQ(wireshark_encr_name(EncrId::AES_CBC, 100).error().code, Errc::unsupported);
}

TEST(Keylog, KeysThatDoNotFitTheSuiteAreRefused) {
  auto line = format_keylog_line(1, 2, suite(EncrId::AES_GCM_16, 128, IntegId::NONE), counting(16, 0),
                                 counting(16, 0), SecretBytes(), SecretBytes());  // salt missing
  ASSERT_FALSE(line.has_value());
  EXPECT_EQ(line.error().code, Errc::bad_key);
}

}  // namespace
}  // namespace tern::crypto

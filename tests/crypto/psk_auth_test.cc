// AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
// (RFC 7296 §2.15), against values computed by hand (Python hmac) for the
// same SignedOctets as signed_octets_test.cc.
#include "crypto/psk_auth.h"

#include <gtest/gtest.h>

#include "crypto/signed_octets.h"

namespace tern::crypto {
namespace {

Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

Bytes range(uint8_t first, uint8_t last) {
  Bytes b;
  for (unsigned v = first; v <= last; ++v) b.push_back(static_cast<uint8_t>(v));
  return b;
}

// RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload) for the given PRF.
Bytes initiator_signed_octets(const Prf& prf) {
  Bytes id_body = h("03000000");
  append(id_body, as_bytes("a@example.org"));
  return signed_octets(prf,
                       h("0102030405060708"
                         "0000000000000000"
                         "21202208"
                         "00000000"
                         "0000001c"),
                       range(0xa0, 0xbf), SecretBytes(range(0x30, 0x4f)), id_body);
}

const ByteView kPsk = as_bytes("correct horse battery staple");

TEST(PskAuth, MatchesHandComputedAuth) {
  struct Case {
    wire::PrfId prf;
    const char* auth;
  };
  for (const Case& c :
       {Case{wire::PrfId::HMAC_SHA2_256, "a084f20afccc1ad793e2578fe3ec55a16d7355c02e3972d8f6be448a3a2b3562"},
        Case{wire::PrfId::HMAC_SHA2_384,
             "c1c0403db94744dc88d2b4d9fe0f9380760cea1230d099cf53f3c1a25141ca46a4a3a3871d75b72b6611b4d5"
             "d2a3ea14"}}) {
    SCOPED_TRACE(wire::to_string(c.prf));
    auto prf = Prf::create(c.prf);
    ASSERT_TRUE(prf.has_value());
    const Bytes octets = initiator_signed_octets(*prf);
    EXPECT_EQ(to_hex(psk_auth(*prf, kPsk, octets)), c.auth);
    EXPECT_TRUE(psk_auth_verify(*prf, kPsk, octets, h(c.auth)));
  }
}

TEST(PskAuth, VerifyRejectsWrongSecretOctetsOrAuth) {
  auto prf = Prf::create(wire::PrfId::HMAC_SHA2_256);
  ASSERT_TRUE(prf.has_value());
  const Bytes octets = initiator_signed_octets(*prf);
  const Bytes auth = psk_auth(*prf, kPsk, octets);
  ASSERT_EQ(auth.size(), 32u);  // prf output length

  EXPECT_FALSE(psk_auth_verify(*prf, as_bytes("correct horse battery stapler"), octets, auth));
  Bytes other_octets = octets;
  other_octets[40] ^= 0x01;  // a nonce bit
  EXPECT_FALSE(psk_auth_verify(*prf, kPsk, other_octets, auth));
  Bytes flipped = auth;
  flipped[31] ^= 0x80;
  EXPECT_FALSE(psk_auth_verify(*prf, kPsk, octets, flipped));
  EXPECT_FALSE(psk_auth_verify(*prf, kPsk, octets, ByteView(auth).first(31)));  // truncated
  EXPECT_FALSE(psk_auth_verify(*prf, kPsk, octets, {}));
}

TEST(PskAuth, KeyPadIsSeventeenOctetsWithoutNul) {
  // prf(prf(K, "Key Pad for IKEv2"), S) == prf(prf(K, "Key Pad for IKEv2\0"), S) would mean the NUL leaked
  // in.
  auto prf = Prf::create(wire::PrfId::HMAC_SHA2_256);
  ASSERT_TRUE(prf.has_value());
  const Bytes octets = h("00112233");
  const SecretBytes with_nul =
      prf->compute(kPsk, ByteView(reinterpret_cast<const uint8_t*>("Key Pad for IKEv2"), 18));
  const SecretBytes without = prf->compute(kPsk, as_bytes("Key Pad for IKEv2"));
  const SecretBytes expected = prf->compute(without.view(), octets);
  EXPECT_EQ(to_hex(psk_auth(*prf, kPsk, octets)), to_hex(expected.view()));
  EXPECT_NE(to_hex(psk_auth(*prf, kPsk, octets)), to_hex(prf->compute(with_nul.view(), octets).view()));
}

}  // namespace
}  // namespace tern::crypto

// InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI (RFC 7296
// §2.15), with MACedIDForI = prf(SK_pi, RestOfInitIDPayload); the expected
// MAC was computed by hand (Python hmac) from the same inputs.
#include "crypto/signed_octets.h"

#include <gtest/gtest.h>

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

TEST(SignedOctets, InitiatorSignedOctetsAreMessageNonceAndMacedId) {
  // HDR of the IKE_SA_INIT request (SPIi, SPIr = 0, SA, 2.0, IKE_SA_INIT, Initiator, ID 0, length 28).
  const Bytes real_message1 =
      h("0102030405060708"
        "0000000000000000"
        "21202208"
        "00000000"
        "0000001c");
  const Bytes nonce_r = range(0xa0, 0xbf);
  const SecretBytes SK_pi(range(0x30, 0x4f));
  // RestOfInitIDPayload: ID Type ID_RFC822_ADDR (3), RESERVED, "a@example.org".
  Bytes id_body = h("03000000");
  append(id_body, as_bytes("a@example.org"));

  auto prf = Prf::create(wire::PrfId::HMAC_SHA2_256);
  ASSERT_TRUE(prf.has_value());
  const Bytes octets = signed_octets(*prf, real_message1, nonce_r, SK_pi, id_body);

  Bytes expected = real_message1;
  append(expected, nonce_r);
  append(expected, h("b9d60063a350622aa89fe08817b7a3e486f823377146860828a07c5c9815ac94"));  // MACedIDForI
  EXPECT_EQ(to_hex(octets), to_hex(expected));
}

TEST(SignedOctets, MacedIdCoversEveryOctetOfTheIdPayloadBody) {
  auto prf = Prf::create(wire::PrfId::HMAC_SHA2_256);
  ASSERT_TRUE(prf.has_value());
  const SecretBytes SK_p(Bytes(32, 0x77));
  Bytes id_body = h("02000000");
  append(id_body, as_bytes("vpn.example.org"));
  const Bytes base = signed_octets(*prf, h("00"), h("01"), SK_p, id_body);
  Bytes other_type = id_body;
  other_type[0] = 0x0b;  // ID_KEY_ID with the same data is a different identity
  EXPECT_NE(signed_octets(*prf, h("00"), h("01"), SK_p, other_type), base);
  Bytes reserved = id_body;
  reserved[2] = 0x01;
  EXPECT_NE(signed_octets(*prf, h("00"), h("01"), SK_p, reserved), base);
  EXPECT_NE(signed_octets(*prf, h("00"), h("01"), SecretBytes(Bytes(32, 0x78)), id_body), base);
}

}  // namespace
}  // namespace tern::crypto

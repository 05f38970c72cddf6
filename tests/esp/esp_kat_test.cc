// Known answers for ESP encap and decap (RFC 4303 §3.3, §3.4) with fixed keys
// and fixed sequence numbers, one per algorithm family:
//   AES-GCM-16-128 (RFC 4106), AES-GCM-16-256 with ESN, ChaCha20-Poly1305
//   (RFC 7634) with an IPv6 inner packet, AES-CBC-256 + HMAC-SHA2-256-128
//   (RFC 3602, RFC 4868).
// The expected packets were computed once by tests/esp/esp_kat_vectors.py
// (python3 `cryptography`, framing written out by hand), an independent route.
// AEAD IVs are the sequence number, so encap is byte-exact. A CBC IV is
// unpredictable by design, so the CBC encap is checked against
// crypto::SkCipher (the IKE SK code, itself tested against RFC 3602/4868
// vectors) for the IV it chose, and the CBC decap against the python packet.
#include <gtest/gtest.h>

#include "crypto/sk_cipher.h"
#include "esp_test_support.h"

namespace tern::esp {
namespace {

using namespace test;
using wire::EncrId;
using wire::EsnId;
using wire::IntegId;

Bytes range(uint8_t first, size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(first + i);
  return b;
}
Bytes concat(Bytes a, ByteView b) {
  append(a, b);
  return a;
}

struct Kat {
  const char* name;
  ike::EspSuite suite;
  Bytes encr_key;
  Bytes integ_key;
  uint64_t seq;
  Bytes inner;
  uint8_t next_header;
  const char* packet;
};

std::vector<Kat> aead_kats() {
  return {
      {"AES_GCM_16_128, seq 1",
       {EncrId::AES_GCM_16, 128, IntegId::NONE, EsnId::NO_ESN},
       concat(range(0x00, 16), h("a0a1a2a3")),
       {},
       1,
       inner_ipv4(),
       4,
       // SPI 11223344, Seq 00000001, IV 0000000000000001, ciphertext (36), ICV (16)
       "1122334400000001000000000000000103711cd27eb03750c77d5282d10594671bf019820ab580a56dfd8b1068c32d7c"
       "eaf9ccaf727577cdfaedbc9042e7d0f46ca32815"},
      {"AES_GCM_16_256/ESN, seq 2^32 + 2 (only 00000002 on the wire; AAD SPI || 00000001 || 00000002)",
       {EncrId::AES_GCM_16, 256, IntegId::NONE, EsnId::ESN},
       concat(range(0x20, 32), h("b0b1b2b3")),
       {},
       0x100000002,
       inner_ipv4(),
       4,
       "1122334400000002000000010000000286c6ee54a67fa17a60d8c1529c64369b6ee71b45132c5ab59ae498e56901ca7d"
       "3cb1beffc1937f142d3e5dc226fb822bca46070e"},
      {"CHACHA20_POLY1305, seq 7, IPv6 inside (Next Header 41)",
       {EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, EsnId::NO_ESN},
       concat(range(0x40, 32), h("c0c1c2c3")),
       {},
       7,
       inner_ipv6(),
       41,
       "11223344000000070000000000000007aa6da6c1fb187180e8ca4b7100de25b2b286a7310715bb6f9141fd3fc66318"
       "1b8fef0d9bfd89cedf9b0cdb02c9a3de39a3d79d2fbfbdb9090720e0d206fd893974a65281820b6c4c"},
  };
}

TEST(EspKnownAnswer, AeadEncapIsByteExact) {
  for (const Kat& kat : aead_kats()) {
    SCOPED_TRACE(kat.name);
    crypto::SeededRandom random(1);
    auto sa = child_sa(true, kat.suite, {kat.encr_key, kat.integ_key}, {kat.encr_key, kat.integ_key});
    OutboundSa alice = make_outbound(sa, random);
    OutboundSaPeer::set_last_sent(alice, kat.seq - 1);
    Bytes packet = encap(alice, kat.inner);
    EXPECT_EQ(to_hex(packet), kat.packet);
    EXPECT_EQ(alice.counters().packets, 1u);
    EXPECT_EQ(alice.counters().bytes, kat.inner.size());
  }
}

TEST(EspKnownAnswer, AeadDecapGivesTheInnerPacket) {
  for (const Kat& kat : aead_kats()) {
    SCOPED_TRACE(kat.name);
    crypto::SeededRandom random(1);
    auto sa = child_sa(false, kat.suite, {kat.encr_key, kat.integ_key}, {kat.encr_key, kat.integ_key});
    InboundSa bob = make_inbound(sa, random);
    // The window has seen the packet before this one, so that ESN infers the
    // high half of the sequence number (RFC 4303 Appendix A2.2).
    if (kat.seq > 1) InboundSaPeer::replay(bob).commit(kat.seq - 1);
    Bytes packet = h(kat.packet);
    auto d = bob.decap(packet);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(to_hex(d->payload), to_hex(kat.inner));
    EXPECT_EQ(d->next_header, kat.next_header);
    EXPECT_EQ(bob.replay_window().highest(), kat.seq);
    EXPECT_EQ(bob.counters().packets, 1u);
    EXPECT_EQ(bob.counters().bytes, kat.inner.size());
  }
}

TEST(EspKnownAnswer, EsnHighBitsAreAuthenticated) {
  // The same AES-GCM-256/ESN packet, received by a window that infers a
  // different high half (0 instead of 1), fails its ICV and is counted.
  const Kat kat = aead_kats()[1];
  crypto::SeededRandom random(1);
  InboundSa bob = make_inbound(child_sa(false, kat.suite, {kat.encr_key, {}}, {kat.encr_key, {}}), random);
  Bytes packet = h(kat.packet);
  auto d = bob.decap(packet);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::integrity_check_failed);
  EXPECT_EQ(bob.counters().auth_failures, 1u);
  EXPECT_EQ(bob.replay_window().highest(), 0u);
}

const ike::EspSuite kCbc{EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, EsnId::NO_ESN};

TEST(EspKnownAnswer, CbcHmacDecap) {
  // IV f0..ff chosen by the vector script; ICV = HMAC-SHA-256(SPI .. ciphertext)[0..16).
  const Keys keys{range(0x60, 32), range(0x80, 32)};
  crypto::SeededRandom random(1);
  InboundSa bob = make_inbound(child_sa(false, kCbc, keys, keys), random);
  Bytes packet =
      h("1122334400000001f0f1f2f3f4f5f6f7f8f9fafbfcfdfeffc5af51b26dd7446795122d83282d0d011e0fab68baa5de5db1f5"
        "47b574d713cb39f9c80451fb11db0f4b1b20f010be5debda7cc018aac480aa6c67f65285fc78");
  auto d = bob.decap(packet);
  ASSERT_TRUE(d.has_value()) << d.error().to_string();
  EXPECT_EQ(to_hex(d->payload), to_hex(inner_ipv4()));
  EXPECT_EQ(d->next_header, 4);
}

TEST(EspKnownAnswer, CbcHmacEncapMatchesTheSkCipherForItsIv) {
  const Keys keys{range(0x60, 32), range(0x80, 32)};
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kCbc, keys, keys), random);
  Bytes packet = encap(alice, inner_ipv4());
  // 8 header + 16 IV + 48 (32 inner, Padding 1..14, Pad Length 14, Next Header 4) + 16 ICV.
  ASSERT_EQ(packet.size(), 8u + 16u + 48u + 16u);
  EXPECT_EQ(to_hex(ByteView(packet).first(8)), "1122334400000001");
  const ByteView iv = ByteView(packet).subspan(8, 16);

  Bytes plaintext = inner_ipv4();
  for (uint8_t i = 1; i <= 14; ++i) plaintext.push_back(i);
  plaintext.push_back(14);
  plaintext.push_back(4);
  auto sk = crypto::SkCipher::create(EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, keys.encr, keys.integ);
  ASSERT_TRUE(sk.has_value());
  Bytes expected = (*sk)->seal(ByteView(packet).first(8), iv, plaintext);
  EXPECT_EQ(to_hex(ByteView(packet).subspan(24)), to_hex(expected));

  // Two packets never share an IV (RFC 3602 §2.4: unpredictable).
  Bytes second = encap(alice, inner_ipv4());
  EXPECT_NE(to_hex(ByteView(second).subspan(8, 16)), to_hex(iv));
}

TEST(EspKnownAnswer, PaddingAlignsToTheCipherBlock) {
  // RFC 4303 §2.4: Payload || Padding || Pad Length || Next Header is a
  // multiple of 4 for AEAD and of 16 for AES-CBC; padding is the fewest octets.
  crypto::SeededRandom random(1);
  const Keys gcm{range(0, 20), {}};
  const Keys cbc{range(0x60, 32), range(0x80, 32)};
  OutboundSa a = make_outbound(child_sa(true, aead_kats()[0].suite, gcm, gcm), random);
  OutboundSa c = make_outbound(child_sa(true, kCbc, cbc, cbc), random);
  for (size_t n : {0u, 1u, 2u, 3u, 13u, 14u, 15u, 16u, 1400u}) {
    EXPECT_EQ(a.encapsulated_size(n), 8 + 8 + (n + 2 + 3) / 4 * 4 + 16) << n;
    EXPECT_EQ(c.encapsulated_size(n), 8 + 16 + (n + 2 + 15) / 16 * 16 + 16) << n;
  }
  EXPECT_EQ(a.payload_offset(), 16u);
  EXPECT_EQ(c.payload_offset(), 24u);
}

TEST(EspKnownAnswer, InnerPacketAlreadyInPlaceIsNotCopied) {
  // io/ reads the TUN packet straight to out[payload_offset()]: same bytes out.
  const Kat kat = aead_kats()[0];
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kat.suite, {kat.encr_key, {}}, {kat.encr_key, {}}), random);
  Bytes buffer(2048, 0xee);
  const Bytes inner = inner_ipv4();
  std::copy(inner.begin(), inner.end(), buffer.begin() + static_cast<std::ptrdiff_t>(alice.payload_offset()));
  auto n = alice.encap(ByteView(buffer).subspan(alice.payload_offset(), inner.size()), buffer);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(to_hex(ByteView(buffer).first(*n)), kat.packet);
}

}  // namespace
}  // namespace tern::esp

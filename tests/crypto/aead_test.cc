// Known answers for the AEAD SK ciphers: AES-GCM (McGrew & Viega, "The
// Galois/Counter Mode of Operation", test cases 1-4 and 13-16 — the vectors
// NIST SP 800-38D adopted), ChaCha20-Poly1305 (RFC 8439 §2.8.2) and the
// RFC 7634 Appendix A ESP packet, fed through SkCipher exactly as IKE and ESP
// will: nonce = salt || IV, the salt being the last 4 octets of the key.
#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <string>

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

Bytes cat(ByteView a, ByteView b) {
  Bytes out(a.begin(), a.end());
  append(out, b);
  return out;
}

std::unique_ptr<SkCipher> make(EncrId encr, uint16_t bits, ByteView key) {
  auto c = SkCipher::create(encr, bits, IntegId::NONE, key, {});
  EXPECT_TRUE(c.has_value()) << c.error().to_string();
  return c ? std::move(*c) : nullptr;
}

struct GcmCase {
  const char* name;
  uint16_t bits;
  const char* key;
  const char* nonce;  // 96 bits: salt (4) || IV (8)
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

constexpr const char* kP64 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kP60 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr const char* kA20 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kK128 = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kK256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr const char* kZ128 = "00000000000000000000000000000000";
constexpr const char* kZ256 = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr const char* kZNonce = "000000000000000000000000";
constexpr const char* kNonce = "cafebabefacedbaddecaf888";

const GcmCase kGcmCases[] = {
    {"TC1", 128, kZ128, kZNonce, "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
    {"TC2", 128, kZ128, kZNonce, "", kZ128, "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"TC3", 128, kK128, kNonce, "", kP64,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"TC4", 128, kK128, kNonce, kA20, kP60,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"TC13", 256, kZ256, kZNonce, "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"TC14", 256, kZ256, kZNonce, "", kZ128, "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"TC15", 256, kK256, kNonce, "", kP64,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"TC16", 256, kK256, kNonce, kA20, kP60,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AesGcm16, McGrewViegaVectorsSealAndOpen) {
  for (const GcmCase& tc : kGcmCases) {
    SCOPED_TRACE(tc.name);
    Bytes nonce = h(tc.nonce);
    // SK_e = key || salt (RFC 5282 §7.1); the explicit IV is the rest of the nonce.
    Bytes sk_e = cat(h(tc.key), ByteView(nonce).first(4));
    ByteView iv = ByteView(nonce).subspan(4);
    auto cipher = make(EncrId::AES_GCM_16, tc.bits, sk_e);
    ASSERT_NE(cipher, nullptr);
    Bytes expected = cat(h(tc.ciphertext), h(tc.tag));
    EXPECT_EQ(to_hex(cipher->seal(h(tc.aad), iv, h(tc.plaintext))), to_hex(expected));
    auto opened = cipher->open(h(tc.aad), iv, expected);
    ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
    EXPECT_EQ(to_hex(*opened), to_hex(h(tc.plaintext)));
  }
}

constexpr const char* kRfc8439Plaintext =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen "
    "would be "
    "it.";

TEST(ChaCha20Poly1305, Rfc8439Section282) {
  // Key 80..9f; the RFC's "constant" 07 00 00 00 is our salt, its IV 40..47 our explicit IV.
  Bytes sk_e =
      h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "07000000");
  Bytes iv = h("4041424344454647");
  Bytes aad = h("50515253c0c1c2c3c4c5c6c7");
  auto cipher = make(EncrId::CHACHA20_POLY1305, 256, sk_e);
  ASSERT_NE(cipher, nullptr);
  Bytes expected =
      h("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        "3ff4def08e4b7a9de576d26586cec64b6116"
        "1ae10b594f09e26a7e902ecbd0600691");  // tag
  EXPECT_EQ(to_hex(cipher->seal(aad, iv, as_bytes(kRfc8439Plaintext))), to_hex(expected));
  auto opened = cipher->open(aad, iv, expected);
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  EXPECT_EQ(std::string(opened->begin(), opened->end()), kRfc8439Plaintext);
}

TEST(ChaCha20Poly1305, Rfc7634AppendixAEspPacket) {
  // KEYMAT = key (80..9f) || salt a0a1a2a3. SPI 0x01020304, Sequence Number 5.
  Bytes sk_e =
      h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3");
  Bytes aad =
      h("01020304"
        "00000005");  // SPI || Seq (no ESN)
  Bytes iv = h("1011121314151617");
  // The inner IPv4 ICMP packet, then the ESP trailer: Padding 01 02, Pad Length 2, Next Header 4 (IPv4).
  Bytes plaintext =
      h("45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
        "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
        "2425262728292a2b2c2d2e2f3031323334353637"
        "01020204");
  Bytes sealed =
      h("24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
        "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
        "cbec163fac469b502773f6fb94e664da9165b82829f641e0"
        "76aaa8266b7fb0f7b11b369907e1ad43");               // ICV
  auto cipher = make(EncrId::CHACHA20_POLY1305, 0, sk_e);  // RFC 7634: no Key Length attribute
  ASSERT_NE(cipher, nullptr);
  auto opened = cipher->open(aad, iv, sealed);
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  EXPECT_EQ(to_hex(*opened), to_hex(plaintext));
  EXPECT_EQ(to_hex(cipher->seal(aad, iv, plaintext)), to_hex(sealed));
}

TEST(Aead, SizesFollowRfc5282AndRfc7634) {
  Bytes gcm_key(20, 0x11), chacha_key(36, 0x22);
  for (auto [encr, bits, key] :
       {std::tuple{EncrId::AES_GCM_16, uint16_t{128}, ByteView(gcm_key)},
        std::tuple{EncrId::CHACHA20_POLY1305, uint16_t{256}, ByteView(chacha_key)}}) {
    auto cipher = make(encr, bits, key);
    ASSERT_NE(cipher, nullptr);
    EXPECT_EQ(cipher->iv_size(), 8u);
    EXPECT_EQ(cipher->block_size(), 1u);  // no padding needed
    EXPECT_EQ(cipher->icv_size(), 16u);
  }
}

// Every bit of the message is covered: ciphertext, ICV, AAD (the IKE header
// and SK payload header) and the IV (part of the nonce).
TEST(Aead, AnyFlippedBitFailsTheIntegrityCheck) {
  Bytes gcm_key(36, 0x5a), chacha_key(36, 0xa5);
  for (auto [encr, key] : {std::pair{EncrId::AES_GCM_16, ByteView(gcm_key)},
                           std::pair{EncrId::CHACHA20_POLY1305, ByteView(chacha_key)}}) {
    SCOPED_TRACE(wire::to_string(encr));
    auto cipher = make(encr, 256, key);
    ASSERT_NE(cipher, nullptr);
    const Bytes aad =
        h("000102030405060708090a0b0c0d0e0f1011121314151617"
          "2e202308"
          "00000001"
          "0000003c"
          "21000024");
    const Bytes iv = h("0000000000000001");
    const Bytes plaintext(23, 0x42);
    const Bytes sealed = cipher->seal(aad, iv, plaintext);
    ASSERT_EQ(sealed.size(), plaintext.size() + 16);
    ASSERT_TRUE(cipher->open(aad, iv, sealed).has_value());

    for (size_t bit :
         {size_t{0}, size_t{7}, 8 * plaintext.size() - 1, 8 * plaintext.size(), 8 * sealed.size() - 1}) {
      Bytes bad = sealed;
      bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      auto r = cipher->open(aad, iv, bad);
      ASSERT_FALSE(r.has_value()) << "bit " << bit;
      EXPECT_EQ(r.error().code, Errc::integrity_check_failed);
      EXPECT_FALSE(r.error().notify.has_value());  // drop, never answer
    }
    Bytes bad_aad = aad;
    bad_aad[17] ^= 0x01;
    EXPECT_EQ(cipher->open(bad_aad, iv, sealed).error().code, Errc::integrity_check_failed);
    Bytes bad_iv = iv;
    bad_iv[7] ^= 0x80;
    EXPECT_EQ(cipher->open(aad, bad_iv, sealed).error().code, Errc::integrity_check_failed);
  }
}

TEST(Aead, InputShorterThanTheIcvIsTruncated) {
  auto cipher = make(EncrId::AES_GCM_16, 128, Bytes(20, 1));
  ASSERT_NE(cipher, nullptr);
  auto r = cipher->open({}, Bytes(8, 0), Bytes(15, 0));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::truncated);
  auto wrong_iv = cipher->open({}, Bytes(16, 0), Bytes(32, 0));
  ASSERT_FALSE(wrong_iv.has_value());
  EXPECT_EQ(wrong_iv.error().code, Errc::bad_length);
}

}  // namespace
}  // namespace tern::crypto

// Known-answer tests for the IKEv2 PRFs (crypto/prf.h, and PrfKey of
// crypto/prf_key.h, the same PRF keyed once): RFC 4231 (HMAC-SHA-256/
// 384/512), RFC 2202 (HMAC-SHA-1), RFC 3566 / RFC 4434 (AES-XCBC-PRF-128, with
// the variable key lengths) and RFC 4615 (AES-CMAC-PRF-128).
#include "crypto/prf.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "crypto/prf_key.h"

namespace tern::crypto {
namespace {

using wire::PrfId;

Bytes hex(std::string_view s) {
  auto b = from_hex(s);
  EXPECT_TRUE(b.has_value()) << s;
  return b.value_or(Bytes{});
}

Bytes text(std::string_view s) {
  const ByteView v = as_bytes(s);
  return Bytes(v.begin(), v.end());
}

Prf make(PrfId id) {
  auto prf = Prf::create(id);
  EXPECT_TRUE(prf.has_value()) << wire::to_string(id);
  return *prf;
}

std::string prf_hex(PrfId id, ByteView key, ByteView data) {
  return to_hex(make(id).compute(key, data).view());
}

// RFC 4231 §4.2-§4.8. Case 5 is "truncated to 128 bits": only the first 16
// octets are given, so only those are compared.
struct Rfc4231Case {
  int number;
  Bytes key;
  Bytes data;
  std::string sha256, sha384, sha512;
};

std::vector<Rfc4231Case> rfc4231_cases() {
  const Bytes key131(131, 0xaa);
  return {
      {1, Bytes(20, 0x0b), text("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4"
       "be9d914eeb61f1702e696c203a126854"},
      {2, hex("4a656665"), hex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fd"
       "caeab1a34d4a6b4b636e070a38bce737"},
      {3, Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807"
       "b946a337bee8942674278859e13292fb"},
      {4, hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Bytes(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063"
       "a5f19741120c4f2de2adebeb10a298dd"},
      {5, Bytes(20, 0x0c), hex("546573742057697468205472756e636174696f6e"),  // "Test With Truncation"
       "a3b6167473100ee06e0c796c2955552b", "3abf34c3503b2a23a46efc619baef897",
       "415fad6271580a531d4179bc891d87a6"},
      {6, key131,
       hex("54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b65792"
           "0"
           "4669727374"),  // "Test Using Larger Than Block-Size Key - Hash Key First"
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e52"
       "95e64f73f63f0aec8b915a985d786598"},
      {7, key131,
       text("This is a test using a larger than block-size key and a larger than block-size data. The key "
            "needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15"
       "134676fb6de0446065c97440fa8c6a58"},
  };
}

TEST(PrfHmacSha2, Rfc4231Cases1To7) {
  for (const auto& c : rfc4231_cases()) {
    SCOPED_TRACE("RFC 4231 test case " + std::to_string(c.number));
    std::string sha256 = prf_hex(PrfId::HMAC_SHA2_256, c.key, c.data);
    std::string sha384 = prf_hex(PrfId::HMAC_SHA2_384, c.key, c.data);
    std::string sha512 = prf_hex(PrfId::HMAC_SHA2_512, c.key, c.data);
    if (c.number == 5) {  // §4.6: output truncated to 128 bits
      sha256.resize(32);
      sha384.resize(32);
      sha512.resize(32);
    }
    EXPECT_EQ(sha256, c.sha256);
    EXPECT_EQ(sha384, c.sha384);
    EXPECT_EQ(sha512, c.sha512);
  }
}

// HMAC runs on one context per thread and PRF, re-keyed per call (prf.cc):
// the key of one call must leave nothing behind for the next, an empty key
// included, and threads must not share a context.
TEST(PrfHmacSha2, AnEmptyKeyAfterALongOneIsTheEmptyKey) {
  (void)prf_hex(PrfId::HMAC_SHA2_256, Bytes(131, 0xaa), as_bytes("RFC 4231 case 6 key first"));
  // HMAC-SHA-256 with an empty key over an empty message.
  EXPECT_EQ(prf_hex(PrfId::HMAC_SHA2_256, {}, {}),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(PrfHmacSha2, ThreadsComputingAtOnceGetTheRfc4231Values) {
  const std::vector<Rfc4231Case> cases = rfc4231_cases();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const Rfc4231Case& c = cases[static_cast<size_t>(round + t) % cases.size()];
        if (c.number == 5) continue;  // truncated, see above
        if (to_hex(make(PrfId::HMAC_SHA2_256).compute(c.key, c.data).view()) != c.sha256) ++wrong;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PrfHmacSha1, Rfc2202Cases) {
  // Test case 1: key = 0x0b * 20, data = "Hi There"
  EXPECT_EQ(prf_hex(PrfId::HMAC_SHA1, Bytes(20, 0x0b), as_bytes("Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  // Test case 2: key = "Jefe"
  EXPECT_EQ(prf_hex(PrfId::HMAC_SHA1, as_bytes("Jefe"), as_bytes("what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  // Test case 6: key = 0xaa * 80 (longer than the block: hashed first)
  EXPECT_EQ(prf_hex(PrfId::HMAC_SHA1, Bytes(80, 0xaa),
                    as_bytes("Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(PrfAesXcbc, Rfc3566MacVectorsWithA16OctetKey) {
  const Bytes key = hex("000102030405060708090a0b0c0d0e0f");
  auto message = [](size_t n) {
    Bytes m(n);
    for (size_t i = 0; i < n; ++i) m[i] = static_cast<uint8_t>(i);
    return m;
  };
  // RFC 3566 §4.6 test cases 1-7 (the full 128-bit MAC, which is what the PRF outputs).
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, {}), "75f0251d528ac01c4573dfd584d79f29");
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, message(3)), "5b376580ae2f19afe7219ceef172756f");
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, message(16)), "d2a246fa349b68a79998a4394ff7a263");
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, message(20)), "47f51b4564966215b8985c63055ed308");
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, message(32)), "f54f0ec8d2b9f3d36807734bd5283fd4");
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, message(34)), "becbb3bccdb518a30677d5481fb6b4d8");
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, key, Bytes(1000, 0)), "f0dafee895db30253761103b5d84528f");
}

TEST(PrfAesXcbc, Rfc4434VariableKeyLengths) {
  const Bytes message = hex("000102030405060708090a0b0c0d0e0f10111213");
  // Key length 16: used as is.
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, hex("000102030405060708090a0b0c0d0e0f"), message),
            "47f51b4564966215b8985c63055ed308");
  // Key length 10: padded with zeros to 16.
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, hex("00010203040506070809"), message),
            "0fa087af7d866e7653434e602fdde835");
  // Key length 18: replaced by AES-XCBC-PRF-128(0^128, key).
  EXPECT_EQ(prf_hex(PrfId::AES128_XCBC, hex("000102030405060708090a0b0c0d0e0fedcb"), message),
            "8cd3c93ae598a9803006ffb67c40e9e4");
}

TEST(PrfAesCmac, Rfc4615VariableKeyLengths) {
  const Bytes message = hex("000102030405060708090a0b0c0d0e0f10111213");
  // RFC 4615 §4: key lengths 18, 16 and 10 octets.
  EXPECT_EQ(prf_hex(PrfId::AES128_CMAC, hex("000102030405060708090a0b0c0d0e0fedcb"), message),
            "84a348a4a45d235babfffc0d2b4da09a");
  EXPECT_EQ(prf_hex(PrfId::AES128_CMAC, hex("000102030405060708090a0b0c0d0e0f"), message),
            "980ae87b5f4c9c5214f5b6a8455e4c2d");
  EXPECT_EQ(prf_hex(PrfId::AES128_CMAC, hex("00010203040506070809"), message),
            "290d9e112edb09ee141fcf64c0b72f3d");
}

TEST(Prf, OutputSizes) {
  EXPECT_EQ(make(PrfId::HMAC_SHA1).output_size(), 20u);
  EXPECT_EQ(make(PrfId::HMAC_SHA2_256).output_size(), 32u);
  EXPECT_EQ(make(PrfId::HMAC_SHA2_384).output_size(), 48u);
  EXPECT_EQ(make(PrfId::HMAC_SHA2_512).output_size(), 64u);
  EXPECT_EQ(make(PrfId::AES128_XCBC).output_size(), 16u);
  EXPECT_EQ(make(PrfId::AES128_CMAC).output_size(), 16u);
  for (PrfId id : {PrfId::HMAC_SHA1, PrfId::HMAC_SHA2_256, PrfId::AES128_XCBC, PrfId::AES128_CMAC}) {
    EXPECT_EQ(make(id).compute(Bytes(16, 1), Bytes(3, 2)).size(), make(id).output_size());
  }
}

TEST(Prf, UnimplementedPrfsAreUnsupported) {
  for (PrfId id : {PrfId::HMAC_MD5, PrfId::HMAC_TIGER, static_cast<PrfId>(9), static_cast<PrfId>(1000)}) {
    auto prf = Prf::create(id);
    ASSERT_FALSE(prf.has_value()) << wire::to_string(id);
    EXPECT_EQ(prf.error().code, Errc::unsupported);
  }
}

// prf(K, a | b | c) computed from the parts equals the one over the
// concatenation, for every split point (XCBC's block buffering included).
TEST(Prf, PartsAreTheConcatenation) {
  Bytes data(40);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(3 * i + 1);
  const Bytes key(20, 0x5a);
  for (PrfId id : {PrfId::HMAC_SHA2_256, PrfId::AES128_XCBC, PrfId::AES128_CMAC}) {
    const Prf prf = make(id);
    const SecretBytes whole = prf.compute(key, data);
    for (size_t cut1 = 0; cut1 <= data.size(); cut1 += 3) {
      for (size_t cut2 = cut1; cut2 <= data.size(); cut2 += 5) {
        ByteView all(data);
        EXPECT_EQ(prf.compute(key, {all.first(cut1), all.subspan(cut1, cut2 - cut1), all.subspan(cut2)}),
                  whole)
            << wire::to_string(id) << " cut at " << cut1 << ", " << cut2;
      }
    }
  }
}

TEST(Prf, IsACheapValueThatCanBeCopied) {
  const Prf a = make(PrfId::HMAC_SHA2_256);
  const Prf b = a;  // NOLINT(performance-unnecessary-copy-initialization): the point of the test
  EXPECT_EQ(a.compute(as_bytes("key"), as_bytes("data")), b.compute(as_bytes("key"), as_bytes("data")));
  EXPECT_EQ(b.id(), PrfId::HMAC_SHA2_256);
}

// PrfKey: prf(K, S) for several S under one K, as prf+ uses it; each use
// gives what a fresh computation does, whatever came before under that key.
TEST(PrfKey, RepeatedUsesUnderOneKeyGiveTheRfc4231Values) {
  for (const Rfc4231Case& c : rfc4231_cases()) {
    const PrfKey keyed(make(PrfId::HMAC_SHA2_256), c.key);
    for (int round = 0; round < 3; ++round) {
      const std::string mac = to_hex(keyed.compute({ByteView(c.data)}).view());
      EXPECT_EQ(mac.substr(0, c.sha256.size()), c.sha256) << "case " << c.number << ", use " << round;
    }
  }
}

TEST(PrfKey, EveryPrfGivesWhatPrfComputeGives) {
  const Bytes data = text("Ni | Nr | SPIi | SPIr");
  for (PrfId id : {PrfId::HMAC_SHA1, PrfId::HMAC_SHA2_256, PrfId::HMAC_SHA2_384, PrfId::HMAC_SHA2_512,
                   PrfId::AES128_XCBC, PrfId::AES128_CMAC}) {
    for (size_t key_size : {0UL, 16UL, 20UL, 64UL, 65UL, 128UL, 129UL}) {
      const Bytes key(key_size, 0x42);
      const Prf prf = make(id);
      const PrfKey keyed(prf, key);
      EXPECT_EQ(keyed.output_size(), prf.output_size());
      EXPECT_EQ(keyed.compute({ByteView(data)}), prf.compute(key, data))
          << wire::to_string(id) << ", key of " << key_size;
      EXPECT_EQ(keyed.compute({ByteView(data).first(4), ByteView(data).subspan(4)}), prf.compute(key, data))
          << wire::to_string(id) << ", key of " << key_size << ", second use in two parts";
    }
  }
}

}  // namespace
}  // namespace tern::crypto

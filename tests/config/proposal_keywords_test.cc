// strongSwan proposal keywords -> the suites tern offers (proposal_keywords.h).
#include "config/proposal_keywords.h"

#include <gtest/gtest.h>

#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::contains;
using wire::EncrId;
using wire::EsnId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

// IkeSuite has no operator==; its log form names every field.
std::vector<std::string> names(const std::vector<crypto::IkeSuite>& suites) {
  std::vector<std::string> out;
  out.reserve(suites.size());
  for (const crypto::IkeSuite& s : suites) out.push_back(s.to_string());
  return out;
}

crypto::IkeSuite only_suite(std::string_view text) {
  auto parsed = parse_ike_proposal(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error());
  if (!parsed) return {};
  EXPECT_EQ(parsed->size(), 1u) << text;
  return parsed->front();
}

struct EncryptionRow {
  std::string_view keyword;
  EncrId encr;
  uint16_t key_bits;
};
constexpr EncryptionRow kEncryption[] = {
    {"aes128", EncrId::AES_CBC, 128},
    {"aes192", EncrId::AES_CBC, 192},
    {"aes256", EncrId::AES_CBC, 256},
    {"aes", EncrId::AES_CBC, 128},
    {"aes128gcm16", EncrId::AES_GCM_16, 128},
    {"aes192gcm16", EncrId::AES_GCM_16, 192},
    {"aes256gcm16", EncrId::AES_GCM_16, 256},
    {"aes128gcm", EncrId::AES_GCM_16, 128},
    {"aes256gcm", EncrId::AES_GCM_16, 256},
    {"aes256gcm128", EncrId::AES_GCM_16, 256},
    {"chacha20poly1305", EncrId::CHACHA20_POLY1305, 256},
};

TEST(ProposalKeywords, EachEncryptionKeyword) {
  for (const EncryptionRow& row : kEncryption) {
    bool aead = crypto::is_aead(row.encr);
    std::string text = std::string(row.keyword) + (aead ? "-prfsha256-x25519" : "-sha256-x25519");
    crypto::IkeSuite s = only_suite(text);
    EXPECT_EQ(s.encr, row.encr) << text;
    EXPECT_EQ(s.encr_key_bits, row.key_bits) << text;
    EXPECT_EQ(s.integ, aead ? IntegId::NONE : IntegId::HMAC_SHA2_256_128) << text;
  }
}

TEST(ProposalKeywords, EachIntegrityKeywordAndThePrfItImplies) {
  struct Row {
    std::string_view keyword;
    IntegId integ;
    PrfId implied_prf;
  };
  constexpr Row kRows[] = {
      {"sha1", IntegId::HMAC_SHA1_96, PrfId::HMAC_SHA1},
      {"sha256", IntegId::HMAC_SHA2_256_128, PrfId::HMAC_SHA2_256},
      {"sha384", IntegId::HMAC_SHA2_384_192, PrfId::HMAC_SHA2_384},
      {"sha512", IntegId::HMAC_SHA2_512_256, PrfId::HMAC_SHA2_512},
      {"sha2_256", IntegId::HMAC_SHA2_256_128, PrfId::HMAC_SHA2_256},
  };
  for (const Row& row : kRows) {
    crypto::IkeSuite s = only_suite("aes128-" + std::string(row.keyword) + "-modp2048");
    EXPECT_EQ(s.integ, row.integ) << row.keyword;
    EXPECT_EQ(s.prf, row.implied_prf) << row.keyword;
  }
}

TEST(ProposalKeywords, EachPrfKeyword) {
  struct Row {
    std::string_view keyword;
    PrfId prf;
  };
  constexpr Row kRows[] = {{"prfsha1", PrfId::HMAC_SHA1},       {"prfsha256", PrfId::HMAC_SHA2_256},
                           {"prfsha384", PrfId::HMAC_SHA2_384}, {"prfsha512", PrfId::HMAC_SHA2_512},
                           {"prfaesxcbc", PrfId::AES128_XCBC},  {"prfaescmac", PrfId::AES128_CMAC}};
  for (const Row& row : kRows) {
    EXPECT_EQ(only_suite("aes128gcm16-" + std::string(row.keyword) + "-ecp256").prf, row.prf) << row.keyword;
    // An explicit prf wins over the integrity's.
    EXPECT_EQ(only_suite("aes128-sha256-" + std::string(row.keyword) + "-ecp256").prf, row.prf)
        << row.keyword;
  }
}

TEST(ProposalKeywords, EachGroupKeyword) {
  struct Row {
    std::string_view keyword;
    KeGroup group;
  };
  constexpr Row kRows[] = {{"modp2048", KeGroup::MODP_2048}, {"modp3072", KeGroup::MODP_3072},
                           {"modp4096", KeGroup::MODP_4096}, {"ecp256", KeGroup::ECP_256},
                           {"ecp384", KeGroup::ECP_384},     {"ecp521", KeGroup::ECP_521},
                           {"x25519", KeGroup::CURVE25519},  {"curve25519", KeGroup::CURVE25519},
                           {"x448", KeGroup::CURVE448},      {"curve448", KeGroup::CURVE448}};
  for (const Row& row : kRows) {
    EXPECT_EQ(only_suite("aes256gcm16-prfsha384-" + std::string(row.keyword)).ke, row.group) << row.keyword;
  }
}

TEST(ProposalKeywords, SeveralOfOneTypeExpandInKeywordOrder) {
  auto parsed = parse_ike_proposal("aes128-aes256-sha256-modp2048-x25519");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(names(*parsed), (std::vector<std::string>{
                                "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
                                "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE25519",
                                "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
                                "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE25519",
                            }));
  // Two integrity algorithms without a prf: each one's PRF is offered.
  parsed = parse_ike_proposal("aes128-sha1-sha256-ecp256");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->size(), 4u);  // 1 encryption x 2 integrity x 2 prf x 1 group
}

TEST(ProposalKeywords, AtMost32SuitesFromOneString) {
  // 2 x 2 x 2 x 4 = 32: accepted.
  auto ok = parse_ike_proposal("aes128-aes256-sha256-sha384-prfsha256-prfsha384-modp2048-ecp256-x25519-x448");
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_EQ(ok->size(), 32u);
  auto too_many = parse_ike_proposal(
      "aes128-aes256-sha256-sha384-prfsha256-prfsha384-modp2048-ecp256-x25519-x448-ecp384");
  ASSERT_FALSE(too_many.has_value());
  EXPECT_TRUE(contains(too_many.error(), "expands to 40 proposals; at most 32 per string"));
}

TEST(ProposalKeywords, TheRulesOfAProposal) {
  struct Row {
    std::string_view text;
    std::string_view complaint;
  };
  constexpr Row kRows[] = {
      {"", "empty proposal (example: \"aes128gcm16-prfsha256-x25519\")"},
      {"aes128--sha256-modp2048", "empty keyword in 'aes128--sha256-modp2048'"},
      {"sha256-modp2048", "'sha256-modp2048' has no encryption keyword"},
      {"aes128gcm16-sha256-prfsha256-x25519", "aes128gcm16 is an AEAD cipher and takes no integrity keyword"},
      {"aes128-modp2048",
       "aes128 is not an AEAD cipher and needs an integrity keyword (sha1 sha256 sha384 sha512)"},
      {"aes128gcm16-prfsha256", "has no key exchange group"},
      {"aes128gcm16-x25519", "AEAD proposals need a prf keyword, e.g. prfsha256"},
      {"aes128-aes128gcm16-sha256-x25519",
       "mixes the AEAD cipher aes128gcm16 with the non-AEAD cipher aes128"},
      {"aes128-aes-sha256-x25519", "'aes' names the same algorithm as 'aes128' twice"},
      {"aes128gcm16-prfsha256-x25519-esn", "'esn' belongs in esp_proposals"},
      {"3des-sha1-modp2048", "'3des' is refused as weak"},
      {"aes128-md5-modp2048", "'md5' is refused as weak"},
      {"aes128-sha256-modp1024", "'modp1024' is refused as weak"},
      {"aes128gcm12-prfsha256-x25519", "not supported by tern: 'aes128gcm12'"},
      {"aes128ccm16-prfsha256-x25519", "not supported by tern: 'aes128ccm16'"},
      {"aes128-sha256-ecp256bp", "not supported by tern: 'ecp256bp'"},
      {"aes128-aesxcbc-modp2048", "not supported by tern: 'aesxcbc'"},
      {"aes128-sha256-modp2049", "unknown keyword 'modp2049', did you mean 'modp2048'?"},
  };
  for (const Row& row : kRows) {
    auto parsed = parse_ike_proposal(row.text);
    ASSERT_FALSE(parsed.has_value()) << row.text;
    EXPECT_TRUE(contains(parsed.error(), row.complaint)) << row.text;
  }
}

TEST(ProposalKeywords, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(only_suite("AES128GCM16-PRFSHA256-X25519").to_string(),
            "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519");
}

TEST(ProposalKeywords, EveryIkeSuiteRoundTripsThroughItsKeywords) {
  int checked = 0;
  for (const EncryptionRow& encr : kEncryption) {
    bool aead = crypto::is_aead(encr.encr);
    for (std::string_view integ : {"sha1", "sha256", "sha384", "sha512"}) {
      for (std::string_view prf :
           {"", "prfsha1", "prfsha256", "prfsha384", "prfsha512", "prfaesxcbc", "prfaescmac"}) {
        if (aead && prf.empty()) continue;
        for (std::string_view group :
             {"modp2048", "modp3072", "modp4096", "ecp256", "ecp384", "ecp521", "x25519", "x448"}) {
          std::string text(encr.keyword);
          if (!aead) text += "-" + std::string(integ);
          if (!prf.empty()) text += "-" + std::string(prf);
          text += "-" + std::string(group);
          crypto::IkeSuite s = only_suite(text);
          std::string keywords = to_keywords(s);
          crypto::IkeSuite again = only_suite(keywords);
          EXPECT_EQ(again.to_string(), s.to_string()) << text << " -> " << keywords;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(ProposalKeywords, CanonicalKeywordsReadLikeStrongSwans) {
  EXPECT_EQ(to_keywords(only_suite("aes128gcm16-prfsha256-x25519")), "aes128gcm16-prfsha256-x25519");
  EXPECT_EQ(to_keywords(only_suite("aes256-sha256-modp2048")), "aes256-sha256-modp2048");  // prf implied
  EXPECT_EQ(to_keywords(only_suite("aes256-sha256-prfsha384-modp2048")), "aes256-sha256-prfsha384-modp2048");
  EXPECT_EQ(to_keywords(only_suite("aes128gcm-prfsha256-curve25519")), "aes128gcm16-prfsha256-x25519");
  EXPECT_EQ(to_keywords(only_suite("chacha20poly1305-prfsha256-x448")), "chacha20poly1305-prfsha256-x448");
}

TEST(EspKeywords, EncryptionIntegrityAndEsn) {
  struct Row {
    std::string_view text;
    ike::EspSuite suite;
    std::string_view keywords;
  };
  const Row kRows[] = {
      {"aes128gcm16", {EncrId::AES_GCM_16, 128, IntegId::NONE, EsnId::NO_ESN}, "aes128gcm16"},
      {"aes256gcm16-esn", {EncrId::AES_GCM_16, 256, IntegId::NONE, EsnId::ESN}, "aes256gcm16-esn"},
      {"aes256gcm16-noesn", {EncrId::AES_GCM_16, 256, IntegId::NONE, EsnId::NO_ESN}, "aes256gcm16"},
      {"chacha20poly1305",
       {EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, EsnId::NO_ESN},
       "chacha20poly1305"},
      {"aes256-sha256", {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, EsnId::NO_ESN}, "aes256-sha256"},
      {"aes128-sha1-esn", {EncrId::AES_CBC, 128, IntegId::HMAC_SHA1_96, EsnId::ESN}, "aes128-sha1-esn"},
      {"aes192-sha512", {EncrId::AES_CBC, 192, IntegId::HMAC_SHA2_512_256, EsnId::NO_ESN}, "aes192-sha512"},
  };
  for (const Row& row : kRows) {
    auto parsed = parse_esp_proposal(row.text);
    ASSERT_TRUE(parsed.has_value()) << row.text << ": " << parsed.error();
    ASSERT_EQ(parsed->size(), 1u) << row.text;
    EXPECT_EQ(parsed->front(), row.suite) << row.text;
    EXPECT_EQ(to_keywords(parsed->front()), row.keywords) << row.text;
    auto again = parse_esp_proposal(row.keywords);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->front(), row.suite) << row.keywords;
  }
}

TEST(EspKeywords, BothEsnValuesAreTwoSuites) {
  auto parsed = parse_esp_proposal("aes128gcm16-aes256gcm16-esn-noesn");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[0].to_string(), "AES_GCM_16_128/ESN");
  EXPECT_EQ((*parsed)[1].to_string(), "AES_GCM_16_128/NO_ESN");
  EXPECT_EQ((*parsed)[2].to_string(), "AES_GCM_16_256/ESN");
  EXPECT_EQ((*parsed)[3].to_string(), "AES_GCM_16_256/NO_ESN");
}

// A group keyword in an ESP proposal is the PFS group of CREATE_CHILD_SA rekeys.
TEST(EspKeywords, PfsGroupsMakeOneSuiteEach) {
  auto parsed = parse_esp_proposal("aes128gcm16-x25519-modp2048");
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].ke, wire::KeGroup::CURVE25519);
  EXPECT_EQ((*parsed)[1].ke, wire::KeGroup::MODP_2048);
  EXPECT_EQ((*parsed)[0].to_string(), "AES_GCM_16_128/NO_ESN/CURVE25519");
  EXPECT_EQ(to_keywords((*parsed)[1]), "aes128gcm16-modp2048");
  auto plain = parse_esp_proposal("aes128gcm16");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->front().ke, wire::KeGroup::NONE);
}

TEST(EspKeywords, WhatDoesNotBelongInAnEspProposal) {
  struct Row {
    std::string_view text;
    std::string_view complaint;
  };
  constexpr Row kRows[] = {
      {"aes128gcm16-prfsha256", "'prfsha256' is a prf keyword: it belongs in the connection's proposals"},
      {"aes128gcm16-sha256", "aes128gcm16 is an AEAD cipher and takes no integrity keyword; remove sha256"},
      {"aes256", "aes256 is not an AEAD cipher and needs an integrity keyword"},
      {"aes128gcm16-esm", "unknown keyword 'esm', did you mean 'esn'? (encryption: "},
  };
  for (const Row& row : kRows) {
    auto parsed = parse_esp_proposal(row.text);
    ASSERT_FALSE(parsed.has_value()) << row.text;
    EXPECT_TRUE(contains(parsed.error(), row.complaint)) << row.text;
  }
}

}  // namespace
}  // namespace tern::config

// Whole messages (RFC 7296 §3): a realistic IKE_SA_INIT request and an
// IKE_AUTH request with opaque SK contents. Every truncation point and every
// wrong length field yields a named error, never a crash.
#include "wire/message.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "codec_checks.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

// ---- Round trips -------------------------------------------------------

// HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP),
// N(IKEV2_FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS)  -->
TEST(Message, ParsesARealisticIkeSaInitRequest) {
  auto m = parse_message(samples::ike_sa_init_request_bytes());
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(*m, samples::ike_sa_init_request());
}

TEST(Message, BuildsTheIkeSaInitRequestBytesExactly) {
  Message m = samples::ike_sa_init_request();
  m.header.next_payload = PayloadType::NONE;  // filled in by build_message
  m.header.length = 0;
  EXPECT_EQ(to_hex(build_message(m)), to_hex(samples::ike_sa_init_request_bytes()));
}

// HDR, SK {IDi, ...}  -->   (SK opaque)
TEST(Message, IkeAuthRequestKeepsSkOpaqueWithItsFirstInnerType) {
  Bytes bytes = samples::ike_auth_request_bytes();
  auto m = parse_message(bytes);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(*m, samples::ike_auth_request());
  const auto& sk = std::get<SkPayload>(m->payloads.back().body);
  EXPECT_EQ(sk.first_inner, PayloadType::IDi);
  // The opener's associated data: header and SK generic header, 32 octets.
  EXPECT_EQ(bytes.size() - sk.encrypted.size(), kIkeHeaderSize + kPayloadHeaderSize);
  EXPECT_EQ(build_message(*m), bytes);
}

TEST(Message, PrefixForTheSealerCountsTheEncryptedOctets) {
  Message full = samples::ike_auth_request();
  Bytes encrypted = std::get<SkPayload>(full.payloads.back().body).encrypted;
  Message empty_sk = full;
  std::get<SkPayload>(empty_sk.payloads.back().body).encrypted.clear();

  Bytes prefix = build_message_prefix(empty_sk, encrypted.size());
  EXPECT_EQ(prefix.size(), kIkeHeaderSize + kPayloadHeaderSize);
  append(prefix, encrypted);
  EXPECT_EQ(prefix, samples::ike_auth_request_bytes());
}

TEST(Message, PrefixForAnSkfFragmentEndsAfterTotalFragments) {
  Message m = samples::ike_auth_request();
  m.payloads = {{PayloadType::SKF, false, SkfPayload{1, 2, {}, PayloadType::IDi}}};
  Bytes prefix = build_message_prefix(m, 100);
  // HDR (Length 28 + 8 + 100 = 136), SKF: Next IDi, Length 108, Fragment 1 of 2
  EXPECT_EQ(to_hex(ByteView(prefix).subspan(24)),
            "00000088"
            "2300006c"
            "00010002");
  append(prefix, samples::pattern(100, 0));
  auto back = parse_message(prefix);
  ASSERT_TRUE(back) << back.error().to_string();
  const auto& skf = std::get<SkfPayload>(back->payloads[0].body);
  EXPECT_EQ(skf.fragment_number, 1);
  EXPECT_EQ(skf.total_fragments, 2);
  EXPECT_EQ(skf.first_inner, PayloadType::IDi);
  EXPECT_EQ(skf.encrypted, samples::pattern(100, 0));
}

TEST(Message, EmptyInformationalHasNoPayloads) {
  Message m;
  m.header.spi_i = 1;
  m.header.spi_r = 2;
  m.header.exchange = ExchangeType::INFORMATIONAL;
  Bytes b = build_message(m);
  ASSERT_EQ(b.size(), kIkeHeaderSize);
  auto back = parse_message(b);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(back->payloads.empty());
  EXPECT_EQ(back->header.next_payload, PayloadType::NONE);
}

TEST(Message, PeekHeaderReadsOnlyTheHeader) {
  Bytes b = samples::ike_auth_request_bytes();
  b[32] = 0x99;  // garbage inside SK does not matter to the header
  auto h = peek_header(b);
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(h->exchange, ExchangeType::IKE_AUTH);
  EXPECT_EQ(h->message_id, 1u);
}

// ---- Every truncation point -------------------------------------------

TEST(Message, EveryTruncationOfIkeSaInitIsNamed) {
  checks::expect_every_truncation_is_named(samples::ike_sa_init_request_bytes(), "IKE_SA_INIT");
}

TEST(Message, EveryTruncationOfIkeAuthIsNamed) {
  checks::expect_every_truncation_is_named(samples::ike_auth_request_bytes(), "IKE_AUTH");
}

// ---- Every length field, every wrong value -----------------------------

TEST(Message, EveryWrongLengthInIkeSaInitIsNamed) {
  Bytes m = samples::ike_sa_init_request_bytes();
  // 1 header + 7 payloads + 2 proposals + 7 transforms
  EXPECT_EQ(checks::length_fields(m).size(), 17u);
  checks::expect_every_wrong_length_is_named(m, "IKE_SA_INIT");
}

TEST(Message, EveryWrongLengthInIkeAuthIsNamed) {
  checks::expect_every_wrong_length_is_named(samples::ike_auth_request_bytes(), "IKE_AUTH");
}

// ---- Random damage --------------------------------------------------------

// Flip random octets of real messages (fixed seed): parsing never crashes, and
// whatever parses re-encodes to a message that parses to the same thing.
TEST(Message, RandomDamageNeverCrashesAndWhatParsesReencodes) {
  std::mt19937 rng(7296);
  size_t parsed = 0;
  for (const Bytes& original : {samples::ike_sa_init_request_bytes(), samples::ike_auth_request_bytes()}) {
    for (int round = 0; round < 20000; ++round) {
      Bytes b = original;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < flips; ++i) {
        // Keep the header's Length and SPI mostly intact so the payload parsers get exercised.
        size_t at = kIkeHeaderSize + rng() % (b.size() - kIkeHeaderSize);
        b[at] = static_cast<uint8_t>(rng());
      }
      auto m = parse_message(b);
      if (!m) continue;
      ++parsed;
      Message again = *m;
      again.header.flags &= static_cast<uint8_t>(~kFlagVersion);  // V is never sent
      auto back = parse_message(build_message(again));
      ASSERT_TRUE(back) << back.error().to_string();
      EXPECT_EQ(*back, again);
    }
  }
  EXPECT_GT(parsed, 0u);
}

}  // namespace
}  // namespace tern::wire

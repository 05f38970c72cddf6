// SA payload (RFC 7296 §3.3): proposals, transforms, attributes; round trips
// and a named error for every malformed structure.
#include "wire/sa_payload.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

// The SA body of the sample IKE_SA_INIT request (after the generic header):
// Proposal 1: ENCR_AES_GCM_16/256, PRF_HMAC_SHA2_256, CURVE25519
// Proposal 2: ENCR_AES_CBC/128, PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, MODP_2048
Bytes sample_body() {
  Bytes message = samples::ike_sa_init_request_bytes();
  return Bytes(message.begin() + 32, message.begin() + 32 + 80);
}

Bytes built(const SaPayload& sa) {
  Bytes out;
  ByteWriter w{out};
  sa.build(w);
  return out;
}

void expect_error(ByteView body, Errc code, const char* why) {
  auto sa = SaPayload::parse(body);
  ASSERT_FALSE(sa) << why;
  EXPECT_EQ(sa.error().code, code) << why << ": " << sa.error().to_string();
  EXPECT_EQ(sa.error().notify, notify_number(NotifyType::INVALID_SYNTAX)) << why;
}

// ESP proposal as in a CREATE_CHILD_SA / IKE_AUTH SAi2: SPI 4 octets.
Proposal esp_proposal(uint8_t number) {
  return Proposal{number,
                  ProtocolId::ESP,
                  hex("c1a2b3d4"),
                  {Transform{TransformType::ENCR,
                             static_cast<uint16_t>(EncrId::AES_GCM_16),
                             {TransformAttribute::key_length(128)}},
                   Transform{TransformType::ESN, static_cast<uint16_t>(EsnId::NO_ESN), {}}}};
}

TEST(SaPayload, ParsesTheSampleProposals) {
  auto sa = SaPayload::parse(sample_body());
  ASSERT_TRUE(sa) << sa.error().to_string();
  EXPECT_EQ(*sa, samples::ike_sa_init_proposals());
  ASSERT_EQ(sa->proposals.size(), 2u);
  EXPECT_EQ(sa->proposals[0].transforms[0].key_length(), 256);
  EXPECT_EQ(sa->proposals[1].transforms[2].type, TransformType::INTEG);
  EXPECT_EQ(sa->proposals[1].transforms[2].key_length(), std::nullopt);
}

TEST(SaPayload, BuildsTheSampleBytesExactly) {
  EXPECT_EQ(to_hex(built(samples::ike_sa_init_proposals())), to_hex(sample_body()));
}

TEST(SaPayload, RoundTripsEspAndIkeRekeyProposals) {
  SaPayload sa;
  sa.proposals = {esp_proposal(1), esp_proposal(2)};
  // CREATE_CHILD_SA rekeying the IKE SA: the new initiator SPI, 8 octets (§3.3.1).
  sa.proposals.push_back(
      Proposal{3,
               ProtocolId::IKE,
               hex("0011223344556677"),
               {Transform{TransformType::ENCR, static_cast<uint16_t>(EncrId::CHACHA20_POLY1305), {}},
                Transform{TransformType::PRF, static_cast<uint16_t>(PrfId::HMAC_SHA2_512), {}},
                Transform{TransformType::KE, static_cast<uint16_t>(KeGroup::ECP_256), {}}}});
  auto back = SaPayload::parse(built(sa));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, sa);
}

TEST(SaPayload, SameProposalNumberTwiceIsAccepted) {
  SaPayload sa;
  sa.proposals = {esp_proposal(1), esp_proposal(1), esp_proposal(2)};
  auto back = SaPayload::parse(built(sa));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, sa);
}

TEST(SaPayload, TlvAttributesRoundTrip) {
  SaPayload sa;
  sa.proposals = {esp_proposal(1)};
  // An attribute type IKEv2 does not define, in the variable-length format.
  sa.proposals[0].transforms[1].attributes.push_back(TransformAttribute{17, false, hex("010203")});
  Bytes b = built(sa);
  auto back = SaPayload::parse(b);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, sa);
}

TEST(SaPayload, ReservedFieldsAreIgnoredOnReceipt) {
  Bytes b = sample_body();
  b[1] = 0xff;   // Proposal 1 RESERVED
  b[9] = 0xff;   // Transform 1 RESERVED
  b[13] = 0xff;  // Transform 1 RESERVED after the type
  auto sa = SaPayload::parse(b);
  ASSERT_TRUE(sa) << sa.error().to_string();
  EXPECT_EQ(*sa, samples::ike_sa_init_proposals());
}

TEST(SaPayload, EmptyBodyHasNoProposal) {
  expect_error({}, Errc::invalid_syntax, "empty SA");
}

TEST(SaPayload, EveryTruncationIsNamed) {
  Bytes b = sample_body();
  for (size_t n = 1; n < b.size(); ++n) {
    auto sa = SaPayload::parse(ByteView(b).first(n));
    ASSERT_FALSE(sa) << n;
    // Cut right after proposal 1, whose Last Substruc (2) promised another one.
    Errc expected = n == 36 ? Errc::invalid_syntax : Errc::truncated;
    EXPECT_EQ(sa.error().code, expected) << n << ": " << sa.error().to_string();
    EXPECT_EQ(sa.error().notify, notify_number(NotifyType::INVALID_SYNTAX)) << n;
  }
}

TEST(SaPayload, LastSubstrucMustMatchThePosition) {
  Bytes b = sample_body();
  b[0] = 1;  // Proposal 1: neither 0 nor 2
  expect_error(b, Errc::invalid_syntax, "Last Substruc 1");
  b[0] = 0;  // "last" but proposal 2 follows
  expect_error(b, Errc::invalid_syntax, "Last Substruc 0 not last");
  b = sample_body();
  b[36] = 2;  // Proposal 2 says "more" but is the last
  expect_error(b, Errc::invalid_syntax, "Last Substruc 2 at the end");
  b = sample_body();
  b[8] = 0;  // Transform 1 of proposal 1 says "last"
  expect_error(b, Errc::invalid_syntax, "transform Last Substruc 0 not last");
  b = sample_body();
  b[28] = 3;  // Transform 3 of proposal 1 says "more"
  expect_error(b, Errc::invalid_syntax, "transform Last Substruc 3 at the end");
  b = sample_body();
  b[20] = 2;  // a transform with the proposal value
  expect_error(b, Errc::invalid_syntax, "transform Last Substruc 2");
}

TEST(SaPayload, ProposalNumbersStartAtOneAndGoUpByOne) {
  Bytes b = sample_body();
  b[4] = 2;  // first of several proposals numbered 2
  expect_error(b, Errc::invalid_syntax, "first number 2");
  b = sample_body();
  b[40] = 3;  // 1, 3
  expect_error(b, Errc::invalid_syntax, "1 then 3");
  b = sample_body();
  b[40] = 0;  // 1, 0
  expect_error(b, Errc::invalid_syntax, "1 then 0");
}

// §3.3.1: the responder's SA is one proposal that keeps the number of the
// offer it accepted — e.g. 3 when it picked the initiator's third proposal.
TEST(SaPayload, AnAnswerKeepsTheAcceptedProposalsNumber) {
  SaPayload sa;
  sa.proposals = {esp_proposal(3)};
  auto parsed = SaPayload::parse(built(sa));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->proposals[0].number, 3);
  sa.proposals = {esp_proposal(0)};
  expect_error(built(sa), Errc::invalid_syntax, "lone proposal numbered 0");
}

TEST(SaPayload, ProtocolIdMustBeIkeAhOrEsp) {
  for (uint8_t protocol : {uint8_t{0}, uint8_t{4}, uint8_t{255}}) {
    Bytes b = sample_body();
    b[5] = protocol;
    expect_error(b, Errc::invalid_syntax, "protocol");
  }
}

TEST(SaPayload, SpiSizeMustFitTheProtocol) {
  SaPayload sa;
  sa.proposals = {esp_proposal(1)};
  sa.proposals[0].spi = hex("0102030405060708");  // 8 octets for ESP
  expect_error(built(sa), Errc::bad_spi, "ESP SPI 8");
  sa.proposals[0].spi = {};  // none for ESP
  expect_error(built(sa), Errc::bad_spi, "ESP SPI 0");
  sa.proposals[0].protocol = ProtocolId::AH;
  sa.proposals[0].spi = hex("01");
  expect_error(built(sa), Errc::bad_spi, "AH SPI 1");
  sa.proposals[0].protocol = ProtocolId::IKE;
  sa.proposals[0].spi = hex("01020304");
  expect_error(built(sa), Errc::bad_spi, "IKE SPI 4");
}

TEST(SaPayload, NumTransformsMustMatch) {
  Bytes b = sample_body();
  b[7] = 2;  // proposal 1 has 3
  expect_error(b, Errc::invalid_syntax, "2 of 3");
  b[7] = 4;
  expect_error(b, Errc::invalid_syntax, "4 of 3");
}

TEST(SaPayload, ProposalWithoutTransformsIsInvalid) {
  // Last Substruc 0, Length 8, Proposal 1, IKE, no SPI, 0 transforms
  expect_error(hex("00 00 0008 01 01 00 00"), Errc::invalid_syntax, "no transforms");
}

TEST(SaPayload, SpiSizeBeyondTheProposalIsBadLength) {
  // Length 8 but SPI Size 4
  expect_error(hex("00 00 0008 01 03 04 00"), Errc::bad_length, "SPI beyond the proposal");
}

TEST(SaPayload, KeyLengthMustBeTv) {
  SaPayload sa;
  sa.proposals = {esp_proposal(1)};
  sa.proposals[0].transforms[0].attributes = {TransformAttribute{14, false, hex("0080")}};
  expect_error(built(sa), Errc::invalid_syntax, "KEY_LENGTH as TLV");
}

TEST(SaPayload, AbsurdCountsAreBounded) {
  SaPayload many;
  for (size_t i = 0; i <= kMaxProposals; ++i)
    many.proposals.push_back(esp_proposal(static_cast<uint8_t>(i + 1)));
  expect_error(built(many), Errc::too_many, "proposals");

  SaPayload attributes;
  attributes.proposals = {esp_proposal(1)};
  for (size_t i = 0; i <= kMaxAttributes; ++i) {
    attributes.proposals[0].transforms[1].attributes.push_back(TransformAttribute{100, true, hex("0000")});
  }
  expect_error(built(attributes), Errc::too_many, "attributes");
}

// Every length field set to each wrong value gives a named error, never a crash.
struct LengthField {
  const char* name;
  size_t offset;  // of the 16-bit field in the SA body
  uint16_t length;
  uint16_t minimum;  // below it: bad_length (8 for proposals and transforms, 0 for attributes)
};

void mutate_every_length(const Bytes& body, std::initializer_list<LengthField> fields) {
  for (const LengthField& f : fields) {
    ASSERT_EQ((body[f.offset] << 8) | body[f.offset + 1], f.length) << f.name;
    for (uint32_t v : {0u, 1u, 3u, 4u, f.length - 1u, f.length + 1u, 0xffffu}) {
      if (v == f.length) continue;
      Bytes b = body;
      b[f.offset] = static_cast<uint8_t>(v >> 8);
      b[f.offset + 1] = static_cast<uint8_t>(v);
      auto sa = SaPayload::parse(b);
      ASSERT_FALSE(sa) << f.name << " = " << v;
      Errc code = sa.error().code;
      EXPECT_TRUE(code == Errc::truncated || code == Errc::bad_length || code == Errc::invalid_syntax)
          << f.name << " = " << v << ": " << sa.error().to_string();
      if (v < f.minimum) {
        EXPECT_EQ(code, Errc::bad_length) << f.name << " = " << v;
      }
      if (v == 0xffff) {
        EXPECT_EQ(code, Errc::truncated) << f.name << " = " << v;
      }
      EXPECT_EQ(sa.error().notify, notify_number(NotifyType::INVALID_SYNTAX)) << f.name << " = " << v;
    }
  }
}

TEST(SaPayload, EveryWrongProposalAndTransformLengthIsNamed) {
  mutate_every_length(sample_body(), {
                                         {"proposal 1 length", 2, 36, 8},
                                         {"p1 transform 1 length", 10, 12, 8},
                                         {"p1 transform 2 length", 22, 8, 8},
                                         {"p1 transform 3 length", 30, 8, 8},
                                         {"proposal 2 length", 38, 44, 8},
                                         {"p2 transform 1 length", 46, 12, 8},
                                         {"p2 transform 2 length", 58, 8, 8},
                                         {"p2 transform 3 length", 66, 8, 8},
                                         {"p2 transform 4 length", 74, 8, 8},
                                     });
}

TEST(SaPayload, EveryWrongAttributeLengthIsNamed) {
  SaPayload sa;
  sa.proposals = {esp_proposal(1)};
  sa.proposals[0].transforms[1].attributes.push_back(TransformAttribute{17, false, hex("010203")});
  Bytes b = built(sa);
  // Proposal header 8 + SPI 4 + ENCR transform 12; ESN transform header 8, then
  // the TLV attribute: type (2), Attribute Length (2) = 3.
  mutate_every_length(b, {{"attribute length", 8 + 4 + 12 + 8 + 2, 3, 0}});
}

}  // namespace
}  // namespace tern::wire

// The engine's pure helpers: proposal selection and mismatch explanation
// (RFC 7296 §2.7, §3.3), traffic selector narrowing (§2.9), NAT detection
// hashes (§2.23).
#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "exchange_harness.h"
#include "ike/nat_detection.h"
#include "ike/proposal.h"
#include "ike/ts_narrowing.h"

namespace tern::ike::testing {
namespace {

TEST(Proposal, SuitesDifferingOnlyInKeShareOneProposal) {
  crypto::IkeSuite gcm_ecp256 = kAes128Gcm;
  gcm_ecp256.ke = wire::KeGroup::ECP_256;
  std::vector<crypto::IkeSuite> suites{kAes128Gcm, gcm_ecp256, kAes256Sha256Modp2048};
  std::vector<wire::Proposal> proposals = ike_proposals(suites);
  ASSERT_EQ(proposals.size(), 2u);
  EXPECT_EQ(proposals[0].number, 1);
  EXPECT_EQ(proposals[0].transforms.size(), 4u);  // ENCR, PRF, KE, KE
  EXPECT_EQ(proposals[1].number, 2);
  EXPECT_EQ(proposals[1].transforms.size(), 4u);  // ENCR, PRF, INTEG, KE
  auto picked = select_ike_proposal(proposals, std::vector{gcm_ecp256});
  ASSERT_TRUE(picked.has_value());
  EXPECT_EQ(picked->number, 1);
  EXPECT_EQ(picked->suite.ke, wire::KeGroup::ECP_256);
}

TEST(Proposal, AnAnswerMustBeOneOfOurs) {
  std::vector<crypto::IkeSuite> ours{kAes128Gcm};
  EXPECT_TRUE(check_ike_answer(wire::SaPayload{{ike_proposal(kAes128Gcm, 1)}}, ours).has_value());
  EXPECT_FALSE(check_ike_answer(wire::SaPayload{{ike_proposal(kChacha20, 1)}}, ours).has_value());
  // Two proposals in an answer are not an answer.
  EXPECT_FALSE(
      check_ike_answer(wire::SaPayload{{ike_proposal(kAes128Gcm, 1), ike_proposal(kAes128Gcm, 2)}}, ours)
          .has_value());
}

TEST(Proposal, EspSelectionCarriesThePeersSpi) {
  std::vector<EspSuite> ours{kEspAes128Gcm};
  std::vector<wire::Proposal> offered = esp_proposals(ours, 0xc0ffee01);
  auto picked = select_esp_proposal(offered, ours);
  ASSERT_TRUE(picked.has_value());
  EXPECT_EQ(picked->peer_spi, (Bytes{0xc0, 0xff, 0xee, 0x01}));
  EXPECT_FALSE(select_ike_proposal(offered, std::vector{kAes128Gcm}).has_value());  // ESP is not IKE
}

TEST(Proposal, ExplanationWhenEveryTypeMatchesSomewhereButNoProposalCombinesThem) {
  crypto::IkeSuite gcm_modp = kAes128Gcm;
  gcm_modp.ke = wire::KeGroup::MODP_2048;
  crypto::IkeSuite cbc_x25519 = kAes256Sha256Modp2048;
  cbc_x25519.ke = wire::KeGroup::CURVE25519;
  std::vector<wire::Proposal> offered = ike_proposals(std::vector{gcm_modp, cbc_x25519});
  std::vector<crypto::IkeSuite> ours{kAes128Gcm, kAes256Sha256Modp2048};
  EXPECT_FALSE(select_ike_proposal(offered, ours).has_value());
  std::string why = explain_ike_mismatch(offered, ours);
  EXPECT_NE(why.find("no single proposal combines them"), std::string::npos) << why;
}

TEST(TsNarrowing, IntersectionOfRangesProtocolsAndPorts) {
  wire::TrafficSelector wide = wire::TrafficSelector::ipv4_range({10, 0, 0, 0}, {10, 255, 255, 255});
  wire::TrafficSelector tcp_https =
      wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}, 6, 443, 443);
  auto both = intersect(wide, tcp_https);
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(*both, tcp_https);

  wire::TrafficSelector udp = wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}, 17);
  EXPECT_FALSE(intersect(tcp_https, udp).has_value());  // protocols differ

  wire::TrafficSelector low_ports =
      wire::TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}, 0, 0, 1023);
  wire::TrafficSelector high_ports =
      wire::TrafficSelector::ipv4_range({0, 0, 0, 0}, {255, 255, 255, 255}, 0, 1024);
  EXPECT_FALSE(intersect(low_ports, high_ports).has_value());

  // Overlapping address ranges: 10.1.0.128-10.1.1.127 ∩ 10.1.1.0/24 = 10.1.1.0-10.1.1.127
  wire::TrafficSelector straddle = wire::TrafficSelector::ipv4_range({10, 1, 0, 128}, {10, 1, 1, 127});
  auto part = intersect(straddle, subnet24(10, 1, 1));
  ASSERT_TRUE(part.has_value());
  EXPECT_EQ(*part, wire::TrafficSelector::ipv4_range({10, 1, 1, 0}, {10, 1, 1, 127}));

  wire::TrafficSelector v6 =
      wire::TrafficSelector::ipv6_range({0x20, 0x01, 0x0d, 0xb8}, {0x20, 0x01, 0x0d, 0xb8, 0xff});
  EXPECT_FALSE(intersect(v6, wide).has_value());  // IPv6 never meets IPv4
}

TEST(TsNarrowing, NarrowKeepsEveryNonEmptyIntersectionAndSubsetChecksTheAnswer) {
  std::vector<wire::TrafficSelector> asked{
      wire::TrafficSelector::ipv4_range({10, 0, 0, 0}, {10, 255, 255, 255})};
  std::vector<wire::TrafficSelector> allowed{subnet24(10, 2, 0), subnet24(192, 168, 0), subnet24(10, 3, 0)};
  std::vector<wire::TrafficSelector> narrowed = narrow(asked, allowed);
  EXPECT_EQ(narrowed, (std::vector{subnet24(10, 2, 0), subnet24(10, 3, 0)}));
  EXPECT_TRUE(is_subset(narrowed, asked));
  EXPECT_FALSE(is_subset(allowed, asked));  // 192.168.0.0/24 was not asked for
  EXPECT_FALSE(is_subset({}, asked));
  EXPECT_TRUE(narrow(std::vector{subnet24(10, 9, 0)}, allowed).empty());
}

TEST(NatDetection, HashCoversSpisAddressAndPort) {
  Bytes h = nat_detection_hash(0x0102030405060708, 0, kAddrA);
  EXPECT_EQ(h.size(), kNatDetectionHashSize);
  // SHA-1(SPIi | SPIr | 192.0.2.1 | 500)
  Bytes input = *from_hex("0102030405060708 0000000000000000 c0000201 01f4");
  crypto::Sha1Digest expected = crypto::sha1({input});
  EXPECT_EQ(h, Bytes(expected.begin(), expected.end()));
  EXPECT_NE(h, nat_detection_hash(0x0102030405060708, 0, kAddrA.with_port(4500)));
  EXPECT_NE(h, nat_detection_hash(0x0102030405060708, 1, kAddrA));
}

}  // namespace
}  // namespace tern::ike::testing

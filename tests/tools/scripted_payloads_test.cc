// The pieces of the scripted exchange checked against independent evidence:
// SHA-1 known answers (FIPS 180 "abc"), NAT detection hashes (RFC 7296 §2.23)
// against strongSwan's real IKE_SA_INIT messages, and the PSK AUTH of both
// roles (§2.15) against the AUTH values strongSwan sent.
#include "tools/scripted_payloads.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "support/strongswan_reference.h"
#include "tools/demo_suites.h"
#include "tools/scripted_sa.h"
#include "wire/message.h"

namespace tern::tools {
namespace {

using wire::NotifyType;

std::string hex(const crypto::Sha1Digest& d) {
  return to_hex(d);
}

TEST(Sha1, KnownAnswers) {
  EXPECT_EQ(hex(crypto::sha1({as_bytes("abc")})), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(crypto::sha1({})), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  // The parts are hashed as one concatenation.
  EXPECT_EQ(crypto::sha1({as_bytes("a"), as_bytes(""), as_bytes("bc")}), crypto::sha1({as_bytes("abc")}));
}

// NAT-D = SHA-1(SPIi | SPIr | IP | port), all in network order.
TEST(NatDetection, HashIsSha1OfSpisAddressAndPort) {
  const Bytes input = *from_hex("0102030405060708 1112131415161718 c0000201 01f4");
  const crypto::Sha1Digest expected = crypto::sha1({input});
  EXPECT_EQ(nat_detection_hash(0x0102030405060708, 0x1112131415161718, {{192, 0, 2, 1}, 500}),
            Bytes(expected.begin(), expected.end()));
}

// strongSwan (198.51.100.1 -> 198.51.100.2, port 500) sends a correct
// NAT_DETECTION_DESTINATION_IP and a deliberately wrong NAT_DETECTION_SOURCE_IP
// (tests/data/strongswan/README.md): tern's hash must agree with the first
// and see the NAT in the second.
TEST(NatDetection, AgreesWithStrongSwan) {
  const UdpEndpoint initiator{{198, 51, 100, 1}, 500};
  const UdpEndpoint responder{{198, 51, 100, 2}, 500};
  for (const std::string& suite : testing::StrongswanReference::suites()) {
    const auto ref = testing::StrongswanReference::load(suite);
    const uint64_t spi_i = ref.spi("SPIi");
    const uint64_t spi_r = ref.spi("SPIr");
    auto request = wire::parse_message(ref.message("01-IKE_SA_INIT-request"));
    auto response = wire::parse_message(ref.message("02-IKE_SA_INIT-response"));
    ASSERT_TRUE(request && response) << suite;
    // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*)  -->   (SPIr is zero in the request's hashes)
    EXPECT_TRUE(nat_detection_matches(request->payloads, NotifyType::NAT_DETECTION_DESTINATION_IP, spi_i, 0,
                                      responder))
        << suite;
    EXPECT_FALSE(
        nat_detection_matches(request->payloads, NotifyType::NAT_DETECTION_SOURCE_IP, spi_i, 0, initiator))
        << suite;
    // <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_*)
    EXPECT_TRUE(nat_detection_matches(response->payloads, NotifyType::NAT_DETECTION_DESTINATION_IP, spi_i,
                                      spi_r, initiator))
        << suite;
    EXPECT_FALSE(nat_detection_matches(response->payloads, NotifyType::NAT_DETECTION_SOURCE_IP, spi_i, spi_r,
                                       responder))
        << suite;
  }
}

// AUTH_i and AUTH_r computed from strongSwan's messages, nonces and SK_p keys
// are the ones strongSwan sent.
TEST(ScriptedAuth, AgreesWithStrongSwan) {
  for (const NamedSuite& named : demo_suites()) {
    const auto ref = testing::StrongswanReference::load(std::string(named.name));
    ScriptedSa sa;
    sa.suite = named.suite;
    sa.real_message_1 = ref.message("01-IKE_SA_INIT-request");
    sa.real_message_2 = ref.message("02-IKE_SA_INIT-response");
    sa.Ni = ref.bytes("Ni");
    sa.Nr = ref.bytes("Nr");
    sa.keys.SK_pi = SecretBytes(ref.bytes("SK_pi"));
    sa.keys.SK_pr = SecretBytes(ref.bytes("SK_pr"));
    const ByteView psk = as_bytes(ref.text("psk"));
    const wire::IdPayload idi = identity(ref.text("id_i"));
    const wire::IdPayload idr = identity(ref.text("id_r"));
    EXPECT_EQ(to_hex(id_payload_body(idi)), ref.text("RestOfInitIDPayload")) << named.name;
    EXPECT_EQ(to_hex(id_payload_body(idr)), ref.text("RestOfRespIDPayload")) << named.name;

    auto auth_i = compute_psk_auth(sa, Role::initiator, psk, idi);
    auto auth_r = compute_psk_auth(sa, Role::responder, psk, idr);
    ASSERT_TRUE(auth_i && auth_r) << named.name;
    EXPECT_EQ(to_hex(*auth_i), ref.text("AUTH_i")) << named.name;
    EXPECT_EQ(to_hex(*auth_r), ref.text("AUTH_r")) << named.name;
    EXPECT_TRUE(*verify_psk_auth(sa, Role::initiator, psk, idi, ref.bytes("AUTH_i"))) << named.name;
    EXPECT_FALSE(*verify_psk_auth(sa, Role::initiator, as_bytes("not-the-psk"), idi, ref.bytes("AUTH_i")))
        << named.name;
    // Each role signs its own message: the initiator's AUTH does not pass as the responder's.
    EXPECT_FALSE(*verify_psk_auth(sa, Role::responder, psk, idr, ref.bytes("AUTH_i"))) << named.name;
  }
}

TEST(ScriptedPayloads, Ipv4PrefixSelectors) {
  EXPECT_EQ(ipv4_prefix_ts({192, 0, 2, 0}, 24).selectors.at(0).to_string(),
            "192.0.2.0-192.0.2.255 proto 0 ports 0-65535");
  EXPECT_EQ(ipv4_prefix_ts({203, 0, 113, 77}, 25).selectors.at(0).to_string(),
            "203.0.113.0-203.0.113.127 proto 0 ports 0-65535");
  EXPECT_EQ(ipv4_prefix_ts({198, 51, 100, 9}, 32).selectors.at(0).to_string(),
            "198.51.100.9-198.51.100.9 proto 0 ports 0-65535");
  EXPECT_EQ(ipv4_prefix_ts({10, 1, 2, 3}, 0).selectors.at(0).to_string(),
            "0.0.0.0-255.255.255.255 proto 0 ports 0-65535");
}

TEST(ScriptedPayloads, Identities) {
  EXPECT_EQ(identity("a@example.org").type, wire::IdType::ID_RFC822_ADDR);
  EXPECT_EQ(identity("vpn.example.org").type, wire::IdType::ID_FQDN);
  EXPECT_EQ(identity("vpn.example.org").to_string(), "fqdn:vpn.example.org");
}

TEST(ScriptedPayloads, IkeProposalHasIntegOnlyWithoutAead) {
  for (const NamedSuite& named : demo_suites()) {
    const wire::Proposal p = ike_proposal(named.suite);
    const bool has_integ =
        std::any_of(p.transforms.begin(), p.transforms.end(),
                    [](const wire::Transform& t) { return t.type == wire::TransformType::INTEG; });
    EXPECT_EQ(has_integ, !crypto::is_aead(named.suite.encr)) << named.name;
    EXPECT_EQ(p.transforms.front().key_length(), named.suite.encr_key_bits) << named.name;
    EXPECT_TRUE(p.spi.empty());
  }
}

}  // namespace
}  // namespace tern::tools

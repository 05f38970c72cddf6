// What goes wrong in IKE_SA_INIT / IKE_AUTH and how each end reacts
// (RFC 7296 §2.7, §2.9, §2.15, §2.21): NO_PROPOSAL_CHOSEN with an
// explanation, INVALID_KE_PAYLOAD and the retry, AUTHENTICATION_FAILED,
// TS narrowing and TS_UNACCEPTABLE.
#include <gtest/gtest.h>

#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

TEST(NegotiationFailure, NoProposalChosenNamesTheTransformTypeThatDidNotMatch) {
  ConnectionConfig a = config_a(), b = config_b();
  a.proposals = {kAes256Sha256Modp2048};
  b.proposals = {kAes128Gcm};
  TwoPeers net(a, b);
  net.up();
  // HDR, SAi1, KEi, Ni  -->
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, N(NO_PROPOSAL_CHOSEN)
  ASSERT_EQ(net.wire.size(), 1u);
  auto response = wire::parse_message(net.wire.front().bytes);
  ASSERT_TRUE(response.has_value());
  EXPECT_NE(wire::find_notify(response->payloads, wire::NotifyType::NO_PROPOSAL_CHOSEN), nullptr);
  EXPECT_EQ(wire::find_payload(response->payloads, wire::PayloadType::SA), nullptr);
  ASSERT_TRUE(net.deliver_one());

  std::string why = net.log_b.event_text(EventKind::proposal_mismatch);
  EXPECT_NE(why.find("ENCR: peer offered ENCR_AES_CBC_256; we accept ENCR_AES_GCM_16_128"), std::string::npos)
      << why;
  EXPECT_NE(why.find("INTEG: peer offered AUTH_HMAC_SHA2_256_128; we accept AUTH_NONE"), std::string::npos)
      << why;
  EXPECT_NE(why.find("KE: peer offered MODP_2048; we accept CURVE25519"), std::string::npos) << why;
  EXPECT_EQ(why.find("PRF:"), std::string::npos) << why;  // PRF_HMAC_SHA2_256 on both sides
  EXPECT_TRUE(net.log_a.has_event(EventKind::proposal_mismatch, "NO_PROPOSAL_CHOSEN"));
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed));
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_TRUE(net.log_a.installed.empty());
}

TEST(NegotiationFailure, InvalidKePayloadRetriesOnceWithTheNamedGroup) {
  ConnectionConfig a = config_a(), b = config_b();
  crypto::IkeSuite gcm_ecp256 = kAes128Gcm;
  gcm_ecp256.ke = wire::KeGroup::ECP_256;
  a.proposals = {kAes128Gcm, gcm_ecp256};  // one proposal, KE CURVE25519 then ECP_256; KEi is CURVE25519
  b.proposals = {gcm_ecp256};
  TwoPeers net(a, b);
  net.up();
  // HDR, SAi1, KEi(CURVE25519), Ni  -->
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, N(INVALID_KE_PAYLOAD, ECP_256)
  auto reject = wire::parse_message(net.wire.front().bytes);
  ASSERT_TRUE(reject.has_value());
  const wire::NotifyPayload* n = wire::find_notify(reject->payloads, wire::NotifyType::INVALID_KE_PAYLOAD);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->data, (Bytes{0, 19}));
  ASSERT_TRUE(net.deliver_one());
  // HDR, SAi1, KEi(ECP_256), Ni  -->   (Message ID 0 again, same SPIi)
  ASSERT_EQ(net.wire.size(), 1u);
  auto retry = wire::parse_message(net.wire.front().bytes);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->header.message_id, 0u);
  EXPECT_EQ(retry->header.spi_i, reject->header.spi_i);
  const wire::Payload* ke = wire::find_payload(retry->payloads, wire::PayloadType::KE);
  ASSERT_NE(ke, nullptr);
  EXPECT_EQ(std::get<wire::KePayload>(ke->body).group, wire::KeGroup::ECP_256);
  net.deliver_all();
  EXPECT_TRUE(net.log_a.has_event(EventKind::invalid_ke_retry, "ECP_256"));
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << net.dump_events();
  expect_matching_children(net.log_a, net.log_b);
  EXPECT_EQ(net.only_sa(net.a)->suite->ke, wire::KeGroup::ECP_256);
}

TEST(NegotiationFailure, InvalidKeForAGroupWeDidNotProposeFails) {
  ConnectionConfig a = config_a(), b = config_b();
  crypto::IkeSuite gcm_modp = kAes128Gcm;
  gcm_modp.ke = wire::KeGroup::MODP_2048;
  b.proposals = {gcm_modp};  // A only proposes CURVE25519: NO_PROPOSAL_CHOSEN, not INVALID_KE
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  EXPECT_TRUE(
      net.log_b.has_event(EventKind::proposal_mismatch, "KE: peer offered CURVE25519; we accept MODP_2048"));
  EXPECT_TRUE(net.a.status().empty());
}

TEST(NegotiationFailure, WrongPskIsAuthenticationFailedAndNoChildIsInstalled) {
  ConnectionConfig a = config_a();
  a.psk = SecretBytes(as_bytes("not the right secret"));
  TwoPeers net(a, config_b());
  net.up();
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT
  ASSERT_TRUE(net.deliver_one());
  // HDR, SK {IDi, IDr, AUTH(wrong), SAi2, TSi, TSr}  -->
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {N(AUTHENTICATION_FAILED)}
  EXPECT_TRUE(net.log_b.has_event(EventKind::authentication_failed, "does not verify"));
  EXPECT_TRUE(net.b.status().empty());
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "AUTHENTICATION_FAILED"));
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.installed.empty());
  EXPECT_TRUE(net.log_b.installed.empty());
}

TEST(NegotiationFailure, ResponderWithTheWrongPskIsRejectedByTheInitiator) {
  ConnectionConfig b = config_b();
  b.psk = SecretBytes(as_bytes("responder has another secret"));
  TwoPeers net(config_a(), b);
  net.up();
  net.deliver_all();
  // B rejects A's AUTH first: A learns it through N(AUTHENTICATION_FAILED).
  EXPECT_TRUE(net.log_b.has_event(EventKind::authentication_failed));
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "AUTHENTICATION_FAILED"));
  EXPECT_TRUE(net.log_a.installed.empty());
}

TEST(NegotiationFailure, UnexpectedPeerIdentityIsAuthenticationFailed) {
  ConnectionConfig b = config_b();
  b.remote_id = Identity::rfc822("someone-else@example.org");
  TwoPeers net(config_a(), b);
  net.up();
  net.deliver_all();
  EXPECT_TRUE(net.log_b.has_event(EventKind::authentication_failed,
                                  "peer identity rfc822:a@example.org is not the configured"));
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "AUTHENTICATION_FAILED"));
}

TEST(NegotiationFailure, InitiatorRejectsAResponderWithAnotherIdentity) {
  ConnectionConfig a = config_a(), b = config_b();
  a.remote_id = Identity::match_any();
  b.local_id = Identity::fqdn("mallory.example.org");
  ConnectionConfig a2 = a;
  a2.remote_id = Identity::fqdn("b.example.org");
  TwoPeers net(a2, b);
  net.up();
  net.deliver_all();
  // A asked for IDr b.example.org: B (mallory) refuses the IDr it is not.
  EXPECT_TRUE(
      net.log_b.has_event(EventKind::authentication_failed, "peer asks for identity fqdn:b.example.org"));
  EXPECT_TRUE(net.a.status().empty());
}

TEST(NegotiationFailure, TrafficSelectorsAreNarrowedToTheIntersection) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {
      wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 255, 255})};  // 10.1.0.0/16
  a.children[0].remote_ts = {wire::TrafficSelector::ipv4_range({10, 0, 0, 0}, {10, 255, 255, 255})};
  b.children[0].local_ts = {subnet24(10, 2, 0), subnet24(10, 3, 0)};
  b.children[0].remote_ts = {subnet24(10, 1, 7)};
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  expect_matching_children(net.log_a, net.log_b);
  const InstallChildSa& child_a = net.log_a.installed.front();
  EXPECT_EQ(child_a.local_ts, std::vector{subnet24(10, 1, 7)});
  EXPECT_EQ(child_a.remote_ts, (std::vector{subnet24(10, 2, 0), subnet24(10, 3, 0)}));
}

TEST(NegotiationFailure, DisjointSelectorsAreTsUnacceptableButTheIkeSaStays) {
  ConnectionConfig b = config_b();
  b.children[0].remote_ts = {subnet24(10, 9, 0)};
  TwoPeers net(config_a(), b);
  net.up();
  net.deliver_all();
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "TS_UNACCEPTABLE"));
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed, "TS_UNACCEPTABLE"));
  EXPECT_TRUE(net.log_a.installed.empty());
  EXPECT_TRUE(net.log_b.installed.empty());
  ASSERT_NE(net.only_sa(net.a), nullptr);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(NegotiationFailure, EspProposalMismatchFailsOnlyTheChild) {
  ConnectionConfig a = config_a(), b = config_b();
  b.children[0].esp_proposals = {
      {wire::EncrId::AES_CBC, 128, wire::IntegId::HMAC_SHA2_256_128, wire::EsnId::NO_ESN}};
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "ENCR: peer offered ENCR_AES_GCM_16_128"));
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed, "NO_PROPOSAL_CHOSEN"));
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_TRUE(net.log_a.installed.empty());
}

}  // namespace
}  // namespace tern::ike::testing

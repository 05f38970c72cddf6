// What an established IKE SA keeps of its setup (setup_state.h): once
// IKE_AUTH is done the IKE_SA_INIT messages, the nonces, the key exchange and
// SK_pi/SK_pr go, SK_d stays, and the responder caches only its IKE_AUTH
// answer (RFC 7296 §2.3 with the window of 1 that IKE_AUTH was answered under).
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"

namespace tern::ike::testing {
namespace {

void expect_setup_state_released(const IkeSa& sa) {
  EXPECT_EQ(sa.state, IkeSaState::established);
  // The whole setup block is gone: the IKE_SA_INIT messages, Ni and Nr, the
  // key exchange, SK_pi/SK_pr and the copies of SK_e/SK_a.
  EXPECT_FALSE(sa.holds_setup_state());
  EXPECT_TRUE(sa.setup().init_request.empty());
  EXPECT_TRUE(sa.setup().nonce_i.empty());
  EXPECT_EQ(sa.setup().ke, nullptr);
  EXPECT_FALSE(sa.setup().keys.has_value());
  EXPECT_EQ(sa.sk_d.size(), 32u);  // prf-hmac-sha256: CHILD_SA and IKE SA rekeys need it
  EXPECT_NE(sa.sk_in, nullptr);
  EXPECT_NE(sa.sk_out, nullptr);
}

TEST(SetupState, BothEndsDropWhatOnlyTheSetupNeededOnceIkeAuthIsDone) {
  TwoPeers net(config_a(), config_b());
  net.up();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.a), nullptr);
  const IkeSaId a = net.only_sa(net.a)->id;  // (only_sa's answer lasts until its next call)
  ASSERT_NE(net.only_sa(net.b), nullptr);
  const IkeSaId b = net.only_sa(net.b)->id;
  expect_setup_state_released(EndpointPeer::sa(net.a, a));
  expect_setup_state_released(EndpointPeer::sa(net.b, b));
  // The responder's cache: the IKE_AUTH answer only, not IKE_SA_INIT's.
  EXPECT_EQ(EndpointPeer::tasks(net.b, b).responses_cached(), 1u);
  // Nothing queued, running or outstanding: neither holds task lanes.
  EXPECT_FALSE(EndpointPeer::tasks(net.a, a).holds_lanes());
  EXPECT_FALSE(EndpointPeer::tasks(net.b, b).holds_lanes());
}

TEST(SetupState, TheTaskLanesComeBackForARequestAndGoWhenItIsAnswered) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  const IkeSaId a = net.only_sa(net.a)->id;
  ASSERT_TRUE(net.a.command(Rekey{"a-b", "net"}, net.now).has_value());
  net.collect();
  // HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->  is out: A holds it as outstanding.
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_TRUE(EndpointPeer::tasks(net.a, a).holds_lanes());
  EXPECT_TRUE(EndpointPeer::tasks(net.a, a).request_outstanding());
  net.deliver_all();  // the answer, then our Delete of the old pair and its answer
  EXPECT_FALSE(EndpointPeer::tasks(net.a, a).request_outstanding());
  EXPECT_FALSE(EndpointPeer::tasks(net.a, a).holds_lanes());
  EXPECT_FALSE(EndpointPeer::tasks(net.b, net.only_sa(net.b)->id).holds_lanes());
}

TEST(SetupState, ARetransmittedIkeAuthGetsTheSameAnswerAndALateIkeSaInitAHalfOpenSaOfItsOwn) {
  TwoPeers net(config_a(), config_b());
  net.up();
  // HDR, SAi1, KEi, Ni  -->
  const Datagram init_request = net.wire.front();
  net.deliver_one();
  // <--  HDR, SAr1, KEr, Nr
  net.deliver_one();
  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
  const Datagram auth_request = net.wire.front();
  net.deliver_one();
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
  ASSERT_EQ(net.wire.size(), 1u);
  const Datagram auth_response = net.wire.front();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.b), nullptr);
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);

  // The IKE_AUTH request again (its answer was lost): the cached answer, octet for octet.
  net.wire.push_back(auth_request);
  net.deliver_one();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().bytes, auth_response.bytes);
  net.wire.clear();

  const IkeSaId b = net.only_sa(net.b)->id;
  const IkeSaId a = net.only_sa(net.a)->id;

  // The IKE_SA_INIT request again, late: the initiator already sent Message
  // ID 1, so it had the answer. The established SA left the half-open table
  // when IKE_AUTH completed, so the duplicate starts a half-open SA of its
  // own (as any new IKE_SA_INIT would, under the same half-open limits)...
  net.wire.push_back(init_request);
  net.deliver_one();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(EndpointPeer::half_open(net.b), 1u);
  // ...whose answer the initiator drops: its IKE SA has another SPIr.
  net.deliver_one();
  EXPECT_TRUE(net.wire.empty());
  // Neither established SA changed.
  EXPECT_EQ(EndpointPeer::sa(net.b, b).state, IkeSaState::established);
  EXPECT_EQ(EndpointPeer::sa(net.a, a).state, IkeSaState::established);
  EXPECT_EQ(net.a.status().size(), 1u);
}

}  // namespace
}  // namespace tern::ike::testing

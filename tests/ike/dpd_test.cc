// Dead peer detection (RFC 7296 §1.4, §2.4): a liveness check (an empty
// INFORMATIONAL) when nothing came from the peer for dpd_delay, the timeout
// from the retransmit budget, and each dpd_action; INITIAL_CONTACT (§2.4)
// replacing the stale IKE SA a crashed peer left behind.
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

ConnectionConfig with_dpd(ConnectionConfig c, DpdAction action) {
  c.dpd_delay = seconds(30);
  c.dpd_action = action;
  c.retransmit = {seconds(1), 2.0, 2};  // gives up 1 + 2 + 4 = 7 s after the check
  return c;
}

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

// The peer has vanished: every datagram is lost until A has given up on it.
void lose_everything_until_a_gives_up(TwoPeers& net, IkeSaId old) {
  for (int i = 0; i < 20; ++i) {
    net.wire.clear();
    std::vector<IkeSaStatus> sas = net.a.status();
    if (std::none_of(sas.begin(), sas.end(), [&](const IkeSaStatus& s) { return s.id == old; })) return;
    ASSERT_TRUE(net.advance_to_next_deadline());
  }
  FAIL() << "A never gave up";
}

TEST(Dpd, ALivenessCheckGoesOutWhenNothingWasReceivedForDpdDelay) {
  TwoPeers net(with_dpd(config_a(), DpdAction::clear), config_b());
  establish(net);
  const Timestamp established_at = net.now;
  EXPECT_EQ(net.a.next_deadline(), established_at + seconds(30));
  EXPECT_EQ(net.b.next_deadline(), std::nullopt);  // B has no DPD configured
  ASSERT_TRUE(net.advance_to_next_deadline());
  // HDR, SK {}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> check = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(check.has_value());
  EXPECT_EQ(check->exchange, wire::ExchangeType::INFORMATIONAL);
  EXPECT_TRUE(check->payloads.empty());
  EXPECT_EQ(net.a.counters().liveness_checks_sent, 1u);
  // <--  HDR, SK {}
  net.deliver_all();
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  // The answer is proof of life: the next check is dpd_delay after it.
  EXPECT_EQ(net.a.next_deadline(), net.now + seconds(30));
  EXPECT_TRUE(net.log_a.removed.empty());
}

TEST(Dpd, AnythingAuthenticatedFromThePeerPostponesTheCheck) {
  TwoPeers net(with_dpd(config_a(), DpdAction::clear), config_b());
  establish(net);
  net.now += seconds(20);
  // <--  HDR, SK {D(ESP)}   B deletes the child 20 s in; A's next check moves to 20 + 30 s.
  ASSERT_TRUE(net.b.command(DownChild{"b-a", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  EXPECT_EQ(net.a.next_deadline(), net.now + seconds(30));
}

TEST(Dpd, AVanishedPeerIsDetectedAndClearRemovesEverything) {
  TwoPeers net(with_dpd(config_a(), DpdAction::clear), config_b());
  establish(net);
  const Timestamp start = net.now;
  lose_everything_until_a_gives_up(net, net.only_sa(net.a)->id);
  EXPECT_EQ(net.now - start, seconds(30 + 1 + 2 + 4));
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "peer not responding (DPD)"));
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_NE(net.log_a.removed[0].reason.find("peer not responding (DPD)"), std::string::npos);
  EXPECT_TRUE(net.log_a.has_event(EventKind::dpd_action, "clear"));
  EXPECT_EQ(net.a.counters().peers_not_responding, 1u);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_TRUE(net.wire.empty());
}

TEST(Dpd, RestartInitiatesANewIkeSaThatReplacesTheStaleOneWithInitialContact) {
  TwoPeers net(with_dpd(config_a(), DpdAction::restart), config_b());
  establish(net);
  const IkeSaId old = net.only_sa(net.a)->id;
  const uint64_t old_spi_i = net.only_sa(net.b)->spi_i;
  lose_everything_until_a_gives_up(net, old);
  ASSERT_TRUE(net.log_a.has_event(EventKind::dpd_action, "restart"));
  // A new IKE SA, already sending IKE_SA_INIT (lost like the rest so far).
  const IkeSaStatus* fresh = net.only_sa(net.a);
  ASSERT_NE(fresh, nullptr);
  EXPECT_NE(fresh->id, old);
  EXPECT_EQ(fresh->state, IkeSaState::created);
  EXPECT_EQ(net.log_a.removed.size(), 1u);

  // The peer is reachable again; the retransmitted IKE_SA_INIT goes through.
  ASSERT_TRUE(net.advance_to_next_deadline());
  ASSERT_EQ(net.wire.size(), 1u);
  ASSERT_TRUE(net.deliver_one());  // HDR, SAi1, KEi, Ni  -->
  ASSERT_TRUE(net.deliver_one());  // <--  HDR, SAr1, KEr, Nr
  // HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SAi2, TSi, TSr}  -->
  Result<IkeMessage> auth = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(auth.has_value());
  EXPECT_NE(auth->find_notify(wire::NotifyType::INITIAL_CONTACT), nullptr);
  net.deliver_all();
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  // B had kept the old SA (no DPD of its own): INITIAL_CONTACT removed it.
  const IkeSaStatus* b_sa = net.only_sa(net.b);
  ASSERT_NE(b_sa, nullptr) << net.dump_events();
  EXPECT_NE(b_sa->spi_i, old_spi_i);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "INITIAL_CONTACT"));
  ASSERT_EQ(net.log_a.installed.size(), 2u);
  ASSERT_EQ(net.log_b.installed.size(), 2u);
  EXPECT_EQ(net.log_a.installed.back().spi_in, net.log_b.installed.back().spi_out);
  EXPECT_EQ(net.log_a.installed.back().spi_out, net.log_b.installed.back().spi_in);
}

TEST(Dpd, TrapIsRecordedForTheDataPlaneAndNothingIsInitiated) {
  TwoPeers net(with_dpd(config_a(), DpdAction::trap), config_b());
  establish(net);
  lose_everything_until_a_gives_up(net, net.only_sa(net.a)->id);
  EXPECT_TRUE(net.log_a.has_event(EventKind::dpd_action, "trap"));
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
}

TEST(Dpd, AnUnansweredDeleteIsNotADeadPeerAction) {
  TwoPeers net(with_dpd(config_a(), DpdAction::restart), config_b());
  establish(net);
  net.down(net.a, "a-b");
  lose_everything_until_a_gives_up(net, net.only_sa(net.a)->id);
  EXPECT_FALSE(net.log_a.has_event(EventKind::dpd_action));
  EXPECT_TRUE(net.a.status().empty());
}

// Many seeds of a lossy network with DPD on both ends: whatever the loss made
// one end give up, once the network is clean again for a while the two ends
// agree — both hold the same IKE SA, or neither holds one.
TEST(Dpd, RandomLossNeverLeavesAOneSidedSaBehind) {
  int survived = 0, gone = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    SCOPED_TRACE(seed);
    ConnectionConfig a = with_dpd(config_a(), DpdAction::clear), b = with_dpd(config_b(), DpdAction::clear);
    a.retransmit = b.retransmit = {seconds(1), 1.5, 4};
    TwoPeers net(a, b, seed);
    crypto::SeededRandom chaos(seed * 104729);
    net.up();
    const Timestamp lossy_until = net.now + std::chrono::minutes(10);
    while (net.now < lossy_until) {
      if (net.wire.empty()) {
        if (!net.advance_to_next_deadline()) break;
      } else if (chaos.bytes(1)[0] < 51) {
        net.drop_one();  // 20% loss
      } else {
        net.deliver_one();
      }
    }
    const Timestamp clean_until = net.now + std::chrono::minutes(3);
    while (net.now < clean_until) {
      net.deliver_all();
      if (!net.advance_to_next_deadline()) break;
    }
    net.deliver_all();
    std::vector<IkeSaStatus> sa_a = net.a.status(), sa_b = net.b.status();
    ASSERT_EQ(sa_a.size(), sa_b.size()) << net.dump_events();
    ASSERT_LE(sa_a.size(), 1u);
    if (sa_a.empty()) {
      ++gone;
      continue;
    }
    EXPECT_EQ(sa_a[0].state, IkeSaState::established);
    EXPECT_EQ(sa_b[0].state, IkeSaState::established);
    EXPECT_EQ(sa_a[0].spi_i, sa_b[0].spi_i);
    EXPECT_EQ(sa_a[0].spi_r, sa_b[0].spi_r);
    ++survived;
  }
  // Both outcomes happen, so both paths were checked.
  EXPECT_GT(survived, 50) << gone;
  EXPECT_GT(gone, 0) << survived;
}

// dpd_action = restart while the peer stays away longer than one retransmit
// budget: each new IKE SA that gets no answer is followed by another, until
// the peer returns.
TEST(Dpd, RestartKeepsTryingUntilThePeerReturns) {
  TwoPeers net(with_dpd(config_a(), DpdAction::restart), config_b());
  establish(net);
  lose_everything_until_a_gives_up(net, net.only_sa(net.a)->id);
  // HDR, SAi1, KEi, Ni  -->  (lost, 3 times: 1 + 2 + 4 s, then given up)
  const IkeSaId first_retry = net.only_sa(net.a)->id;
  lose_everything_until_a_gives_up(net, first_retry);
  const IkeSaStatus* second_retry = net.only_sa(net.a);
  ASSERT_NE(second_retry, nullptr) << net.dump_events();
  EXPECT_NE(second_retry->id, first_retry);
  EXPECT_EQ(net.a.counters().dpd_restarts, 2u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::dpd_action, "still not responding"));
  // The peer is back: the next IKE_SA_INIT retransmit gets through.
  ASSERT_TRUE(net.advance_to_next_deadline());
  net.deliver_all();
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);  // INITIAL_CONTACT removed the stale one
  EXPECT_EQ(net.b.counters().initial_contact_replaced, 1u);
}

// A `down` of a connection whose restart is under way stops the retries.
TEST(Dpd, DownStopsTheRestartRetries) {
  TwoPeers net(with_dpd(config_a(), DpdAction::restart), config_b());
  establish(net);
  lose_everything_until_a_gives_up(net, net.only_sa(net.a)->id);
  ASSERT_EQ(net.a.status().size(), 1u);
  net.down(net.a, "a-b");
  net.wire.clear();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
}

// B restarts and loses all its state. A's next liveness check is answered
// with an unprotected N(INVALID_IKE_SPI) (§2.21.4): only a hint, but with
// dpd_action = restart it makes A reauthenticate at once instead of waiting
// out the retransmit budget; the new IKE SA replaces the stale one.
TEST(Dpd, AnInvalidIkeSpiAnswerFromARestartedPeerBringsTheTunnelBackAtOnce) {
  TwoPeers net(with_dpd(config_a(), DpdAction::restart), config_b());
  establish(net);
  const IkeSaId stale = net.only_sa(net.a)->id;
  net.crash_b();
  ASSERT_TRUE(net.advance_to_next_deadline());  // dpd_delay later:  HDR, SK {}  -->
  const Timestamp checked_at = net.now;
  ASSERT_EQ(net.wire.size(), 1u);
  ASSERT_TRUE(net.deliver_one());  // <--  HDR, N(INVALID_IKE_SPI)   (not protected)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.b.counters().invalid_ike_spi_sent, 1u);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.a.counters().peer_restarts_suspected, 1u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::peer_restart_suspected, "reauthenticating"));
  // HDR, SAi1, KEi, Ni  -->  ...  a new IKE SA and CHILD_SA, no time passed.
  net.deliver_all();
  EXPECT_EQ(net.now, checked_at);
  ASSERT_EQ(net.b.status().size(), 1u);
  EXPECT_EQ(net.b.status().front().state, IkeSaState::established);
  ASSERT_EQ(net.log_b.installed.size(), 2u);  // the first one before the crash
  EXPECT_EQ(net.log_a.installed.back().spi_in, net.log_b.installed.back().spi_out);
  // The stale IKE SA goes once its liveness check runs out; the new one stays,
  // and no dpd_action fires for the replaced one.
  lose_everything_until_a_gives_up(net, stale);
  ASSERT_EQ(net.a.status().size(), 1u);
  EXPECT_EQ(net.a.status().front().state, IkeSaState::established);
  EXPECT_FALSE(net.log_a.has_event(EventKind::dpd_action));
  EXPECT_EQ(net.a.counters().dpd_restarts, 0u);
}

// With dpd_action = clear the hint changes nothing: only the liveness check decides.
TEST(Dpd, AnInvalidIkeSpiAnswerAloneTearsNothingDown) {
  TwoPeers net(with_dpd(config_a(), DpdAction::clear), config_b());
  establish(net);
  net.crash_b();
  ASSERT_TRUE(net.advance_to_next_deadline());
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.a.counters().peer_restarts_suspected, 1u);
  ASSERT_EQ(net.a.status().size(), 1u);
  EXPECT_EQ(net.a.status().front().state, IkeSaState::established);
  EXPECT_TRUE(net.wire.empty());
}

TEST(InitialContact, ACrashedInitiatorsNewSaReplacesTheStaleOne) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  const InstallChildSa stale_child = net.log_b.installed.front();
  net.crash_a();  // A reboots: it forgets everything; B still has the IKE SA and its child
  net.up();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  // HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SAi2, TSi, TSr}  -->
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.b.status().size(), 1u);
  EXPECT_EQ(net.b.counters().initial_contact_replaced, 1u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "INITIAL_CONTACT"));
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].spi_in, stale_child.spi_in);
  EXPECT_NE(net.log_b.removed[0].reason.find("replaced"), std::string::npos);
  net.deliver_all();
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_EQ(net.log_b.installed.size(), 2u);
}

TEST(InitialContact, OnlyTheFirstIkeSaBetweenTwoIdentitiesSendsIt) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  net.up();  // a second IKE SA of the same connection
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  Result<IkeMessage> auth = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->exchange, wire::ExchangeType::IKE_AUTH);
  EXPECT_EQ(auth->find_notify(wire::NotifyType::INITIAL_CONTACT), nullptr);
  net.deliver_all();
  EXPECT_EQ(net.a.status().size(), 2u);
  EXPECT_EQ(net.b.status().size(), 2u);
  EXPECT_EQ(net.b.counters().initial_contact_replaced, 0u);
}

}  // namespace
}  // namespace tern::ike::testing

// The exchange layer (RFC 7296 §2.1-2.2): retransmission with exponential
// backoff, the response cache, give-up; INFORMATIONAL Delete of the IKE SA
// from either side (§1.4.1); and a randomized run over many seeds of loss
// and duplication checking that both ends agree.
#include <gtest/gtest.h>

#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(Reliability, LostRequestIsRetransmittedAfterTheTimeout) {
  TwoPeers net(config_a(), config_b());
  net.up();
  const Timestamp start = net.now;
  // HDR, SAi1, KEi, Ni  --> (lost)
  Bytes first = net.wire.front().bytes;
  net.drop_one();
  ASSERT_EQ(net.a.next_deadline(), start + seconds(4));
  ASSERT_TRUE(net.advance_to_next_deadline());
  // HDR, SAi1, KEi, Ni  -->   (the same octets again)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().bytes, first);
  EXPECT_EQ(net.a.counters().retransmits_sent, 1u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::retransmit, "IKE_SA_INIT"));
  // Backoff: the next one 4 s x 1.8 later.
  EXPECT_EQ(net.a.next_deadline(), net.now + milliseconds(7200));
  net.deliver_all();
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  expect_matching_children(net.log_a, net.log_b);
}

TEST(Reliability, LostResponseIsAnsweredFromTheResponseCache) {
  TwoPeers net(config_a(), config_b());
  net.up();
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT request
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT response
  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}   (lost)
  Bytes response = net.wire.front().bytes;
  net.drop_one();
  ASSERT_EQ(net.log_b.installed.size(), 1u);
  // A retransmits; B answers from its cache, byte for byte, without running the tasks again.
  ASSERT_TRUE(net.advance_to_next_deadline());
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().bytes, response);
  EXPECT_EQ(net.b.counters().cached_responses_sent, 1u);
  net.deliver_all();
  EXPECT_EQ(net.log_b.installed.size(), 1u);
  expect_matching_children(net.log_a, net.log_b);
}

TEST(Reliability, DuplicatedRequestsGetTheCachedResponseAndDuplicatedResponsesAreIgnored) {
  TwoPeers net(config_a(), config_b());
  net.up();
  net.duplicate_first();  // IKE_SA_INIT request twice
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.b.status().size(), 1u);  // one half-open SA, not two
  EXPECT_EQ(net.b.counters().cached_responses_sent, 1u);
  ASSERT_EQ(net.wire.size(), 2u);
  EXPECT_EQ(net.wire[0].bytes, net.wire[1].bytes);
  net.deliver_all();
  EXPECT_GE(net.a.counters().dropped_bad_message_id, 1u);  // the second IKE_SA_INIT response
  expect_matching_children(net.log_a, net.log_b);
}

TEST(Reliability, AnOldRequestThatIsNotByteIdenticalToTheCachedOneIsDropped) {
  TwoPeers net(config_a(), config_b());
  net.up();
  Datagram request = net.wire.front();
  ASSERT_TRUE(net.deliver_one());
  net.wire.clear();
  request.bytes.back() ^= 0xff;  // same SPIs and Message ID 0, one octet of the last notify differs
  ASSERT_TRUE(wire::parse_message(request.bytes).has_value());
  net.wire.push_back(request);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().dropped_retransmit_mismatch, 1u);
  EXPECT_EQ(net.b.counters().cached_responses_sent, 0u);
}

TEST(Reliability, GivesUpAfterTheRetryBudgetAndSaysWhy) {
  ConnectionConfig a = config_a();
  a.retransmit = {seconds(1), 2.0, 3};
  TwoPeers net(a, config_b());
  net.up();
  const Timestamp start = net.now;
  int sent = 0;
  while (net.advance_to_next_deadline() || !net.wire.empty()) {
    sent += static_cast<int>(net.wire.size());
    net.wire.clear();  // the peer has vanished
    if (net.a.status().empty()) break;
  }
  EXPECT_EQ(sent, 4);  // the request and 3 retransmits
  EXPECT_EQ(net.now - start, seconds(1 + 2 + 4 + 8));
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "peer not responding"));
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
}

TEST(Reliability, HalfOpenResponderSaExpires) {
  TwoPeers net(config_a(), config_b());
  net.up();
  ASSERT_TRUE(net.deliver_one());
  net.wire.clear();
  EXPECT_EQ(net.b.status().size(), 1u);
  EXPECT_EQ(net.b.next_deadline(), net.now + seconds(30));
  net.now += seconds(30);
  net.b.on_timer(net.now);
  net.collect();
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "setup timed out"));
}

TEST(Delete, InitiatorDeletesTheIkeSaAndBothRemoveTheirChildren) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  net.down(net.a, "a-b");
  // HDR, SK {D(IKE)}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(wire::parse_message(net.wire.front().bytes)->header.exchange, wire::ExchangeType::INFORMATIONAL);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "deleted by peer"));
  // <--  HDR, SK {}
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "deleted by local request"));
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].spi_in, net.log_a.installed[0].spi_in);
  EXPECT_EQ(net.log_b.removed[0].spi_in, net.log_b.installed[0].spi_in);
}

TEST(Delete, ResponderDeletesTheIkeSa) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  net.down(net.b, "b-a");
  // <--  HDR, SK {D(IKE)}   (Message ID 0 of B's own requests, I flag clear)
  auto request = wire::parse_message(net.wire.front().bytes);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->header.message_id, 0u);
  EXPECT_FALSE(request->header.is_initiator());
  net.deliver_all();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "deleted by peer"));
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "deleted by local request"));
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed.size(), 1u);
}

TEST(Delete, UnansweredDeleteEndsWhenTheBudgetIsSpent) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  net.down(net.a, "a-b");
  for (int i = 0; i < 20 && !net.a.status().empty(); ++i) {
    net.wire.clear();
    net.advance_to_next_deadline();
  }
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "INFORMATIONAL"));
  EXPECT_EQ(net.log_a.removed.size(), 1u);
}

// Many seeds of random loss and duplication: whenever both ends end up with an
// IKE SA, they agree on its SPIs and state and their children match; an end
// whose peer gave up eventually gives up too; nothing is left half-open.
TEST(Randomized, LossAndDuplicationNeverMakeTheEndsDisagree) {
  int established = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE(seed);
    ConnectionConfig a = config_a();
    a.retransmit = {seconds(1), 1.5, 6};
    TwoPeers net(a, config_b(), seed);
    crypto::SeededRandom chaos(seed * 7919);
    net.up();
    for (int step = 0; step < 400; ++step) {
      if (net.wire.empty()) {
        if (!net.advance_to_next_deadline()) break;
        continue;
      }
      uint8_t roll = chaos.bytes(1)[0];
      if (roll < 50) {
        net.drop_one();
      } else if (roll < 80) {
        net.duplicate_first();
        net.deliver_one();
      } else if (roll < 100 && net.wire.size() > 1) {
        std::swap(net.wire[0], net.wire[1]);  // reorder
        net.deliver_one();
      } else {
        net.deliver_one();
      }
    }
    std::vector<IkeSaStatus> sa_a = net.a.status(), sa_b = net.b.status();
    ASSERT_LE(sa_a.size(), 1u);
    ASSERT_LE(sa_b.size(), 1u);
    ASSERT_TRUE(net.wire.empty());
    ASSERT_EQ(net.a.next_deadline(), std::nullopt);
    if (sa_a.size() == 1) {
      ASSERT_EQ(sa_b.size(), 1u) << net.dump_events();
      EXPECT_EQ(sa_a[0].state, IkeSaState::established);
      EXPECT_EQ(sa_b[0].state, IkeSaState::established);
      EXPECT_EQ(sa_a[0].spi_i, sa_b[0].spi_i);
      EXPECT_EQ(sa_a[0].spi_r, sa_b[0].spi_r);
      expect_matching_children(net.log_a, net.log_b);
      ++established;
    } else {
      // A gave up: B may hold an SA only until its half-open timer, or an
      // established SA whose last response was lost (DPD is off here).
      for (const IkeSaStatus& s : sa_b) EXPECT_EQ(s.state, IkeSaState::established) << net.dump_events();
      EXPECT_TRUE(net.log_a.installed.empty() || net.log_a.removed.size() == net.log_a.installed.size());
    }
  }
  EXPECT_GT(established, 150);
}

}  // namespace
}  // namespace tern::ike::testing

// The IKE window (RFC 7296 §2.3): N(SET_WINDOW_SIZE) in IKE_AUTH, several
// requests outstanding at once with their own retransmit timers, responses
// matched by Message ID in any order, the responder accepting reordered
// requests inside its window and caching one response per slot; and a
// randomized run over many seeds with loss, duplication and reordering.
//
// After IKE_SA_INIT (Message ID 0) and IKE_AUTH (1), A's next request has
// Message ID 2; B's own requests start at 0.
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/responder_window.h"
#include "ike/set_window_size.h"
#include "ike/tasks/ike_dpd.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

IkeSaId sa_of(const Endpoint& e) {
  std::vector<IkeSaStatus> s = e.status();
  return s.empty() ? IkeSaId{} : s.front().id;
}

const TaskManager& tasks_of(const Endpoint& e) {
  return EndpointPeer::tasks(e, sa_of(e));
}

// A liveness check (an empty INFORMATIONAL) from `e`.
void start_dpd(TwoPeers& net, Endpoint& e) {
  EndpointPeer::start_task(e, sa_of(e), std::make_unique<IkeDpd>(), net.now);
  net.collect();
}

void delete_child(TwoPeers& net) {
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
}

uint32_t message_id(const Datagram& d) {
  return wire::parse_message(d.bytes)->header.message_id;
}
bool is_response(const Datagram& d) {
  return wire::parse_message(d.bytes)->header.is_response();
}

std::optional<uint32_t> announced_window(Endpoint& receiver, const Datagram& d) {
  Result<IkeMessage> msg = EndpointPeer::open(receiver, d.bytes);
  EXPECT_TRUE(msg.has_value());
  return msg ? read_set_window_size(*msg) : std::nullopt;
}

TEST(Window, BothEndsAnnounceTheirWindowInIkeAuth) {
  ConnectionConfig b = config_b();
  b.window_size = 8;
  TwoPeers net(config_a(), b);
  net.up();
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT request
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT response
  // HDR, SK {IDi, AUTH, N(SET_WINDOW_SIZE, 4), SAi2, TSi, TSr}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(announced_window(net.b, net.wire.front()), 4u);
  ASSERT_TRUE(net.deliver_one());
  //                    <--  HDR, SK {IDr, AUTH, N(SET_WINDOW_SIZE, 8), SAr2, TSi, TSr}
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(announced_window(net.a, net.wire.front()), 8u);
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_EQ(tasks_of(net.a).peer_window(), 8u);
  EXPECT_EQ(tasks_of(net.a).our_window(), 4u);
  EXPECT_EQ(tasks_of(net.b).peer_window(), 4u);
  EXPECT_EQ(tasks_of(net.b).our_window(), 8u);
}

TEST(Window, AWindowOfOneIsNotAnnounced) {
  ConnectionConfig b = config_b();
  b.window_size = 1;
  TwoPeers net(config_a(), b);
  net.up();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}   (no N(SET_WINDOW_SIZE): as strongSwan answers)
  EXPECT_EQ(announced_window(net.a, net.wire.front()), std::nullopt);
  net.deliver_all();
  EXPECT_EQ(tasks_of(net.a).peer_window(), 1u);
  EXPECT_EQ(tasks_of(net.b).our_window(), 1u);
}

TEST(Window, TwoOutstandingRequestsWhoseResponsesArriveInReverseOrder) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  // HDR(ID 2), SK {}                  -->
  // HDR(ID 3), SK {D(ESP, SPI_in)}    -->   (without waiting for the first answer)
  start_dpd(net, net.a);
  delete_child(net);
  ASSERT_EQ(net.wire.size(), 2u);
  EXPECT_EQ(message_id(net.wire[0]), 2u);
  EXPECT_EQ(message_id(net.wire[1]), 3u);
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 2u);
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR(ID 3), SK {D(ESP, SPI_in of B)}   first,
  // <--  HDR(ID 2), SK {}                      then.
  ASSERT_EQ(net.wire.size(), 2u);
  std::swap(net.wire[0], net.wire[1]);
  EXPECT_EQ(message_id(net.wire[0]), 3u);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.log_a.removed.size(), 1u);  // the child delete completed
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 1u);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 0u);
  EXPECT_EQ(net.a.counters().dropped_bad_message_id, 0u);
  EXPECT_EQ(net.a.counters().retransmits_sent, 0u);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_TRUE(net.only_sa(net.a)->children.empty());
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
}

TEST(Window, TheResponderAcceptsReorderedRequestsInsideItsWindow) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  start_dpd(net, net.a);
  delete_child(net);
  // HDR(ID 3), SK {D(ESP, SPI_in)}  -->   arrives before
  // HDR(ID 2), SK {}                -->
  std::swap(net.wire[0], net.wire[1]);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.log_b.removed.size(), 1u);  // processed at once, not held for ID 2
  ASSERT_EQ(net.wire.size(), 2u);
  EXPECT_TRUE(is_response(net.wire[1]));
  EXPECT_EQ(message_id(net.wire[1]), 3u);
  ASSERT_TRUE(net.deliver_one());
  net.deliver_all();
  EXPECT_EQ(net.b.counters().dropped_bad_message_id, 0u);
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 0u);
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_LE(tasks_of(net.b).responses_cached(), 4u);
}

TEST(Window, LossOfTheFirstOfTwoOutstandingRequestsRetransmitsOnlyIt) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  start_dpd(net, net.a);
  delete_child(net);
  // HDR(ID 2), SK {}  -->   (lost)
  const Bytes lost = net.wire.front().bytes;
  net.drop_one();
  // HDR(ID 3), SK {D(ESP)}  -->    <--  HDR(ID 3), SK {D(ESP)}
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 1u);
  // Only ID 2 comes again, byte for byte.
  ASSERT_TRUE(net.advance_to_next_deadline());
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().bytes, lost);
  EXPECT_EQ(net.a.counters().retransmits_sent, 1u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::retransmit, "Message ID 2"));
  net.deliver_all();
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 0u);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_EQ(net.b.counters().cached_responses_sent, 0u);  // B never answered ID 2 before
}

TEST(Window, EachOutstandingRequestHasItsOwnTimerAndBackoff) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  const Timestamp t0 = net.now;
  start_dpd(net, net.a);  // ID 2 at t0
  net.now = t0 + seconds(1);
  delete_child(net);  // ID 3 at t0 + 1 s
  net.wire.clear();   // both lost
  ASSERT_TRUE(net.advance_to_next_deadline());
  EXPECT_EQ(net.now, t0 + seconds(4));
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(message_id(net.wire.front()), 2u);
  net.wire.clear();
  ASSERT_TRUE(net.advance_to_next_deadline());
  EXPECT_EQ(net.now, t0 + seconds(5));
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(message_id(net.wire.front()), 3u);
  net.wire.clear();
  // ID 2's second retransmit 4 s x 1.8 after its first.
  ASSERT_TRUE(net.advance_to_next_deadline());
  EXPECT_EQ(net.now, t0 + seconds(4) + milliseconds(7200));
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(message_id(net.wire.front()), 2u);
  net.deliver_all();
  net.advance_to_next_deadline();
  net.deliver_all();
  EXPECT_EQ(tasks_of(net.a).requests_outstanding(), 0u);
  EXPECT_EQ(net.log_a.removed.size(), 1u);
}

TEST(Window, APeerWithoutSetWindowSizeGetsOneRequestAtATime) {
  ConnectionConfig b = config_b();
  b.window_size = 1;  // B announces nothing, like strongSwan, libreswan and OpenIKED
  TwoPeers net(config_a(), b);
  establish(net);
  start_dpd(net, net.a);
  delete_child(net);
  // HDR(ID 2), SK {}  -->      (ID 3 waits)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(message_id(net.wire.front()), 2u);
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  ASSERT_TRUE(net.deliver_one());  // <-- HDR(ID 2), SK {}
  // Now HDR(ID 3), SK {D(ESP)}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(message_id(net.wire.front()), 3u);
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  // A announced 4, so B may have two of its own requests outstanding at A.
  start_dpd(net, net.b);
  start_dpd(net, net.b);
  EXPECT_EQ(net.wire.size(), 2u);
  net.deliver_all();
  EXPECT_EQ(tasks_of(net.b).requests_outstanding(), 0u);
}

TEST(Window, QueuedRequestsWaitUntilTheLowestOutstandingOneIsAnswered) {
  ConnectionConfig b = config_b();
  b.window_size = 2;
  TwoPeers net(config_a(), b);
  establish(net);
  start_dpd(net, net.a);
  start_dpd(net, net.a);
  delete_child(net);
  ASSERT_EQ(net.wire.size(), 2u);  // IDs 2 and 3; ID 4 waits
  const Datagram request2 = net.wire[0];
  const Datagram request3 = net.wire[1];
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  std::swap(net.wire[0], net.wire[1]);
  // <--  HDR(ID 3): one slot is free, but §2.3 lets ID 4 go only after ID 2 is answered.
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.wire.size(), 1u);  // just the response to ID 2, still in flight
  // <--  HDR(ID 2)
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(message_id(net.wire.front()), 4u);
  ASSERT_TRUE(net.deliver_one());  // B takes ID 4: it forgets its answers to IDs 0..2
  EXPECT_LE(tasks_of(net.b).responses_cached(), 2u);
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);

  // A retransmit of ID 3 is still in B's cache; one of ID 2 is too old: dropped and counted.
  const uint64_t dropped = net.b.counters().dropped_bad_message_id;
  net.wire.push_back(request3);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.b.counters().cached_responses_sent, 1u);
  net.wire.clear();
  net.wire.push_back(request2);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().dropped_bad_message_id, dropped + 1);
}

TEST(Window, ResponderWindowAcceptsOnlyInsideAndKeepsAtMostWindowResponses) {
  ResponderWindow w;
  const Bytes req = {1, 2, 3};
  EXPECT_EQ(w.classify(0, req, 1), ResponderWindow::Verdict::process);
  EXPECT_EQ(w.classify(1, req, 1), ResponderWindow::Verdict::outside);  // beyond a window of 1
  w.answered(0, req, Bytes{9}, 1);
  EXPECT_EQ(w.classify(0, req, 1), ResponderWindow::Verdict::resend_cached);
  EXPECT_EQ(w.classify(0, Bytes{1, 2, 4}, 1), ResponderWindow::Verdict::mismatch);
  // Window 4 from here: IDs 1..4 are inside, 5 is not.
  EXPECT_EQ(w.classify(4, req, 4), ResponderWindow::Verdict::process);
  EXPECT_EQ(w.classify(5, req, 4), ResponderWindow::Verdict::outside);
  w.answered(3, req, Bytes{3}, 4);
  w.answered(2, req, Bytes{2}, 4);
  EXPECT_EQ(w.next_expected(), 1u);  // ID 1 still missing
  w.answered(4, req, Bytes{4}, 4);
  EXPECT_EQ(w.classify(0, req, 4), ResponderWindow::Verdict::outside);  // 0 + 4 <= 4: forgotten
  w.answered(1, req, Bytes{1}, 4);
  EXPECT_EQ(w.next_expected(), 5u);
  EXPECT_EQ(w.cached(), 4u);
  EXPECT_EQ(w.cached_response(2), Bytes{2});
}

// Many seeds of loss, duplication and reordering with window 4 on both ends:
// after IKE_AUTH, A starts two liveness checks and a child delete and B one
// liveness check, all at once. At the end both ends agree, nothing is
// outstanding and no cache is over its window.
TEST(Randomized, LossDuplicationAndReorderingWithWindowFour) {
  int completed = 0;
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    SCOPED_TRACE(seed);
    ConnectionConfig a = config_a();
    ConnectionConfig b = config_b();
    a.retransmit = b.retransmit = {seconds(1), 1.5, 8};
    TwoPeers net(a, b, seed);
    crypto::SeededRandom chaos(seed * 104729);
    net.up();
    bool started = false;
    for (int step = 0; step < 2000; ++step) {
      if (!started && !net.a.status().empty() && !net.b.status().empty() &&
          net.a.status().front().state == IkeSaState::established &&
          net.b.status().front().state == IkeSaState::established) {
        started = true;
        start_dpd(net, net.a);
        start_dpd(net, net.a);
        delete_child(net);
        start_dpd(net, net.b);
      }
      if (net.wire.empty()) {
        if (!net.advance_to_next_deadline()) break;
        continue;
      }
      const uint8_t roll = chaos.bytes(1)[0];
      if (roll < 40) {
        net.drop_one();
      } else if (roll < 70) {
        net.duplicate_first();
        net.deliver_one();
      } else if (roll < 130 && net.wire.size() > 1) {
        const size_t other = 1 + chaos.bytes(1)[0] % (net.wire.size() - 1);
        std::swap(net.wire[0], net.wire[other]);  // reorder
        net.deliver_one();
      } else {
        net.deliver_one();
      }
    }
    ASSERT_TRUE(net.wire.empty());
    ASSERT_EQ(net.a.next_deadline(), std::nullopt) << net.dump_events();
    ASSERT_EQ(net.b.next_deadline(), std::nullopt) << net.dump_events();
    std::vector<IkeSaStatus> sa_a = net.a.status(), sa_b = net.b.status();
    ASSERT_LE(sa_a.size(), 1u);
    ASSERT_LE(sa_b.size(), 1u);
    // Nothing leaks: every CHILD_SA installed was removed or is still held.
    const size_t children_a = sa_a.empty() ? 0 : sa_a[0].children.size();
    const size_t children_b = sa_b.empty() ? 0 : sa_b[0].children.size();
    EXPECT_EQ(net.log_a.installed.size(), net.log_a.removed.size() + children_a);
    EXPECT_EQ(net.log_b.installed.size(), net.log_b.removed.size() + children_b);
    if (sa_a.size() == 1 && sa_b.size() == 1) {
      EXPECT_EQ(sa_a[0].state, IkeSaState::established);
      EXPECT_EQ(sa_b[0].state, IkeSaState::established);
      EXPECT_EQ(sa_a[0].spi_i, sa_b[0].spi_i);
      EXPECT_EQ(sa_a[0].spi_r, sa_b[0].spi_r);
      // A's child delete completed on both ends.
      EXPECT_EQ(children_a, 0u) << net.dump_events();
      EXPECT_EQ(children_b, 0u) << net.dump_events();
      for (const Endpoint* e : {&net.a, &net.b}) {
        const TaskManager& tm = tasks_of(*e);
        EXPECT_EQ(tm.requests_outstanding(), 0u);
        EXPECT_FALSE(tm.has_pending_tasks());
        EXPECT_EQ(tm.peer_window(), 4u);
        EXPECT_LE(tm.responses_cached(), 4u);
      }
      ++completed;
    } else if (sa_a.size() == 1 || sa_b.size() == 1) {
      // One end gave up on an unanswered request; the other, without DPD, cannot know.
      const PeerLog& gone = sa_a.empty() ? net.log_a : net.log_b;
      EXPECT_TRUE(gone.has_event(EventKind::ike_sa_destroyed, "peer not responding") ||
                  gone.has_event(EventKind::ike_sa_destroyed, "setup timed out"))
          << net.dump_events();
    }
  }
  EXPECT_GT(completed, 120);
}

}  // namespace
}  // namespace tern::ike::testing

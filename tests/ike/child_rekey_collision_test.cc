// CHILD_SA rekey collisions (RFC 7296 §2.8.1, §2.25.1), tasks/child_rekey.h:
//  - both ends rekey the same CHILD_SA at once: both requests are answered as
//    usual, and the lowest of the four nonces decides which new pair is
//    redundant (its initiator deletes it; the other initiator deletes the old);
//    forced nonces reach every branch, at both ends of the IKE SA;
//  - one end's rekey completes before the other's request arrives: that end
//    is closing the old child now, so the late request gets TEMPORARY_FAILURE;
//  - a rekey queued behind the window meets the peer's rekey of the same child;
//  - rekeys crossing Deletes, either way, with the Delete in flight or queued;
//  - a randomized interleaving of rekeys, deletes, timers, reordering and loss
//    on many seeds, with invariants: one pair (or none) per child on both ends
//    with matching SPIs, nothing left flagged or pending, nothing leaked.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/rekey_collision.h"
#include "ike/tasks/ike_dpd.h"

namespace tern::ike::testing {
namespace {

using wire::NotifyType;
using wire::PayloadType;

// 32 octets: `first`, then 0x55s, then `last`.
Bytes nonce(uint8_t first, uint8_t last = 0x55) {
  Bytes n(ScriptedRandom::kNonceOctets, 0x55);
  n.front() = first;
  n.back() = last;
  return n;
}

ConnectionConfig with_window(ConnectionConfig c, uint32_t window) {
  c.window_size = window;
  return c;
}

IkeSaId sa_id(TwoPeers& net, const Endpoint& e) {
  return net.only_sa(e)->id;
}

// Delivers the datagram at position `i` of the wire (the network reorders).
void deliver_at(TwoPeers& net, size_t i) {
  ASSERT_LT(i, net.wire.size());
  Datagram d = std::move(net.wire[i]);
  net.wire.erase(net.wire.begin() + static_cast<std::ptrdiff_t>(i));
  net.wire.push_front(std::move(d));
  ASSERT_TRUE(net.deliver_one());
}

IkeMessage open_at(TwoPeers& net, Endpoint& receiver, size_t i) {
  EXPECT_LT(i, net.wire.size());
  if (i >= net.wire.size()) return {};
  Result<IkeMessage> msg = EndpointPeer::open(receiver, net.wire[i].bytes);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().to_string());
  return msg ? *msg : IkeMessage{};
}

void rekey(TwoPeers& net, Endpoint& e, const char* connection) {
  ASSERT_TRUE(e.command(Rekey{connection, "net"}, net.now).has_value()) << net.dump_events();
  net.collect();
}

void down_child(TwoPeers& net, Endpoint& e, const char* connection) {
  ASSERT_TRUE(e.command(DownChild{connection, "net"}, net.now).has_value());
  net.collect();
}

std::vector<ChildSa> children(TwoPeers& net, const Endpoint& e) {
  const IkeSaStatus* s = net.only_sa(e);
  return s == nullptr ? std::vector<ChildSa>{} : s->children;
}

// The invariants after any collision, once the network is quiet: each end
// has the same number of CHILD_SAs (0 or 1 per child name) and they are the
// two halves of one pair; none is left flagged rekeying, rekeyed, closing or
// deleting; every SA installed in the data plane was removed again except the
// live ones (InstallChildSa/RemoveChildSa balanced, each SPI removed at most
// once); no exchange is outstanding or queued.
void expect_settled(TwoPeers& net, const std::string& where) {
  SCOPED_TRACE(where);
  const std::vector<ChildSa> ca = children(net, net.a);
  const std::vector<ChildSa> cb = children(net, net.b);
  ASSERT_NE(net.only_sa(net.a), nullptr) << net.dump_events();
  ASSERT_NE(net.only_sa(net.b), nullptr) << net.dump_events();
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  ASSERT_LE(ca.size(), 1u) << net.dump_events();
  ASSERT_EQ(ca.size(), cb.size()) << net.dump_events();
  if (!ca.empty()) {
    EXPECT_EQ(ca[0].spi_in, cb[0].spi_out) << net.dump_events();
    EXPECT_EQ(ca[0].spi_out, cb[0].spi_in) << net.dump_events();
  }
  for (const std::vector<ChildSa>* side : {&ca, &cb}) {
    for (const ChildSa& c : *side) {
      EXPECT_FALSE(c.rekeying || c.rekeyed || c.closing || c.deleting)
          << fmt::format("child {:08x} left flagged", c.spi_in) << "\n"
          << net.dump_events();
    }
  }
  for (auto [log, live] : {std::pair{&net.log_a, &ca}, std::pair{&net.log_b, &cb}}) {
    EXPECT_EQ(log->installed.size() - log->removed.size(), live->size()) << net.dump_events();
    for (const InstallChildSa& i : log->installed) {
      const auto removed = std::count_if(log->removed.begin(), log->removed.end(),
                                         [&](const RemoveChildSa& r) { return r.spi_in == i.spi_in; });
      const bool is_live =
          std::any_of(live->begin(), live->end(), [&](const ChildSa& c) { return c.spi_in == i.spi_in; });
      EXPECT_EQ(removed, is_live ? 0 : 1) << fmt::format("SPI {:08x}\n", i.spi_in) << net.dump_events();
    }
    for (const RemoveChildSa& r : log->removed) {
      EXPECT_TRUE(std::any_of(log->installed.begin(), log->installed.end(), [&](const InstallChildSa& i) {
        return i.spi_in == r.spi_in;
      })) << fmt::format("removed {:08x}, never installed", r.spi_in);
    }
  }
  for (Endpoint* e : {&net.a, &net.b}) {
    const TaskManager& tasks = EndpointPeer::tasks(*e, sa_id(net, *e));
    EXPECT_EQ(tasks.requests_outstanding(), 0u) << net.dump_events();
    EXPECT_FALSE(tasks.has_pending_tasks()) << net.dump_events();
  }
}

// The SPIs A receives on, per CHILD_SA install, in order.
uint32_t a_installed(TwoPeers& net, size_t i) {
  return i < net.log_a.installed.size() ? net.log_a.installed[i].spi_in : 0;
}

// --- the tie-break itself ----------------------------------------------------

TEST(RekeyCollisionTieBreak, LowestIsOctetByOctetAndAShorterPrefixIsLower) {
  // §2.8.1: "start by comparing the first octet; if they're equal, move to the
  // next octet, and so on. If you reach the end of one nonce, that nonce is the lower one."
  EXPECT_TRUE(nonce_lower(Bytes{0x01, 0xff}, Bytes{0x02}));  // not as integers (0x01ff > 0x02)
  EXPECT_FALSE(nonce_lower(Bytes{0x02}, Bytes{0x01, 0xff}));
  EXPECT_TRUE(nonce_lower(Bytes(16, 0x10), Bytes(32, 0x10)));  // a prefix is lower
  Bytes prefix_then_zeros(16, 0x10);
  prefix_then_zeros.resize(32, 0x00);
  EXPECT_TRUE(nonce_lower(Bytes(16, 0x10), prefix_then_zeros));  // even when the rest is zeros
  EXPECT_FALSE(nonce_lower(Bytes(16, 0x10), Bytes(16, 0x10)));   // equal: neither is lower
}

TEST(RekeyCollisionTieBreak, TheExchangeHoldingTheLowestNonceIsRedundant) {
  const RekeyExchange ours{nonce(0x40), nonce(0x30), 1};
  const RekeyExchange theirs{nonce(0x50), nonce(0x60), 2};
  EXPECT_EQ(redundant_rekey(ours, theirs, Role::initiator), RedundantRekey::ours);  // Nr of ours is lowest
  EXPECT_EQ(redundant_rekey(theirs, ours, Role::initiator), RedundantRekey::theirs);
  // A 16-octet nonce that is a prefix of every other: its exchange goes.
  const RekeyExchange short_nonce{Bytes(16, 0x55), nonce(0x90), 3};
  const RekeyExchange long_nonces{Bytes(32, 0x55), nonce(0x90, 0x00), 4};
  EXPECT_EQ(redundant_rekey(short_nonce, long_nonces, Role::responder), RedundantRekey::ours);
  EXPECT_EQ(redundant_rekey(long_nonces, short_nonce, Role::responder), RedundantRekey::theirs);
}

TEST(RekeyCollisionTieBreak, ASharedLowestNonceFallsToTheNextThenToTheIkeSaInitiator) {
  // Only with forced nonces: the lowest occurs in both exchanges; the other two decide.
  const RekeyExchange ours{nonce(0x10), nonce(0x70), 1};
  const RekeyExchange theirs{nonce(0x60), nonce(0x10), 2};
  EXPECT_EQ(redundant_rekey(ours, theirs, Role::initiator), RedundantRekey::theirs);
  EXPECT_EQ(redundant_rekey(theirs, ours, Role::responder), RedundantRekey::ours);
  // All equal: the exchange the original initiator of the IKE SA started goes,
  // which both ends compute alike (one passes initiator, the other responder).
  const RekeyExchange same{nonce(0x10), nonce(0x20), 1};
  EXPECT_EQ(redundant_rekey(same, same, Role::initiator), RedundantRekey::ours);
  EXPECT_EQ(redundant_rekey(same, same, Role::responder), RedundantRekey::theirs);
}

// --- true simultaneity, each branch of the tie-break -------------------------

// The four nonces: A's exchange is {Ni = a_i, Nr = b_r}, B's is {Ni = b_i, Nr = a_r}.
struct NonceCase {
  const char* name;
  Bytes a_i, a_r, b_i, b_r;
  bool a_exchange_redundant;  // the lowest nonce is in A's exchange
};

void PrintTo(const NonceCase& c, std::ostream* os) {
  *os << c.name;
}

class SimultaneousRekey : public ::testing::TestWithParam<std::tuple<NonceCase, uint32_t>> {};

TEST_P(SimultaneousRekey, BothAnswerAsUsualAndTheLowestNonceDecides) {
  const auto& [c, window] = GetParam();
  TwoPeers net(with_window(config_a(), window), with_window(config_b(), window));
  establish_one_child(net);
  const uint32_t old_a = a_installed(net, 0);
  net.random_a_.force_nonce(c.a_i);  // A: Ni of its request, then Nr of its answer
  net.random_a_.force_nonce(c.a_r);
  net.random_b_.force_nonce(c.b_i);
  net.random_b_.force_nonce(c.b_r);

  // Both ends start a rekey of the one CHILD_SA before either request arrives:
  //   HDR, SK {N(REKEY_SA, old), SA, Ni(a_i), TSi, TSr}  -->
  //                   <--  HDR, SK {N(REKEY_SA, old), SA, Ni(b_i), TSi, TSr}
  rekey(net, net.a, "a-b");
  rekey(net, net.b, "b-a");
  ASSERT_EQ(net.wire.size(), 2u);
  EXPECT_EQ(open_at(net, net.b, 0).find<wire::NoncePayload>(PayloadType::Nonce)->data, c.a_i);
  EXPECT_EQ(open_at(net, net.a, 1).find<wire::NoncePayload>(PayloadType::Nonce)->data, c.b_i);
  // Each end answers the other's request as usual (§2.25.1), installing a new
  // pair before its answer:  <--  HDR, SK {SA, Nr(b_r), TSi, TSr}  and
  //                          HDR, SK {SA, Nr(a_r), TSi, TSr}  -->
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 0));
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 0));
  ASSERT_EQ(net.wire.size(), 2u);
  EXPECT_EQ(open_at(net, net.a, 0).find<wire::NoncePayload>(PayloadType::Nonce)->data, c.b_r);
  EXPECT_EQ(open_at(net, net.b, 1).find<wire::NoncePayload>(PayloadType::Nonce)->data, c.a_r);
  EXPECT_EQ(net.random_a_.nonces_left() + net.random_b_.nonces_left(), 0u);
  ASSERT_EQ(net.log_a.installed.size(), 2u);
  const uint32_t b_exchange_pair_a = a_installed(net, 1);  // made by B's exchange, A's inbound SPI
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_collision, "answered the peer's rekey"));

  // The answers arrive: each end now has both exchanges complete and decides.
  net.deliver_all();
  ASSERT_EQ(net.log_a.installed.size(), 3u);
  const uint32_t a_exchange_pair_a = a_installed(net, 2);
  // A's own pair (its exchange's initiator half) carries A's traffic only if
  // it won; a losing pair is installed deferred and deleted at once. The pair
  // A answered (B's exchange) waits for B's ESP like any responder's pair.
  EXPECT_EQ(net.log_a.installed[2].defer_outbound, c.a_exchange_redundant);
  EXPECT_TRUE(net.log_a.installed[1].defer_outbound);
  EXPECT_EQ(net.a.counters().child_rekey_collisions, 1u);
  EXPECT_EQ(net.b.counters().child_rekey_collisions, 1u);
  const PeerLog& loser = c.a_exchange_redundant ? net.log_a : net.log_b;
  const PeerLog& winner = c.a_exchange_redundant ? net.log_b : net.log_a;
  EXPECT_EQ((c.a_exchange_redundant ? net.a : net.b).counters().child_rekey_collisions_lost, 1u);
  EXPECT_EQ((c.a_exchange_redundant ? net.b : net.a).counters().child_rekey_collisions_lost, 0u);
  EXPECT_TRUE(loser.has_event(EventKind::child_sa_rekey_collision, "ours lost on nonces"))
      << net.dump_events();
  EXPECT_TRUE(winner.has_event(EventKind::child_sa_rekey_collision, "ours won on nonces"))
      << net.dump_events();
  // The loser deleted its own new pair; the winner deleted the old one.
  EXPECT_TRUE(std::any_of(loser.removed.begin(), loser.removed.end(), [](const RemoveChildSa& r) {
    return r.reason.starts_with("redundant: simultaneous rekey");
  })) << net.dump_events();
  EXPECT_TRUE(std::any_of(winner.removed.begin(), winner.removed.end(), [](const RemoveChildSa& r) {
    return r.reason.starts_with("rekeyed: replaced by SPIs");
  })) << net.dump_events();

  expect_settled(net, c.name);
  const std::vector<ChildSa> live = children(net, net.a);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_NE(live[0].spi_in, old_a);
  EXPECT_EQ(live[0].spi_in, c.a_exchange_redundant ? b_exchange_pair_a : a_exchange_pair_a);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_EQ(net.b.next_deadline(), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(
    Nonces, SimultaneousRekey,
    ::testing::Combine(
        ::testing::Values(
            // A (the original initiator of the IKE SA) loses: its own Ni is lowest.
            NonceCase{"ikesa_initiator_ni_lowest", nonce(0x10), nonce(0x80), nonce(0x81), nonce(0x82), true},
            // A loses on B's answer to it (Nr of A's exchange, drawn by B).
            NonceCase{"ikesa_responder_nr_lowest", nonce(0x80), nonce(0x81), nonce(0x82), nonce(0x10), true},
            // B (the original responder) loses: its own Ni is lowest.
            NonceCase{"ikesa_responder_ni_lowest", nonce(0x80), nonce(0x81), nonce(0x10), nonce(0x82), false},
            // B loses on A's answer to it.
            NonceCase{"ikesa_initiator_nr_lowest", nonce(0x80), nonce(0x10), nonce(0x81), nonce(0x82), false},
            // Equal up to the last octet: the last one decides.
            NonceCase{"equal_prefix_last_octet", nonce(0x10, 0x02), nonce(0x80), nonce(0x10, 0x01),
                      nonce(0x82), false},
            NonceCase{"equal_prefix_last_octet_other_way", nonce(0x10, 0x01), nonce(0x80), nonce(0x10, 0x02),
                      nonce(0x82), true},
            // The same lowest nonce in both exchanges (a_i in A's, a_r in B's): the
            // next-lowest decides (b_r = 0x20, in A's exchange).
            NonceCase{"shared_lowest", nonce(0x10), nonce(0x10), nonce(0x30), nonce(0x20), true}),
        ::testing::Values(1u, 4u)),
    [](const auto& param_info) {
      return std::string(std::get<0>(param_info.param).name) + "_window" +
             std::to_string(std::get<1>(param_info.param));
    });

// --- not simultaneous from one end's point of view ---------------------------

TEST(RekeyCollision, ARequestArrivingAfterOurRekeyCompletedGetsTemporaryFailure) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  // Nonces under which A's exchange would lose a tie-break: it is not one here.
  net.random_a_.force_nonce(nonce(0x10));
  rekey(net, net.a, "a-b");
  rekey(net, net.b, "b-a");
  ASSERT_EQ(net.wire.size(), 2u);  // [A's request, B's request]
  // HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->  B answers as usual (it is rekeying it too).
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 0));
  ASSERT_EQ(net.wire.size(), 2u);  // [B's request, B's answer]
  // B's answer overtakes B's request: A's rekey completes; A knows of no
  // collision, so it deletes the old child:  HDR, SK {D(ESP, old)}  -->
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 1));
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 1u);
  // B's request reaches A, which is closing that child now (§2.25.1):
  // <--  HDR, SK {N(TEMPORARY_FAILURE)}
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 0));
  bool temporary_failure = false;
  for (size_t i = 0; i < net.wire.size(); ++i) {
    if (open_at(net, net.b, i).find_notify(NotifyType::TEMPORARY_FAILURE) != nullptr)
      temporary_failure = true;
  }
  EXPECT_TRUE(temporary_failure);
  EXPECT_EQ(net.a.counters().child_rekeys_refused_closing, 1u);
  net.deliver_all();
  // B does not retry: the child it wanted to rekey is replaced by A's.
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_rekey_failed, "TEMPORARY_FAILURE"))
      << net.dump_events();
  EXPECT_EQ(net.a.counters().child_rekey_collisions + net.b.counters().child_rekey_collisions, 0u);
  expect_settled(net, "after");
  ASSERT_EQ(children(net, net.a).size(), 1u);
  EXPECT_EQ(children(net, net.a)[0].spi_in, a_installed(net, 1));  // A's exchange made it
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_EQ(net.b.next_deadline(), std::nullopt);
}

TEST(RekeyCollision, ARekeyQueuedBehindTheWindowYieldsToThePeersRekey) {
  TwoPeers net(with_window(config_a(), 1), with_window(config_b(), 1));
  establish_one_child(net);
  // A has an exchange in flight (a liveness check), so its rekey waits in the queue.
  EndpointPeer::start_task(net.a, sa_id(net, net.a), std::make_unique<IkeDpd>(), net.now);
  net.collect();
  rekey(net, net.a, "a-b");
  ASSERT_EQ(net.wire.size(), 1u);  // only the liveness check
  rekey(net, net.b, "b-a");
  ASSERT_EQ(net.wire.size(), 2u);
  // <--  HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}: A answers as usual.
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 1));
  EXPECT_EQ(net.a.counters().child_rekeys_answered, 1u);
  // The liveness check completes; A's queued rekey finds its child replaced
  // and becomes an empty INFORMATIONAL instead.
  net.deliver_all();
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_collision, "is not sent: the peer rekeyed it"))
      << net.dump_events();
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 0u);
  EXPECT_EQ(net.b.counters().child_rekeys_completed, 1u);
  expect_settled(net, "after");
  ASSERT_EQ(children(net, net.a).size(), 1u);
  EXPECT_EQ(children(net, net.a)[0].spi_in, a_installed(net, 1));
}

// --- rekeys crossing deletes -------------------------------------------------

class RekeyCrossingDelete : public ::testing::TestWithParam<bool> {};  // the Delete reaches A first?

TEST_P(RekeyCrossingDelete, ARekeyOfAChildThePeerIsDeletingGetsTemporaryFailure) {
  const bool delete_first = GetParam();
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  rekey(net, net.a, "a-b");       // HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->
  down_child(net, net.b, "b-a");  //          <--  HDR, SK {D(ESP, old)}
  ASSERT_EQ(net.wire.size(), 2u);
  // B is trying to close the child: <--  HDR, SK {N(TEMPORARY_FAILURE)}  (§2.25.1)
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 0));
  EXPECT_EQ(net.b.counters().child_rekeys_refused_closing, 1u);
  EXPECT_EQ(net.log_b.installed.size(), 1u);
  // [B's Delete, B's TEMPORARY_FAILURE], in either order. A answers the Delete
  // as usual (§2.25.1: a child it is rekeying); the failure then finds no child to retry.
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, delete_first ? 0 : 1));
  net.deliver_all();
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_failed, "TEMPORARY_FAILURE"))
      << net.dump_events();
  expect_settled(net, "after");
  EXPECT_TRUE(children(net, net.a).empty());
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);  // no retry left behind
}

TEST_P(RekeyCrossingDelete, OurRekeyAnsweredBeforeThePeerDeletedTheChildIsUndone) {
  const bool delete_first = GetParam();
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  rekey(net, net.a, "a-b");
  // B answers (installing the new pair), then its operator takes the child
  // down: B deletes every CHILD_SA of that name, the old and the new.
  ASSERT_TRUE(net.deliver_one());
  down_child(net, net.b, "b-a");
  ASSERT_EQ(net.wire.size(), 3u);  // [B's answer, D(old), D(new)]
  if (delete_first) {
    // Both Deletes overtake the answer: A removes the old child and notes the
    // SPI it does not know yet; the answer then names that SPI, so A installs
    // nothing (B's half is gone already) and sends nothing more.
    ASSERT_NO_FATAL_FAILURE(deliver_at(net, 1));
    ASSERT_NO_FATAL_FAILURE(deliver_at(net, 1));
    EXPECT_EQ(net.a.counters().delete_unknown_spi, 1u);
  }
  net.deliver_all();
  if (delete_first) {
    EXPECT_TRUE(
        net.log_a.has_event(EventKind::child_sa_rekey_failed, "the peer deleted the new CHILD_SA (its SPI"))
        << net.dump_events();
    EXPECT_EQ(net.log_a.installed.size(), 1u);
  }
  expect_settled(net, "after");
  EXPECT_TRUE(children(net, net.a).empty());
  EXPECT_TRUE(children(net, net.b).empty());
}

INSTANTIATE_TEST_SUITE_P(Orders, RekeyCrossingDelete, ::testing::Values(true, false),
                         [](const auto& param_info) {
                           return param_info.param ? "DeleteFirst" : "AnswerFirst";
                         });

TEST(RekeyCollision, ADeleteQueuedBehindTheWindowAlreadyRefusesTheRekey) {
  TwoPeers net(with_window(config_a(), 1), with_window(config_b(), 1));
  establish_one_child(net);
  // B has a liveness check in flight; its operator's Delete of the child waits behind it.
  EndpointPeer::start_task(net.b, sa_id(net, net.b), std::make_unique<IkeDpd>(), net.now);
  net.collect();
  down_child(net, net.b, "b-a");
  ASSERT_EQ(net.wire.size(), 1u);
  rekey(net, net.a, "a-b");
  ASSERT_EQ(net.wire.size(), 2u);  // [B's liveness check, A's rekey]
  // B is trying to close the child, even if its Delete has not left yet:
  // <--  HDR, SK {N(TEMPORARY_FAILURE)}; A plans a retry 2 to 10 s later.
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 1));
  ASSERT_NO_FATAL_FAILURE(deliver_at(net, 1));
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_failed, "trying again in")) << net.dump_events();
  const std::optional<Timestamp> retry = net.a.next_deadline();
  ASSERT_TRUE(retry.has_value());
  EXPECT_GE(*retry, net.now + seconds(2));
  EXPECT_LE(*retry, net.now + seconds(10));
  // The liveness check is answered; B's Delete goes; the retry dies with the child.
  net.deliver_all();
  expect_settled(net, "after");
  EXPECT_TRUE(children(net, net.a).empty());
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_EQ(net.b.next_deadline(), std::nullopt);
}

TEST(RekeyCollision, TemporaryFailureIsRetriedWhileThePeersDeleteIsLost) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  down_child(net, net.b, "b-a");
  net.drop_one();  // <--  HDR, SK {D(ESP, old)}  lost
  rekey(net, net.a, "a-b");
  ASSERT_TRUE(net.deliver_one());  // B: TEMPORARY_FAILURE
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.a.counters().child_rekeys_postponed, 1u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_failed, "trying again in")) << net.dump_events();
  // Time passes: A's retry and B's retransmitted Delete, in whatever order
  // their timers come; a retry meets TEMPORARY_FAILURE again until the Delete lands.
  for (int i = 0; i < 50 && (net.advance_to_next_deadline() || !net.wire.empty()); ++i) net.deliver_all();
  expect_settled(net, "after");
  EXPECT_TRUE(children(net, net.a).empty());
  EXPECT_TRUE(children(net, net.b).empty());
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 0u);
}

// --- randomized interleavings ------------------------------------------------

struct Scenario {
  uint64_t seed;
  uint32_t window;
  bool rekey_time;  // children rekey themselves on a timer too
};

// Both ends rekey (by command and, optionally, by rekey_time) and now and
// then delete the child, at random moments; the network delivers in random
// order, duplicates some datagrams and loses a few (retransmits recover them). Then the
// network is drained and the invariants checked.
struct Tally {
  uint64_t collisions = 0;       // decided on nonces
  uint64_t refused_closing = 0;  // TEMPORARY_FAILURE for a child being deleted
  uint64_t rekeys_completed = 0;
  uint64_t deletes = 0;
};

void run_scenario(const Scenario& s, Tally& tally) {
  ConnectionConfig ca = with_window(config_a(), s.window);
  ConnectionConfig cb = with_window(config_b(), s.window);
  if (s.rekey_time) {
    for (ConnectionConfig* c : {&ca, &cb}) {
      c->children[0].limits.rekey_time = seconds(20);
      c->children[0].limits.rand_time = seconds(10);
    }
  }
  TwoPeers net(ca, cb, s.seed);
  establish_one_child(net);
  std::mt19937_64 rng(s.seed);
  int drops = 0;
  bool deleted = false;
  for (int step = 0; step < 60; ++step) {
    const uint64_t r = rng() % 100;
    if (r < 14) {
      (void)net.a.command(Rekey{"a-b", "net"}, net.now);
      net.collect();
    } else if (r < 28) {
      (void)net.b.command(Rekey{"b-a", "net"}, net.now);
      net.collect();
    } else if (r < 30 && !deleted && rng() % 4 == 0) {
      deleted = true;
      (void)(r % 2 == 0 ? net.a.command(DownChild{"a-b", "net"}, net.now)
                        : net.b.command(DownChild{"b-a", "net"}, net.now));
      net.collect();
    } else if (r < 33 && drops < 3 && !net.wire.empty()) {
      ++drops;
      net.wire.erase(net.wire.begin() + static_cast<std::ptrdiff_t>(rng() % net.wire.size()));
    } else if (r < 36 && !net.wire.empty()) {
      net.wire.push_back(net.wire[rng() % net.wire.size()]);  // duplicated
    } else if (r < 45) {
      net.now = net.now + std::chrono::milliseconds(rng() % 4000);
      net.a.on_timer(net.now);
      net.b.on_timer(net.now);
      net.collect();
    } else if (!net.wire.empty()) {
      deliver_at(net, rng() % net.wire.size());
    }
  }
  // Drain: deliver in order; fire timers while an exchange is outstanding or a
  // retry is due; stop when only the children's own rekey_time is left.
  for (int i = 0; i < 3000; ++i) {
    if (!net.wire.empty()) {
      net.deliver_one();
      continue;
    }
    bool busy = false;
    for (Endpoint* e : {&net.a, &net.b}) {
      if (net.only_sa(*e) == nullptr) continue;
      const TaskManager& tasks = EndpointPeer::tasks(*e, sa_id(net, *e));
      busy = busy || tasks.requests_outstanding() > 0 || tasks.has_pending_tasks();
    }
    if (!busy) break;
    if (!net.advance_to_next_deadline()) break;
  }
  for (Endpoint* e : {&net.a, &net.b}) {
    tally.collisions += e->counters().child_rekey_collisions;
    tally.refused_closing += e->counters().child_rekeys_refused_closing;
    tally.rekeys_completed += e->counters().child_rekeys_completed;
  }
  tally.deletes += deleted ? 1 : 0;
  const std::string where =
      fmt::format("seed {} window {}{}", s.seed, s.window, s.rekey_time ? " rekey_time" : "");
  expect_settled(net, where);
  if (!deleted) {
    EXPECT_EQ(children(net, net.a).size(), 1u) << where << "\n" << net.dump_events();
  }
  // No timers but the surviving child's own rekey (or a pending retry of it).
  for (Endpoint* e : {&net.a, &net.b}) {
    const std::vector<ChildSa> live = children(net, *e);
    std::optional<Timestamp> expected;
    for (const ChildSa& c : live) expected = c.rekey_at;
    EXPECT_EQ(e->next_deadline(), expected) << where;
  }
}

TEST(RekeyCollisionRandomized, ManySeedsLeaveOnePairOrNoneAndNothingLeaks) {
  constexpr uint64_t kSeeds = 200;  // 5000 pass too (about 4 s)
  Tally tally;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    run_scenario(Scenario{seed, seed % 3 == 0 ? 1u : 4u, seed % 2 == 0}, tally);
    if (::testing::Test::HasFailure()) break;  // one seed's report is enough
  }
  // The interleavings did reach the cases this is about.
  std::cout << fmt::format(
      "{} seeds: {} rekeys completed, {} collisions decided on nonces, {} rekeys refused "
      "with TEMPORARY_FAILURE, {} child deletes\n",
      kSeeds, tally.rekeys_completed, tally.collisions, tally.refused_closing, tally.deletes);
  EXPECT_GE(tally.collisions, 20u);
  EXPECT_GE(tally.refused_closing, 5u);
  EXPECT_GE(tally.deletes, 10u);
}

}  // namespace
}  // namespace tern::ike::testing

// The hard lifetime of a CHILD_SA by time (ChildLimits::life_time,
// child_expiry.cc) and the PFS-disagreement diagnostics (pfs_diagnosis.h):
//  - a child rekeyed before life_time lives on in its successor, which has
//    its own deadline; nothing is deleted by the limit;
//  - a child whose rekeys the peer refuses over PFS is kept until life_time,
//    the reason is said once (Event, rekey_problem, counters), one more rekey
//    is tried halfway to life_time, and at life_time the child is deleted
//    with INFORMATIONAL D(ESP) and the reason;
//  - a peer that lists PFS groups in its IKE_AUTH proposals (or answer) that
//    share none with ours gets a pfs_mismatch warning when the child is made.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/pfs_diagnosis.h"
#include "ike/proposal.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

using wire::ExchangeType;
using wire::KeGroup;
using wire::NotifyType;
using wire::PayloadType;

EspSuite esp_with(KeGroup group) {
  EspSuite s = kEspAes128Gcm;
  s.ke = group;
  return s;
}

ConnectionConfig with_esp(ConnectionConfig c, std::vector<EspSuite> suites) {
  c.children[0].esp_proposals = std::move(suites);
  return c;
}

// A's child: rekey 60 s after it is installed (no jitter), deleted after 80 s.
ConnectionConfig with_lifetimes(ConnectionConfig c) {
  c.children[0].limits.rekey_time = seconds(60);
  c.children[0].limits.life_time = seconds(80);
  return c;
}

IkeMessage open_first(TwoPeers& net, Endpoint& receiver) {
  EXPECT_FALSE(net.wire.empty());
  if (net.wire.empty()) return {};
  Result<IkeMessage> msg = EndpointPeer::open(receiver, net.wire.front().bytes);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().to_string());
  return msg ? *msg : IkeMessage{};
}

size_t count_events(const PeerLog& log, EventKind kind) {
  return static_cast<size_t>(
      std::count_if(log.events.begin(), log.events.end(), [&](const Event& e) { return e.kind == kind; }));
}

// Fires timers at `t` (no earlier deadline may be pending) and delivers what follows.
void run_until(TwoPeers& net, Timestamp t) {
  while (true) {
    std::optional<Timestamp> da = net.a.next_deadline(), db = net.b.next_deadline();
    std::optional<Timestamp> next = da;
    if (db && (!next || *db < *next)) next = db;
    if (!next || *next > t) break;
    ASSERT_TRUE(net.advance_to_next_deadline());
    net.deliver_all();
  }
  net.now = std::max(net.now, t);
}

// --- life_time ----------------------------------------------------------------

TEST(ChildLifetime, TheChildRecordsItsHardDeadlineAndTheTimerKnowsIt) {
  TwoPeers net(with_lifetimes(config_a()), config_b());
  establish_one_child(net);
  const ChildSa child = net.only_sa(net.a)->children[0];
  ASSERT_TRUE(child.expire_at.has_value());
  EXPECT_EQ(*child.expire_at, net.now + seconds(80));
  EXPECT_FALSE(net.only_sa(net.b)->children[0].expire_at.has_value());  // B has no life_time
  EXPECT_EQ(net.a.next_deadline(), net.now + seconds(60));              // the rekey comes first
}

TEST(ChildLifetime, ARekeyBeforeLifeTimeKeepsTheTunnelAndTheSuccessorGetsItsOwnDeadline) {
  TwoPeers net(with_lifetimes(config_a()), config_b());
  establish_one_child(net);
  const Timestamp start = net.now;
  const uint32_t first_spi = net.only_sa(net.a)->children[0].spi_in;
  // t+60 s: HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->  <--  HDR, SK {SA, Nr, TSi, TSr}
  //         then HDR, SK {D(ESP, old)}  -->  <--  HDR, SK {D(ESP, old)}
  run_until(net, start + seconds(79));
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u) << net.dump_events();
  const ChildSa successor = net.only_sa(net.a)->children[0];
  EXPECT_NE(successor.spi_in, first_spi);
  ASSERT_TRUE(successor.expire_at.has_value());
  EXPECT_EQ(*successor.expire_at, start + seconds(60) + seconds(80));
  // The old child's life_time passes: nothing happens, its successor carries the traffic.
  run_until(net, start + seconds(100));
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.a)->children[0].spi_in, successor.spi_in);
  EXPECT_EQ(net.a.counters().child_hard_limits, 0u);
  EXPECT_FALSE(net.log_a.has_event(EventKind::child_sa_limit));
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 1u);
  // And so on, every 60 s, never reaching a life_time.
  run_until(net, start + seconds(299));
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 4u);
  EXPECT_EQ(net.a.counters().child_hard_limits, 0u);
  EXPECT_EQ(net.only_sa(net.a)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
}

TEST(ChildLifetime, WithoutRekeyTheChildIsDeletedAtLifeTimeAndTheIkeSaStays) {
  ConnectionConfig a = config_a();
  a.children[0].limits.life_time = seconds(30);  // no rekey_time
  TwoPeers net(a, config_b());
  establish_one_child(net);
  const Timestamp start = net.now;
  const uint32_t spi = net.only_sa(net.a)->children[0].spi_in;
  run_until(net, start + seconds(29));
  EXPECT_EQ(net.only_sa(net.a)->children.size(), 1u);
  // t+30 s: HDR, SK {D(ESP, spi)}  -->  <--  HDR, SK {D(ESP, peer's spi)}
  ASSERT_TRUE(net.advance_to_next_deadline());
  EXPECT_EQ(net.now, start + seconds(30));
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(open_first(net, net.b).exchange, ExchangeType::INFORMATIONAL);
  net.deliver_all();
  EXPECT_TRUE(net.only_sa(net.a)->children.empty());
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].spi_in, spi);
  EXPECT_EQ(net.log_a.removed[0].reason, "CHILD_SA lifetime reached (life_time = 30s)");
  EXPECT_EQ(
      net.log_a.event_text(EventKind::child_sa_limit),
      fmt::format("CHILD_SA a-b/net (SPI in 0x{:08x}) reached its hard limit (life_time = 30s): deleting it",
                  spi));
  EXPECT_EQ(net.a.counters().child_hard_limits, 1u);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);  // nothing left to time
}

// --- PFS refused at rekey time -------------------------------------------------

TEST(PfsDisagreement, ARefusedRekeyIsSaidOnceRetriedOnceAndTheChildEndsAtLifeTime) {
  // A wants PFS with x25519; B does not do PFS (a strongSwan with esp_proposals = aes128gcm16, say).
  TwoPeers net(with_lifetimes(with_esp(config_a(), {esp_with(KeGroup::CURVE25519)})), config_b());
  establish_one_child(net);
  const Timestamp start = net.now;
  const uint32_t spi = net.only_sa(net.a)->children[0].spi_in;
  EXPECT_TRUE(net.only_sa(net.a)->children[0].rekey_problem.empty());  // nothing knowable in IKE_AUTH
  // t+60 s: HDR, SK {N(REKEY_SA), SA(x25519), Ni, KEi, TSi, TSr}  -->
  //                                  <--  HDR, SK {N(NO_PROPOSAL_CHOSEN)}
  run_until(net, start + seconds(60));
  const std::string problem =
      "peer 192.0.2.2 answered NO_PROPOSAL_CHOSEN to the PFS group x25519 for child net, although it "
      "accepted the same ESP algorithms without PFS when the CHILD_SA was made: it wants another PFS group, "
      "or none (we allow: x25519)";
  EXPECT_EQ(net.log_a.event_text(EventKind::child_sa_rekey_failed),
            fmt::format("rekeying CHILD_SA net (SPI in 0x{:08x}) failed: {}; the old CHILD_SA stays in use "
                        "until its life_time ends in 20s (one more rekey attempt in 10s)",
                        spi, problem));
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.a)->children[0].spi_in, spi);
  EXPECT_EQ(net.only_sa(net.a)->children[0].rekey_problem, problem);
  EXPECT_EQ(net.a.counters().child_rekeys_failed_pfs, 1u);
  // t+70 s: the one more attempt, refused the same way: counted, not said again.
  run_until(net, start + seconds(79));
  EXPECT_EQ(net.a.counters().child_rekeys_started, 2u);
  EXPECT_EQ(net.a.counters().child_rekeys_failed_pfs, 2u);
  EXPECT_EQ(net.a.counters().child_rekeys_failed, 2u);
  EXPECT_EQ(count_events(net.log_a, EventKind::child_sa_rekey_failed), 1u) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.a)->children[0].spi_in, spi);  // the same child all along
  // t+80 s: life_time. HDR, SK {D(ESP, spi)}  -->  <--  HDR, SK {D(ESP, ...)}
  run_until(net, start + seconds(80));
  EXPECT_TRUE(net.only_sa(net.a)->children.empty()) << net.dump_events();
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed[0].reason,
            "CHILD_SA lifetime reached (life_time = 80s), not rekeyed: " + problem);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_limit, "without a successful rekey: deleting it"));
  EXPECT_EQ(net.a.counters().child_hard_limits, 1u);
  EXPECT_EQ(net.a.counters().child_rekeys_started, 2u);  // no third attempt
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
}

TEST(PfsDisagreement, APeerThatRequiresPfsWhenWeAllowNone) {
  // A has no PFS; B requires modp2048.
  TwoPeers net(with_lifetimes(config_a()), with_esp(config_b(), {esp_with(KeGroup::MODP_2048)}));
  establish_one_child(net);
  run_until(net, net.now + seconds(60));
  const std::string problem =
      "peer 192.0.2.2 answered NO_PROPOSAL_CHOSEN to a rekey without PFS for child net, although it "
      "accepted the same ESP algorithms when the CHILD_SA was made: it wants a PFS group, and we allow none";
  EXPECT_EQ(net.only_sa(net.a)->children[0].rekey_problem, problem);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_failed, problem));
  EXPECT_EQ(net.a.counters().child_rekeys_failed_pfs, 1u);
}

TEST(PfsDisagreement, InvalidKeNamingAGroupWeDoNotAllowIsAPfsRefusal) {
  TwoPeers net(with_lifetimes(with_esp(config_a(), {esp_with(KeGroup::ECP_256)})), config_b());
  establish_one_child(net);
  const Timestamp start = net.now;
  ASSERT_TRUE(net.advance_to_next_deadline());  // t+60 s: A's rekey request
  // HDR, SK {N(REKEY_SA), SA, Ni, KEi(ecp256), TSi, TSr}  -->  (lost) and a peer that wants modp2048:
  // <--  HDR, SK {N(INVALID_KE_PAYLOAD, modp2048)}
  IkeMessage request = open_first(net, net.b);
  ASSERT_EQ(request.exchange, ExchangeType::CREATE_CHILD_SA);
  net.drop_one();
  IkeMessage answer;
  answer.exchange = ExchangeType::CREATE_CHILD_SA;
  answer.response = true;
  answer.message_id = request.message_id;
  answer.add_notify(NotifyType::INVALID_KE_PAYLOAD, Bytes{0, 14});
  net.wire.push_back(Datagram{kAddrB, kAddrA, EndpointPeer::seal(net.b, net.only_sa(net.b)->id, answer)});
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.only_sa(net.a)->children[0].rekey_problem,
            "peer 192.0.2.2 refused the PFS group ecp256 for child net; it accepts: modp2048");
  EXPECT_EQ(net.a.counters().child_rekeys_failed_pfs, 1u);
  // One more attempt halfway to life_time (t+70 s).
  EXPECT_EQ(net.a.next_deadline(), start + seconds(70));
}

TEST(PfsDisagreement, TheResponderOfARefusedRekeySaysItOnceToo) {
  // A rekeys with x25519; B allows only ecp256: B refuses each of A's requests with NO_PROPOSAL_CHOSEN.
  TwoPeers net(with_lifetimes(with_esp(config_a(), {esp_with(KeGroup::CURVE25519)})),
               with_esp(config_b(), {esp_with(KeGroup::ECP_256)}));
  establish_one_child(net);
  const Timestamp start = net.now;
  run_until(net, start + seconds(79));  // the rekey at +60 s and the one more attempt at +70 s
  const std::string problem =
      "peer 192.0.2.1 offers PFS groups x25519 for child net, we allow: ecp256; its rekeys of this child are "
      "refused";
  EXPECT_EQ(net.only_sa(net.b)->children[0].rekey_problem, problem);
  EXPECT_EQ(net.log_b.event_text(EventKind::pfs_mismatch), problem);
  EXPECT_EQ(count_events(net.log_b, EventKind::pfs_mismatch), 1u);
  EXPECT_EQ(net.b.counters().peer_rekeys_refused_pfs, 2u);
  EXPECT_EQ(net.b.counters().child_rekeys_refused, 2u);
  EXPECT_EQ(net.a.counters().child_rekeys_failed_pfs, 2u);
}

// --- PFS mismatch visible at establishment ---------------------------------------

// Lets A's IKE_AUTH request through with `groups` added to each of its ESP
// proposals, as a peer that lists its PFS groups in IKE_AUTH sends them.
void establish_with_groups_in_ike_auth(TwoPeers& net, std::vector<KeGroup> groups) {
  net.up();
  ASSERT_TRUE(net.deliver_one());  // HDR, SAi1, KEi, Ni  -->
  ASSERT_TRUE(net.deliver_one());  // <--  HDR, SAr1, KEr, Nr
  // HDR, SK {IDi, AUTH, SAi2(+KE groups), TSi, TSr}  -->
  IkeMessage auth = open_first(net, net.b);
  ASSERT_EQ(auth.exchange, ExchangeType::IKE_AUTH);
  for (wire::Payload& p : auth.payloads) {
    auto* sa = std::get_if<wire::SaPayload>(&p.body);
    if (sa == nullptr) continue;
    for (wire::Proposal& proposal : sa->proposals) {
      for (KeGroup g : groups)
        proposal.transforms.push_back({wire::TransformType::KE, static_cast<uint16_t>(g), {}});
    }
  }
  net.wire.front().bytes = EndpointPeer::seal(net.a, net.only_sa(net.a)->id, auth);
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established) << net.dump_events();
}

TEST(PfsDisagreement, GroupsListedInIkeAuthThatShareNoneWithOursAreWarnedAboutOnce) {
  TwoPeers net(config_a(), with_esp(config_b(), {esp_with(KeGroup::CURVE25519)}));
  establish_with_groups_in_ike_auth(net, {KeGroup::ECP_256, KeGroup::MODP_2048});
  // The child is made (IKE_AUTH has no KE; the groups play no part in the choice) ...
  ASSERT_EQ(net.only_sa(net.b)->children.size(), 1u) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u);
  // ... with one warning that its first rekey will fail.
  const std::string warning =
      "peer 192.0.2.1 offers PFS groups ecp256, modp2048 for child net, we allow: x25519; the first rekey of "
      "this child will fail";
  EXPECT_EQ(net.log_b.event_text(EventKind::pfs_mismatch), warning);
  EXPECT_EQ(count_events(net.log_b, EventKind::pfs_mismatch), 1u);
  EXPECT_EQ(net.only_sa(net.b)->children[0].rekey_problem, warning);
  EXPECT_EQ(net.b.counters().child_pfs_mismatches_predicted, 1u);
  EXPECT_FALSE(net.log_a.has_event(EventKind::pfs_mismatch));  // A saw no groups
}

TEST(PfsDisagreement, GroupsListedInIkeAuthThatShareOneWithOursAreFine) {
  TwoPeers net(config_a(), with_esp(config_b(), {esp_with(KeGroup::CURVE25519), esp_with(KeGroup::ECP_256)}));
  establish_with_groups_in_ike_auth(net, {KeGroup::ECP_256});
  ASSERT_EQ(net.only_sa(net.b)->children.size(), 1u);
  EXPECT_FALSE(net.log_b.has_event(EventKind::pfs_mismatch));
  EXPECT_TRUE(net.only_sa(net.b)->children[0].rekey_problem.empty());
  EXPECT_EQ(net.b.counters().child_pfs_mismatches_predicted, 0u);
}

TEST(PfsDisagreement, AResponderThatNamesItsGroupInIkeAuthIsComparedToo) {
  TwoPeers net(with_esp(config_a(), {esp_with(KeGroup::CURVE25519)}), config_b());
  net.up();
  ASSERT_TRUE(net.deliver_one());  // HDR, SAi1, KEi, Ni  -->
  ASSERT_TRUE(net.deliver_one());  // <--  HDR, SAr1, KEr, Nr
  ASSERT_TRUE(net.deliver_one());  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
  // <--  HDR, SK {IDr, AUTH, SAr2(+KE modp2048), TSi, TSr}
  IkeMessage answer = open_first(net, net.a);
  ASSERT_EQ(answer.exchange, ExchangeType::IKE_AUTH);
  for (wire::Payload& p : answer.payloads) {
    if (auto* sa = std::get_if<wire::SaPayload>(&p.body))
      sa->proposals[0].transforms.push_back(
          {wire::TransformType::KE, static_cast<uint16_t>(KeGroup::MODP_2048), {}});
  }
  net.wire.front().bytes = EndpointPeer::seal(net.b, net.only_sa(net.b)->id, answer);
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u) << net.dump_events();
  const std::string warning =
      "peer 192.0.2.2 offers PFS groups modp2048 for child net, we allow: x25519; the first rekey of this "
      "child will fail";
  EXPECT_EQ(net.log_a.event_text(EventKind::pfs_mismatch), warning);
  EXPECT_EQ(net.only_sa(net.a)->children[0].rekey_problem, warning);
  EXPECT_EQ(net.a.counters().child_pfs_mismatches_predicted, 1u);
}

TEST(PfsDisagreement, APeerThatListsNoGroupRevealsNothing) {
  // RFC 7296 §1.2: no KE transform in IKE_AUTH (tern, strongSwan 5.9). B requires PFS, but cannot know.
  TwoPeers net(config_a(), with_esp(config_b(), {esp_with(KeGroup::MODP_2048)}));
  establish_one_child(net);
  EXPECT_FALSE(net.log_b.has_event(EventKind::pfs_mismatch));
  EXPECT_TRUE(net.only_sa(net.b)->children[0].rekey_problem.empty());
}

TEST(PfsDisagreement, PredictionInWords) {
  const std::vector<EspSuite> x25519{esp_with(KeGroup::CURVE25519)};
  const std::vector<EspSuite> no_pfs{kEspAes128Gcm};
  auto offered = [](std::vector<EspSuite> suites) { return esp_proposals(suites, 0x01020304); };
  EXPECT_EQ(predict_pfs_mismatch(offered({kEspAes128Gcm}), x25519, "192.0.2.1", "net"), std::nullopt);
  EXPECT_EQ(predict_pfs_mismatch(offered({esp_with(KeGroup::CURVE25519)}), x25519, "192.0.2.1", "net"),
            std::nullopt);
  EXPECT_EQ(predict_pfs_mismatch(offered({esp_with(KeGroup::ECP_256)}), no_pfs, "192.0.2.1", "net"),
            "peer 192.0.2.1 offers PFS groups ecp256 for child net, we allow: none; the first rekey of this "
            "child will fail");
  // A peer that also offers no PFS agrees with us when we do not want it.
  EXPECT_EQ(
      predict_pfs_mismatch(offered({esp_with(KeGroup::ECP_256), kEspAes128Gcm}), no_pfs, "192.0.2.1", "net"),
      std::nullopt);
}

}  // namespace
}  // namespace tern::ike::testing

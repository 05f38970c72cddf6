// MOBIKE (RFC 4555): N(MOBIKE_SUPPORTED) in IKE_AUTH, the initiator moving
// the IKE SA and its CHILD_SAs to a new address with UPDATE_SA_ADDRESSES
// (same SPIs), NAT detection re-done on the new path, COOKIE2 return
// routability, NO_NATS_ALLOWED, and the additional addresses.
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/nat_detection.h"
#include "ike/tasks/ike_dpd.h"
#include "ike/tasks/mobike_update.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

using wire::NotifyType;

// A's second link (another network: RFC 5737 TEST-NET-2).
const Address kAddrA2 = Address::ipv4({198, 51, 100, 1}, 500);
const Address kAddrA3 = Address::ipv4({198, 51, 100, 7}, 500);
constexpr uint16_t kNattPort = 4500;

IkeSaId id_of(const Endpoint& e) {
  return e.status().front().id;
}
const IkeSa& sa_of(const Endpoint& e) {
  return EndpointPeer::sa(e, id_of(e));
}

// The datagram's IKE message, opened with `receiver`'s keys (non-ESP marker skipped).
IkeMessage open_at(Endpoint& receiver, const Datagram& d) {
  Result<IkeMessage> msg = EndpointPeer::open(receiver, d.bytes);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().to_string());
  return msg ? *msg : IkeMessage{};
}

ConnectionConfig with_second_child(ConnectionConfig c, bool initiator) {
  ChildConfig voip = c.children[0];
  voip.name = "voip";
  voip.local_ts = {initiator ? subnet24(10, 1, 9) : subnet24(10, 2, 9)};
  voip.remote_ts = {initiator ? subnet24(10, 2, 9) : subnet24(10, 1, 9)};
  c.children.push_back(voip);
  return c;
}

TEST(Mobike, BothEndsAnnounceMobikeSupportedInIkeAuth) {
  TwoPeers net(config_a(), config_b());
  net.up();
  // HDR, SA, KE, Ni, N(NATD_S), N(NATD_D) -->  <-- HDR, SA, KE, Nr, N(NATD_S), N(NATD_D)
  net.deliver_one();
  net.deliver_one();
  // HDR, SK {IDi, AUTH, SA, TSi, TSr, N(MOBIKE_SUPPORTED), N(NO_ADDITIONAL_ADDRESSES)} -->
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage auth_request = open_at(net.b, net.wire.front());
  EXPECT_NE(auth_request.find_notify(NotifyType::MOBIKE_SUPPORTED), nullptr);
  EXPECT_NE(auth_request.find_notify(NotifyType::NO_ADDITIONAL_ADDRESSES), nullptr);
  net.deliver_one();
  //   <-- HDR, SK {IDr, AUTH, SA, TSi, TSr, N(MOBIKE_SUPPORTED), N(NO_ADDITIONAL_ADDRESSES)}
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage auth_response = open_at(net.a, net.wire.front());
  EXPECT_NE(auth_response.find_notify(NotifyType::MOBIKE_SUPPORTED), nullptr);
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  EXPECT_TRUE(sa_of(net.a).mobike);
  EXPECT_TRUE(sa_of(net.b).mobike);
  EXPECT_FALSE(net.log_a.installed.front().encap) << "no NAT: ESP stays ESP";
}

TEST(Mobike, TheInitiatorMovesToItsNewAddressAndKeepsItsSpis) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  const IkeSaStatus before = *net.only_sa(net.a);
  const uint32_t spi_in = net.log_a.installed.front().spi_in;
  const uint32_t spi_out = net.log_a.installed.front().spi_out;

  // io/: 192.0.2.1 is gone, 198.51.100.1 came up on another link.
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  // HDR, SK {N(UPDATE_SA_ADDRESSES), N(NATD_S), N(NATD_D), N(COOKIE2), N(NO_ADDITIONAL_ADDRESSES)} -->
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_TRUE(net.wire.front().from.same_ip(kAddrA2));
  EXPECT_EQ(net.wire.front().from.port, kNattPort) << "a MOBIKE move goes to the NAT-T port";
  EXPECT_EQ(net.wire.front().to.port, kNattPort);
  IkeMessage update = open_at(net.b, net.wire.front());
  EXPECT_EQ(update.exchange, wire::ExchangeType::INFORMATIONAL);
  EXPECT_NE(update.find_notify(NotifyType::UPDATE_SA_ADDRESSES), nullptr);
  EXPECT_NE(update.find_notify(NotifyType::NAT_DETECTION_SOURCE_IP), nullptr);
  EXPECT_NE(update.find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP), nullptr);
  ASSERT_NE(update.find_notify(NotifyType::COOKIE2), nullptr);
  const Bytes cookie2 = update.find_notify(NotifyType::COOKIE2)->data;
  net.deliver_one();
  //   <-- HDR, SK {N(NATD_S), N(NATD_D), N(COOKIE2)}   (to the new address)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_TRUE(net.wire.front().to.same_ip(kAddrA2));
  IkeMessage answer = open_at(net.a, net.wire.front());
  ASSERT_NE(answer.find_notify(NotifyType::COOKIE2), nullptr);
  EXPECT_EQ(answer.find_notify(NotifyType::COOKIE2)->data, cookie2) << "RFC 4555 §3.7: echoed";
  net.deliver_all();

  const IkeSaStatus* a = net.only_sa(net.a);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->state, IkeSaState::established);
  EXPECT_EQ(a->spi_i, before.spi_i);
  EXPECT_EQ(a->spi_r, before.spi_r);
  EXPECT_TRUE(a->local.same_ip(kAddrA2));
  EXPECT_TRUE(net.only_sa(net.b)->remote.same_ip(kAddrA2));
  EXPECT_EQ(net.only_sa(net.b)->remote.port, kNattPort);
  // Both data planes learn the new path of the same CHILD_SA; nothing new is installed.
  ASSERT_EQ(net.log_a.updated.size(), 1u);
  ASSERT_EQ(net.log_b.updated.size(), 1u);
  EXPECT_EQ(net.log_a.updated[0].spi_in, spi_in);
  EXPECT_EQ(net.log_a.updated[0].spi_out, spi_out);
  EXPECT_TRUE(net.log_a.updated[0].local.same_ip(kAddrA2));
  EXPECT_EQ(net.log_b.updated[0].spi_in, spi_out);
  EXPECT_TRUE(net.log_b.updated[0].remote.same_ip(kAddrA2));
  EXPECT_FALSE(net.log_b.updated[0].encap);
  EXPECT_EQ(net.log_a.installed.size(), 1u);
  EXPECT_TRUE(net.log_a.removed.empty());
  EXPECT_EQ(net.a.counters().mobike_updates_completed, 1u);
  EXPECT_EQ(net.b.counters().mobike_updates_followed, 1u);

  // The IKE SA works on the new path: a liveness check is answered.
  net.down(net.a, "a-b");
  EXPECT_TRUE(net.wire.front().from.same_ip(kAddrA2));
  net.deliver_all();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.b.status().empty());
}

TEST(Mobike, TheResponderMovesEveryChildSa) {
  TwoPeers net(with_second_child(config_a(), true), with_second_child(config_b(), false));
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.log_b.installed.size(), 2u) << net.dump_events();
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  net.deliver_all();
  ASSERT_EQ(net.log_b.updated.size(), 2u);
  for (const UpdateChildSa& moved : net.log_b.updated) {
    EXPECT_TRUE(moved.remote.same_ip(kAddrA2));
    EXPECT_TRUE(moved.local.same_ip(kAddrB));
    const bool known = std::any_of(net.log_b.installed.begin(), net.log_b.installed.end(),
                                   [&](const InstallChildSa& i) { return i.spi_in == moved.spi_in; });
    EXPECT_TRUE(known) << "same SPIs";
  }
  EXPECT_EQ(net.log_a.updated.size(), 2u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_moved, "peer moved the IKE SA and 2 CHILD_SA(s)"));
}

TEST(Mobike, AnAnswerThatDoesNotEchoCookie2DeletesTheIkeSa) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage update = open_at(net.b, net.wire.front());
  net.wire.clear();  // the request is lost; a forged-looking answer comes instead
  //   <-- HDR, SK {N(NATD_S), N(NATD_D), N(COOKIE2) with another value}
  IkeMessage forged;
  forged.exchange = wire::ExchangeType::INFORMATIONAL;
  forged.response = true;
  forged.message_id = update.message_id;
  forged.add_notify(NotifyType::COOKIE2, Bytes(16, 0x42));
  Bytes datagram = EndpointPeer::seal(net.b, id_of(net.b), forged);
  datagram.insert(datagram.begin(), {0, 0, 0, 0});  // non-ESP marker
  net.a.on_datagram(kAddrA2.with_port(kNattPort), kAddrB.with_port(kNattPort), datagram, net.now);
  net.collect();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "return routability check failed"))
      << net.dump_events();
  EXPECT_TRUE(net.log_a.updated.empty());
}

TEST(Mobike, WithMobikeOffNothingIsAnnouncedAndAnAddressChangeMovesNothing) {
  ConnectionConfig a = config_a();
  a.mobike = false;
  TwoPeers net(a, config_b());
  net.up();
  net.deliver_one();
  net.deliver_one();
  // HDR, SK {IDi, AUTH, SA, TSi, TSr} -->   (no N(MOBIKE_SUPPORTED), port 500)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().from.port, 500);
  EXPECT_EQ(open_at(net.b, net.wire.front()).find_notify(NotifyType::MOBIKE_SUPPORTED), nullptr);
  net.deliver_one();
  EXPECT_EQ(open_at(net.a, net.wire.front()).find_notify(NotifyType::MOBIKE_SUPPORTED), nullptr)
      << "B answers MOBIKE_SUPPORTED only to a MOBIKE initiator";
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_FALSE(sa_of(net.a).mobike);
  EXPECT_FALSE(sa_of(net.b).mobike);

  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty()) << "no UPDATE_SA_ADDRESSES";
  EXPECT_TRUE(net.log_a.updated.empty());
  EXPECT_TRUE(net.only_sa(net.a)->local.same_ip(kAddrA));
}

TEST(Mobike, ANatThatAppearsAfterTheMovePutsEspIntoUdp) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  ASSERT_FALSE(net.log_a.installed.front().encap);
  // The new link is behind a NAT: 198.51.100.1 leaves as 203.0.113.9.
  const Address outside = Address::ipv4({203, 0, 113, 9}, 0);
  net.nat = std::pair{kAddrA2, outside};
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  net.deliver_all();
  const IkeSaStatus* b = net.only_sa(net.b);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->remote.same_ip(outside));
  EXPECT_EQ(b->remote.port, kNattPort);
  EXPECT_TRUE(b->nat_detected);
  ASSERT_EQ(net.log_b.updated.size(), 1u);
  EXPECT_TRUE(net.log_b.updated[0].encap);
  EXPECT_TRUE(net.log_b.updated[0].remote.same_ip(outside));
  ASSERT_EQ(net.log_a.updated.size(), 1u);
  EXPECT_TRUE(net.log_a.updated[0].encap) << "A learns from B's NAT_DETECTION_DESTINATION_IP";
  EXPECT_TRUE(net.only_sa(net.a)->nat_detected);
  EXPECT_TRUE(sa_of(net.a).local_behind_nat);
}

TEST(Mobike, NoNatsAllowedThroughANatIsAnsweredUnexpectedNatDetected) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  net.nat = std::pair{kAddrA, Address::ipv4({203, 0, 113, 9}, 0)};
  // HDR, SK {N(UPDATE_SA_ADDRESSES), N(NATD_S), N(NATD_D), N(NO_NATS_ALLOWED), N(COOKIE2), ...} -->
  EndpointPeer::start_task(net.a, id_of(net.a),
                           std::make_unique<MobikeUpdate>(MobikeUpdate::Options{true, true}), net.now);
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  net.deliver_one();
  //   <-- HDR, SK {N(UNEXPECTED_NAT_DETECTED), N(COOKIE2)}
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage answer = open_at(net.a, net.wire.front());
  EXPECT_NE(answer.find_notify(NotifyType::UNEXPECTED_NAT_DETECTED), nullptr);
  EXPECT_NE(answer.find_notify(NotifyType::COOKIE2), nullptr);
  net.deliver_all();
  EXPECT_TRUE(net.log_b.updated.empty()) << "nothing moves";
  EXPECT_TRUE(net.only_sa(net.b)->remote.same_ip(kAddrA));
  EXPECT_EQ(net.b.counters().mobike_updates_refused, 1u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_moved, "UNEXPECTED_NAT_DETECTED"));
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
}

TEST(Mobike, NoNatsAllowedWithoutANatMoves) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  EndpointPeer::start_task(net.a, id_of(net.a),
                           std::make_unique<MobikeUpdate>(MobikeUpdate::Options{false, true}), net.now);
  net.collect();
  net.deliver_all();
  EXPECT_EQ(net.b.counters().mobike_updates_followed, 1u);
  EXPECT_EQ(net.a.counters().mobike_updates_completed, 1u);
}

TEST(Mobike, AdditionalAddressesAreAnnouncedAndKept) {
  TwoPeers net(config_a(), config_b());
  // A knows its addresses before it initiates: 192.0.2.1 (in use) and 198.51.100.7.
  net.a.on_local_addresses({kAddrA.with_port(0), kAddrA3.with_port(0)}, net.now);
  establish_one_child(net);
  const std::vector<Address>& kept = sa_of(net.b).rare().peer_additional_addresses;
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_TRUE(kept[0].same_ip(kAddrA3));
  EXPECT_TRUE(sa_of(net.a).rare().peer_additional_addresses.empty()) << "B sent NO_ADDITIONAL_ADDRESSES";
  // Its current address still there: nothing moves.
  net.a.on_local_addresses({kAddrA3.with_port(0), kAddrA.with_port(0)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
}

TEST(Mobike, AnInnerAddressIsNeverPickedAndWithNoUsableAddressTheSaWaits) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  // Only an address inside our own traffic selectors (10.1.0.0/24) and loopback are left.
  net.a.on_local_addresses({Address::ipv4({10, 1, 0, 1}, 0), Address::ipv4({127, 0, 0, 1}, 0)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_moved, "waiting for one"));
  // Then a usable one comes up.
  net.a.on_local_addresses({Address::ipv4({10, 1, 0, 1}, 0), kAddrA2.with_port(0)}, net.now);
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_TRUE(net.wire.front().from.same_ip(kAddrA2));
  net.deliver_all();
  EXPECT_EQ(net.log_b.updated.size(), 1u);
}

TEST(Mobike, WhenThePeersAddressDoesNotAnswerTheUpdateTriesItsAdditionalAddress) {
  const Address b2 = Address::ipv4({192, 0, 2, 20}, 0);
  TwoPeers net(config_a(), config_b());
  // B has a second address and announces it in IKE_AUTH: N(ADDITIONAL_IP4_ADDRESS(192.0.2.20)).
  net.b.on_local_addresses({kAddrB.with_port(0), b2}, net.now);
  establish_one_child(net);
  ASSERT_EQ(sa_of(net.a).rare().peer_additional_addresses.size(), 1u);

  // A moves; from its new link 192.0.2.2 cannot be reached, 192.0.2.20 can.
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  bool reached_b2 = false;
  for (int i = 0; i < 10 && !reached_b2; ++i) {
    while (!net.wire.empty()) {
      Datagram d = std::move(net.wire.front());
      net.wire.pop_front();
      if (d.to.same_ip(kAddrB)) continue;  // lost: the path to B's first address is broken
      if (d.to.same_ip(b2)) {
        // HDR, SK {N(UPDATE_SA_ADDRESSES), N(NATD_S), N(NATD_D), N(COOKIE2), ...} --> 192.0.2.20
        EXPECT_EQ(open_at(net.b, d).find_notify(NotifyType::UPDATE_SA_ADDRESSES) != nullptr, true);
        net.b.on_datagram(d.to, d.from, d.bytes, net.now);
        net.collect();
        reached_b2 = true;
        break;
      }
      FAIL() << "unexpected datagram to " << d.to.to_string();
    }
    if (!reached_b2) {
      ASSERT_TRUE(net.advance_to_next_deadline());
    }
  }
  ASSERT_TRUE(reached_b2) << net.dump_events();
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_moved, "trying the peer's address 192.0.2.20:4500"));
  //   <-- HDR, SK {N(NATD_S), N(NATD_D), N(COOKIE2)}   from 192.0.2.20
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  EXPECT_TRUE(net.only_sa(net.a)->remote.same_ip(b2));
  EXPECT_TRUE(net.only_sa(net.b)->local.same_ip(b2));
  EXPECT_FALSE(net.only_sa(net.b)->nat_detected) << "the request was built again for the new path";
  ASSERT_EQ(net.log_a.updated.size(), 1u);
  EXPECT_TRUE(net.log_a.updated[0].remote.same_ip(b2));
  EXPECT_FALSE(net.log_a.updated[0].encap);
  EXPECT_EQ(net.a.counters().mobike_updates_sent, 1u);
}

// RFC 4555 §3.8: the initiator behind a NAT asks, in its liveness checks, how
// the peer sees it; when its NAT mapped it anew it sends UPDATE_SA_ADDRESSES.
TEST(Mobike, BehindANatTheInitiatorNoticesANewMappingInItsLivenessCheckAndSendsAnUpdate) {
  const Address outside1 = Address::ipv4({203, 0, 113, 9}, 0);
  const Address outside2 = Address::ipv4({203, 0, 113, 10}, 0);
  ConnectionConfig b_config = config_b();
  b_config.remote = outside1.with_port(500);  // B knows A by the NAT's address
  TwoPeers net(config_a(), b_config);
  net.nat = std::pair{kAddrA, outside1};
  establish_one_child(net);
  const IkeSa& a = sa_of(net.a);
  ASSERT_TRUE(a.mobike);
  ASSERT_TRUE(a.local_behind_nat);
  const IkeSaId id = id_of(net.a);
  auto liveness_check = [&] {
    EndpointPeer::start_task(net.a, id, std::make_unique<IkeDpd>(), net.now);
    net.collect();
  };

  // HDR, SK {N(NATD_S), N(NATD_D)} -->
  liveness_check();
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage check = open_at(net.b, net.wire.front());
  EXPECT_NE(check.find_notify(NotifyType::NAT_DETECTION_SOURCE_IP), nullptr);
  EXPECT_NE(check.find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP), nullptr);
  EXPECT_EQ(check.find_notify(NotifyType::UPDATE_SA_ADDRESSES), nullptr);
  net.deliver_one();
  //   <-- HDR, SK {N(NATD_S), N(NATD_D)}   (NATD_D: where B sees A, 203.0.113.9:4500)
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage answer = open_at(net.a, net.wire.front());
  const auto* seen = answer.find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP);
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(seen->data, nat_detection_hash(a.spi_i, a.spi_r, outside1.with_port(kNattPort)));
  // Nothing known yet on the 4500 path: one UPDATE_SA_ADDRESSES makes sure B uses this mapping.
  net.deliver_all();
  EXPECT_EQ(net.a.counters().nat_mapping_updates_sent, 1u);
  EXPECT_EQ(net.b.counters().mobike_updates_followed, 1u);

  // The same mapping: the liveness check changes nothing.
  liveness_check();
  net.deliver_all();
  EXPECT_EQ(net.a.counters().nat_mapping_updates_sent, 1u);
  EXPECT_EQ(net.b.counters().mobike_updates_followed, 1u);

  // The NAT maps A anew (203.0.113.10).
  net.nat = std::pair{kAddrA, outside2};
  liveness_check();
  net.deliver_one();
  //   <-- HDR, SK {N(NATD_S), N(NATD_D)}   (NATD_D now the hash of 203.0.113.10:4500)
  net.deliver_one();
  EXPECT_TRUE(net.log_a.has_event(EventKind::nat_mapping_changed, "NAT_DETECTION_DESTINATION_IP changed"))
      << net.dump_events();
  // HDR, SK {N(UPDATE_SA_ADDRESSES), N(NATD_S), N(NATD_D), N(COOKIE2), N(NO_ADDITIONAL_ADDRESSES)} -->
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage update = open_at(net.b, net.wire.front());
  EXPECT_NE(update.find_notify(NotifyType::UPDATE_SA_ADDRESSES), nullptr);
  net.deliver_all();
  EXPECT_EQ(net.a.counters().nat_mapping_updates_sent, 2u);
  EXPECT_EQ(net.b.counters().mobike_updates_followed, 2u);
  const IkeSaStatus* b = net.only_sa(net.b);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->remote.same_ip(outside2));
  ASSERT_FALSE(net.log_b.updated.empty());
  EXPECT_TRUE(net.log_b.updated.back().remote.same_ip(outside2)) << "B's ESP goes to the new mapping";
  EXPECT_TRUE(net.log_b.updated.back().encap);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_EQ(sa_of(net.a).spi_i, a.spi_i);
}

TEST(Mobike, WithoutANatTheLivenessCheckStaysEmpty) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  EndpointPeer::start_task(net.a, id_of(net.a), std::make_unique<IkeDpd>(), net.now);
  net.collect();
  // HDR, SK {} -->
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage check = open_at(net.b, net.wire.front());
  EXPECT_EQ(check.find_notify(NotifyType::NAT_DETECTION_SOURCE_IP), nullptr);
  net.deliver_all();
  EXPECT_EQ(net.a.counters().nat_mapping_updates_sent, 0u);
}

// RFC 4555 §3.5: the liveness check gets no answer on the current path; before
// the peer is declared dead, the initiator tries its other address with
// UPDATE_SA_ADDRESSES (same Message ID, built again for the new pair).
TEST(Mobike, WhenTheLivenessCheckGetsNoAnswerTheInitiatorTriesItsOtherAddressBeforeGivingUp) {
  TwoPeers net(config_a(), config_b());
  // A has two links: 192.0.2.1 (in use) and 198.51.100.1.
  net.a.on_local_addresses({kAddrA.with_port(0), kAddrA2.with_port(0)}, net.now);
  establish_one_child(net);
  const IkeSaStatus before = *net.only_sa(net.a);
  const uint32_t spi_in = net.log_a.installed.front().spi_in;

  // The path from 192.0.2.1 breaks: what A sends from there is lost.
  // HDR, SK {} -->  (lost, and its retransmits)
  EndpointPeer::start_task(net.a, id_of(net.a), std::make_unique<IkeDpd>(), net.now);
  net.collect();
  bool update_seen = false;
  for (int i = 0; i < 30 && net.log_a.updated.empty(); ++i) {
    while (!net.wire.empty()) {
      Datagram d = std::move(net.wire.front());
      net.wire.pop_front();
      if (d.from.same_ip(kAddrA)) continue;
      if (d.from.same_ip(kAddrA2) && !update_seen) {
        // HDR, SK {N(UPDATE_SA_ADDRESSES), N(NATD_S), N(NATD_D), N(COOKIE2), ...} -->  (from
        // 198.51.100.1:4500)
        IkeMessage update = open_at(net.b, d);
        EXPECT_NE(update.find_notify(NotifyType::UPDATE_SA_ADDRESSES), nullptr);
        EXPECT_NE(update.find_notify(NotifyType::COOKIE2), nullptr);
        EXPECT_EQ(d.from.port, kNattPort);
        update_seen = true;
      }
      Endpoint& target = d.to.same_ip(kAddrB) ? net.b : net.a;
      target.on_datagram(d.to, d.from, d.bytes, net.now);
      net.collect();
    }
    if (net.log_a.updated.empty()) {
      ASSERT_TRUE(net.advance_to_next_deadline());
    }
  }
  //   <-- HDR, SK {N(NATD_S), N(NATD_D), N(COOKIE2)}
  ASSERT_TRUE(update_seen) << net.dump_events();
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_moved, "trying other address pairs"))
      << net.dump_events();
  const IkeSaStatus* a = net.only_sa(net.a);
  ASSERT_NE(a, nullptr) << net.dump_events();
  EXPECT_EQ(a->state, IkeSaState::established);
  EXPECT_EQ(a->spi_i, before.spi_i);
  EXPECT_EQ(a->spi_r, before.spi_r);
  EXPECT_TRUE(a->local.same_ip(kAddrA2));
  EXPECT_TRUE(net.only_sa(net.b)->remote.same_ip(kAddrA2));
  ASSERT_EQ(net.log_a.updated.size(), 1u);
  EXPECT_EQ(net.log_a.updated[0].spi_in, spi_in) << "the same CHILD_SA moves";
  ASSERT_EQ(net.log_b.updated.size(), 1u);
  EXPECT_TRUE(net.log_b.updated[0].remote.same_ip(kAddrA2));
  EXPECT_EQ(net.a.counters().mobike_updates_completed, 1u);
  EXPECT_EQ(net.a.counters().peers_not_responding, 0u);
}

// Without another pair to try, the liveness check ends as always: the peer is declared dead.
TEST(Mobike, WithNoOtherAddressPairAnUnansweredLivenessCheckDeclaresThePeerDead) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  EndpointPeer::start_task(net.a, id_of(net.a), std::make_unique<IkeDpd>(), net.now);
  net.collect();
  for (int i = 0; i < 30 && !net.a.status().empty(); ++i) {
    net.wire.clear();
    ASSERT_TRUE(net.advance_to_next_deadline());
  }
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_EQ(net.a.counters().peers_not_responding, 1u);
  EXPECT_FALSE(net.log_a.has_event(EventKind::ike_sa_moved));
}

// The route to the peer comes a moment after our new address: the first
// UPDATE_SA_ADDRESSES cannot get there. When our addresses or routes change
// again (io/ reports the same list after a route event), the request goes out
// once more at once rather than a retransmit interval later.
TEST(Mobike, ARouteChangeWhileTheUpdateIsInFlightSendsItAgainAtOnce) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  //   HDR(Message ID m), SK {N(UPDATE_SA_ADDRESSES), ...}  -->  (lost: no route yet)
  ASSERT_EQ(net.wire.size(), 1u);
  const IkeMessage first = open_at(net.b, net.wire.front());
  const Bytes first_bytes = net.wire.front().bytes;
  net.wire.clear();
  const uint64_t retransmits = net.a.counters().retransmits_sent;

  net.now += std::chrono::milliseconds(300);  // well before the first retransmission is due
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  //   HDR(Message ID m), SK {N(UPDATE_SA_ADDRESSES), ...}  -->  (the same request, now)
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().bytes, first_bytes) << "the request as it was sent";
  EXPECT_EQ(open_at(net.b, net.wire.front()).message_id, first.message_id);
  EXPECT_EQ(net.a.counters().retransmits_sent, retransmits + 1);
  EXPECT_TRUE(net.log_a.has_event(EventKind::retransmit, "UPDATE_SA_ADDRESSES sent again at once"))
      << net.dump_events();
  net.deliver_all();
  EXPECT_EQ(net.a.counters().mobike_updates_completed, 1u);
  ASSERT_EQ(net.log_b.updated.size(), 1u);
  EXPECT_TRUE(net.log_b.updated[0].remote.same_ip(kAddrA2));

  // Nothing in flight: the same list again sends nothing.
  net.a.on_local_addresses({kAddrA2.with_port(0)}, net.now);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
}

}  // namespace
}  // namespace tern::ike::testing

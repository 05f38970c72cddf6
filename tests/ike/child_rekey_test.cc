// Rekeying a CHILD_SA with CREATE_CHILD_SA (RFC 7296 §1.3.3, §2.8, §2.17),
// with and without PFS, started by either end, by command, by rekey_time or
// by a soft limit; make-before-break order of the effects; refusals
// (INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN, CHILD_SA_NOT_FOUND) keep the old
// child; a collision is answered as usual (the cases are in
// child_rekey_collision_test.cc); lost and duplicated messages.
// After each rekey: exactly one child per side, the two halves of one pair,
// and every installed SA removed again except that one (nothing leaks).
#include "ike/tasks/child_rekey.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "endpoint_peer.h"
#include "exchange_harness.h"
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

IkeMessage open_first(TwoPeers& net, Endpoint& receiver) {
  EXPECT_FALSE(net.wire.empty());
  if (net.wire.empty()) return {};
  Result<IkeMessage> msg = EndpointPeer::open(receiver, net.wire.front().bytes);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().to_string());
  return msg ? *msg : IkeMessage{};
}

IkeSaId sa_id(TwoPeers& net, const Endpoint& e) {
  return net.only_sa(e)->id;
}

// Delivers the first datagram and returns the receiver's effects in order
// ("install <spi_in>", "remove <spi_in>", "send"), routing them as collect() does.
std::vector<std::string> deliver_in_order(TwoPeers& net) {
  std::vector<std::string> order;
  if (net.wire.empty()) return order;
  Datagram d = std::move(net.wire.front());
  net.wire.pop_front();
  const bool to_b = d.to.same_ip(kAddrB);
  Endpoint& target = to_b ? net.b : net.a;
  PeerLog& log = to_b ? net.log_b : net.log_a;
  target.on_datagram(d.to, d.from, d.bytes, net.now);
  for (Effect& effect : target.take_effects()) {
    if (auto* send = std::get_if<Send>(&effect)) {
      order.push_back("send");
      net.wire.push_back(Datagram{send->local, send->remote, std::move(send->bytes)});
    } else if (auto* install = std::get_if<InstallChildSa>(&effect)) {
      order.push_back(fmt::format("install {:08x}", install->spi_in));
      log.installed.push_back(std::move(*install));
    } else if (auto* remove = std::get_if<RemoveChildSa>(&effect)) {
      order.push_back(fmt::format("remove {:08x}", remove->spi_in));
      log.removed.push_back(std::move(*remove));
    } else if (auto* event = std::get_if<Event>(&effect)) {
      log.events.push_back(std::move(*event));
    }
  }
  net.collect();
  return order;
}

// One child per side, the two halves of one pair, installed last; every
// other SA either side installed has been removed (nothing leaks).
void expect_one_pair(TwoPeers& net) {
  const IkeSaStatus* a = net.only_sa(net.a);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->children.size(), 1u) << net.dump_events();
  const ChildSa child_a = a->children[0];
  const IkeSaStatus* b = net.only_sa(net.b);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->children.size(), 1u) << net.dump_events();
  const ChildSa child_b = b->children[0];
  EXPECT_EQ(child_a.spi_in, child_b.spi_out);
  EXPECT_EQ(child_a.spi_out, child_b.spi_in);
  EXPECT_EQ(child_a.name, "net");
  EXPECT_EQ(child_b.name, "net");
  for (PeerLog* log : {&net.log_a, &net.log_b}) {
    const uint32_t live = log == &net.log_a ? child_a.spi_in : child_b.spi_in;
    EXPECT_EQ(log->installed.size(), log->removed.size() + 1) << net.dump_events();
    for (const InstallChildSa& i : log->installed) {
      const size_t removed =
          static_cast<size_t>(std::count_if(log->removed.begin(), log->removed.end(),
                                            [&](const RemoveChildSa& r) { return r.spi_in == i.spi_in; }));
      EXPECT_EQ(removed, i.spi_in == live ? 0u : 1u) << fmt::format("SPI {:08x}", i.spi_in);
    }
  }
  // The keys of the live pair match.
  auto installed = [](const PeerLog& log, uint32_t spi) {
    return *std::find_if(log.installed.begin(), log.installed.end(),
                         [&](const InstallChildSa& i) { return i.spi_in == spi; });
  };
  const InstallChildSa& ia = installed(net.log_a, child_a.spi_in);
  const InstallChildSa& ib = installed(net.log_b, child_b.spi_in);
  EXPECT_TRUE(ia.encr_out == ib.encr_in);
  EXPECT_TRUE(ia.encr_in == ib.encr_out);
  EXPECT_EQ(ia.suite, ib.suite);
}

void rekey(TwoPeers& net, Endpoint& e, const char* connection) {
  ASSERT_TRUE(e.command(Rekey{connection, "net"}, net.now).has_value()) << net.dump_events();
  net.collect();
}

// --- the exchange ------------------------------------------------------------

TEST(ChildRekey, WithoutPfsTheNewChildReplacesTheOldMakeBeforeBreak) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  const InstallChildSa old_a = net.log_a.installed[0];
  const InstallChildSa old_b = net.log_b.installed[0];
  rekey(net, net.a, "a-b");

  // HDR, SK {N(REKEY_SA), SA, Ni, TSi, TSr}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage request = open_first(net, net.b);
  EXPECT_EQ(request.exchange, ExchangeType::CREATE_CHILD_SA);
  EXPECT_FALSE(request.response);
  const wire::NotifyPayload* rekey_sa = request.find_notify(NotifyType::REKEY_SA);
  ASSERT_NE(rekey_sa, nullptr);
  EXPECT_EQ(rekey_sa->protocol, wire::ProtocolId::ESP);
  EXPECT_EQ(rekey_sa->spi, spi_bytes(old_a.spi_in));  // the old child, by A's inbound SPI
  const auto* sa = request.find<wire::SaPayload>(PayloadType::SA);
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].protocol, wire::ProtocolId::ESP);
  EXPECT_NE(sa->proposals[0].spi, spi_bytes(old_a.spi_in));  // a fresh SPI
  EXPECT_NE(request.find<wire::NoncePayload>(PayloadType::Nonce), nullptr);
  EXPECT_EQ(request.find<wire::KePayload>(PayloadType::KE), nullptr);  // no PFS
  ASSERT_NE(request.find<wire::TsPayload>(PayloadType::TSi), nullptr);
  EXPECT_EQ(request.find<wire::TsPayload>(PayloadType::TSi)->selectors, old_a.local_ts);
  EXPECT_EQ(request.find<wire::TsPayload>(PayloadType::TSr)->selectors, old_a.remote_ts);

  // B installs the new pair BEFORE its answer goes out (make-before-break).
  std::vector<std::string> b_order = deliver_in_order(net);
  ASSERT_EQ(net.log_b.installed.size(), 2u);
  const InstallChildSa new_b = net.log_b.installed[1];
  EXPECT_EQ(b_order, (std::vector<std::string>{fmt::format("install {:08x}", new_b.spi_in), "send"}));
  EXPECT_TRUE(net.log_b.removed.empty());  // the old pair still works

  // <--  HDR, SK {SA, Nr, TSi, TSr}
  IkeMessage response = open_first(net, net.a);
  EXPECT_TRUE(response.response);
  EXPECT_NE(response.find<wire::SaPayload>(PayloadType::SA), nullptr);
  EXPECT_NE(response.find<wire::NoncePayload>(PayloadType::Nonce), nullptr);
  EXPECT_EQ(response.find<wire::KePayload>(PayloadType::KE), nullptr);

  // A installs the new pair, then asks to delete the old: HDR, SK {D(ESP, old SPI_in of A)}  -->
  std::vector<std::string> a_order = deliver_in_order(net);
  ASSERT_EQ(net.log_a.installed.size(), 2u);
  const InstallChildSa new_a = net.log_a.installed[1];
  EXPECT_EQ(a_order, (std::vector<std::string>{fmt::format("install {:08x}", new_a.spi_in), "send"}));
  EXPECT_EQ(new_a.spi_in, new_b.spi_out);
  EXPECT_EQ(new_a.spi_out, new_b.spi_in);
  EXPECT_FALSE(new_a.encr_out == old_a.encr_out);  // new keys
  EXPECT_EQ(new_a.child, "net");
  IkeMessage del = open_first(net, net.b);
  EXPECT_EQ(del.exchange, ExchangeType::INFORMATIONAL);

  // B removes the old pair and answers <--  HDR, SK {D(ESP, old SPI_in of B)}; A removes its old one.
  EXPECT_EQ(deliver_in_order(net),
            (std::vector<std::string>{fmt::format("remove {:08x}", old_b.spi_in), "send"}));
  EXPECT_EQ(deliver_in_order(net), (std::vector<std::string>{fmt::format("remove {:08x}", old_a.spi_in)}));
  EXPECT_TRUE(net.wire.empty());
  EXPECT_TRUE(net.log_a.removed[0].reason.starts_with("rekeyed: replaced by SPIs"))
      << net.log_a.removed[0].reason;
  // ESP the peer sent on the old pair before it switched may still arrive:
  // both ends let the data plane take it a while longer.
  EXPECT_TRUE(net.log_a.removed[0].inbound_grace);
  EXPECT_TRUE(net.log_b.removed[0].inbound_grace);
  expect_one_pair(net);
  EXPECT_EQ(net.only_sa(net.a)->children[0].spi_in, new_a.spi_in);
  EXPECT_EQ(net.a.counters().child_rekeys_started, 1u);
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 1u);
  EXPECT_EQ(net.b.counters().child_rekeys_answered, 1u);
  EXPECT_EQ(net.a.counters().child_rekeys_failed, 0u);
}

class ChildRekeyPfs : public ::testing::TestWithParam<KeGroup> {};

TEST_P(ChildRekeyPfs, KeyExchangeInBothMessagesAndMatchingKeys) {
  const KeGroup group = GetParam();
  TwoPeers net(with_esp(config_a(), {esp_with(group)}), with_esp(config_b(), {esp_with(group)}));
  establish_one_child(net);
  // IKE_AUTH has no KE: the first child is made without the group.
  EXPECT_EQ(net.log_a.installed[0].suite.ke, KeGroup::NONE);
  rekey(net, net.a, "a-b");
  // HDR, SK {N(REKEY_SA), SA, Ni, KEi, TSi, TSr}  -->
  IkeMessage request = open_first(net, net.b);
  const auto* kei = request.find<wire::KePayload>(PayloadType::KE);
  ASSERT_NE(kei, nullptr);
  EXPECT_EQ(kei->group, group);
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {SA, Nr, KEr, TSi, TSr}
  IkeMessage response = open_first(net, net.a);
  const auto* ker = response.find<wire::KePayload>(PayloadType::KE);
  ASSERT_NE(ker, nullptr);
  EXPECT_EQ(ker->group, group);
  net.deliver_all();
  expect_one_pair(net);
  EXPECT_EQ(net.only_sa(net.a)->children[0].suite.ke, group);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_installed, "(PFS)"));
}

INSTANTIATE_TEST_SUITE_P(Groups, ChildRekeyPfs, ::testing::Values(KeGroup::CURVE25519, KeGroup::MODP_2048),
                         [](const auto& param_info) { return wire::to_string(param_info.param); });

TEST(ChildRekey, TheOriginalResponderCanRekeyToo) {
  TwoPeers net(with_esp(config_a(), {esp_with(KeGroup::CURVE25519)}),
               with_esp(config_b(), {esp_with(KeGroup::CURVE25519)}));
  establish_one_child(net);
  const uint32_t old_b = net.log_b.installed[0].spi_in;
  rekey(net, net.b, "b-a");
  // <--  HDR, SK {N(REKEY_SA, old SPI_in of B), SA, Ni, KEi, TSi, TSr}
  IkeMessage request = open_first(net, net.a);
  ASSERT_NE(request.find_notify(NotifyType::REKEY_SA), nullptr);
  EXPECT_EQ(request.find_notify(NotifyType::REKEY_SA)->spi, spi_bytes(old_b));
  std::vector<std::string> a_order = deliver_in_order(net);
  ASSERT_EQ(net.log_a.installed.size(), 2u);
  EXPECT_EQ(a_order.front(), fmt::format("install {:08x}", net.log_a.installed[1].spi_in));
  EXPECT_EQ(a_order.back(), "send");
  net.deliver_all();
  expect_one_pair(net);
  EXPECT_EQ(net.b.counters().child_rekeys_completed, 1u);
  EXPECT_EQ(net.a.counters().child_rekeys_answered, 1u);
  // Twice more, alternating: the names stay, nothing piles up.
  rekey(net, net.a, "a-b");
  net.deliver_all();
  rekey(net, net.b, "b-a");
  net.deliver_all();
  expect_one_pair(net);
  EXPECT_EQ(net.log_a.installed.size(), 4u);
}

// --- PFS groups that differ --------------------------------------------------

TEST(ChildRekey, InvalidKePayloadIsRetriedOnceWithThePeersGroup) {
  // A prefers x25519 but allows modp2048; B allows only modp2048.
  TwoPeers net(with_esp(config_a(), {esp_with(KeGroup::CURVE25519), esp_with(KeGroup::MODP_2048)}),
               with_esp(config_b(), {esp_with(KeGroup::MODP_2048)}));
  establish_one_child(net);
  rekey(net, net.a, "a-b");
  // HDR, SK {N(REKEY_SA), SA, Ni, KEi(x25519), TSi, TSr}  -->
  EXPECT_EQ(open_first(net, net.b).find<wire::KePayload>(PayloadType::KE)->group, KeGroup::CURVE25519);
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {N(INVALID_KE_PAYLOAD, modp2048)}
  IkeMessage refusal = open_first(net, net.a);
  const wire::NotifyPayload* invalid_ke = refusal.find_notify(NotifyType::INVALID_KE_PAYLOAD);
  ASSERT_NE(invalid_ke, nullptr);
  EXPECT_EQ(invalid_ke->data, (Bytes{0, 14}));
  EXPECT_EQ(net.log_b.installed.size(), 1u);  // nothing installed for a refusal
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.log_a.has_event(EventKind::invalid_ke_retry, "asked for the PFS group modp2048"));
  // HDR, SK {N(REKEY_SA), SA, Ni, KEi(modp2048), TSi, TSr}  -->   (a new exchange)
  EXPECT_EQ(open_first(net, net.b).find<wire::KePayload>(PayloadType::KE)->group, KeGroup::MODP_2048);
  net.deliver_all();
  expect_one_pair(net);
  EXPECT_EQ(net.only_sa(net.a)->children[0].suite.ke, KeGroup::MODP_2048);
  EXPECT_EQ(net.a.counters().child_rekeys_completed, 1u);
}

TEST(ChildRekey, APeerThatRefusesOurGroupLeavesTheOldChildAndSaysWhy) {
  TwoPeers net(with_esp(config_a(), {esp_with(KeGroup::ECP_256)}), config_b());
  establish_one_child(net);
  const InstallChildSa old_a = net.log_a.installed[0];
  rekey(net, net.a, "a-b");
  // HDR, SK {N(REKEY_SA), SA, Ni, KEi(ecp256), TSi, TSr}  -->  lost; the peer (a strongSwan with
  // esp_proposals = aes128gcm16-modp2048, say) answers
  // <--  HDR, SK {N(INVALID_KE_PAYLOAD, modp2048)}, a group A does not allow.
  IkeMessage request = open_first(net, net.b);
  net.drop_one();
  IkeMessage answer;
  answer.exchange = ExchangeType::CREATE_CHILD_SA;
  answer.response = true;
  answer.message_id = request.message_id;
  answer.add_notify(NotifyType::INVALID_KE_PAYLOAD, Bytes{0, 14});
  net.wire.push_back(Datagram{kAddrB, kAddrA, EndpointPeer::seal(net.b, sa_id(net, net.b), answer)});
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(
      net.log_a.event_text(EventKind::child_sa_rekey_failed),
      fmt::format("rekeying CHILD_SA net (SPI in 0x{:08x}) failed: peer 192.0.2.2 refused the PFS group "
                  "ecp256 for child net; it accepts: modp2048; the old CHILD_SA stays in use",
                  old_a.spi_in));
  EXPECT_TRUE(net.wire.empty());  // no retry, no delete
  EXPECT_EQ(net.a.counters().child_rekeys_failed, 1u);
  ASSERT_EQ(net.only_sa(net.a)->children.size(), 1u);
  EXPECT_EQ(net.only_sa(net.a)->children[0].spi_in, old_a.spi_in);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  // The old child can be rekeyed again later.
  EXPECT_TRUE(net.only_sa(net.a)->children[0].can_rekey());
}

TEST(ChildRekey, NoProposalChosenKeepsTheOldChildOnBothEnds) {
  // A wants PFS; B does not do it: B cannot accept A's proposal.
  TwoPeers net(with_esp(config_a(), {esp_with(KeGroup::CURVE25519)}), config_b());
  establish_one_child(net);
  rekey(net, net.a, "a-b");
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {N(NO_PROPOSAL_CHOSEN)}
  EXPECT_NE(open_first(net, net.a).find_notify(NotifyType::NO_PROPOSAL_CHOSEN), nullptr);
  net.deliver_all();
  EXPECT_TRUE(
      net.log_a.has_event(EventKind::child_sa_rekey_failed, "peer 192.0.2.2 answered NO_PROPOSAL_CHOSEN"))
      << net.dump_events();
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "KE: peer offered CURVE25519; we accept NONE"))
      << net.dump_events();
  EXPECT_EQ(net.a.counters().child_rekeys_failed, 1u);
  EXPECT_EQ(net.b.counters().child_rekeys_refused, 1u);
  expect_one_pair(net);  // the old pair, untouched
  EXPECT_EQ(net.log_a.installed.size(), 1u);
}

// --- triggers ----------------------------------------------------------------

TEST(ChildRekey, RekeyTimeFiresWithinTheRandTimeJitter) {
  std::vector<Timestamp> deadlines;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    ConnectionConfig a = config_a();
    a.children[0].limits.rekey_time = seconds(60);
    a.children[0].limits.rand_time = seconds(10);
    TwoPeers net(a, config_b(), seed);
    establish_one_child(net);
    const Timestamp installed_at = net.now;
    std::optional<Timestamp> due = net.a.next_deadline();
    ASSERT_TRUE(due.has_value());
    EXPECT_GE(*due, installed_at + seconds(50));
    EXPECT_LE(*due, installed_at + seconds(60));
    deadlines.push_back(*due);
    EXPECT_EQ(net.b.next_deadline(), std::nullopt);  // B has no rekey_time
    // Nothing before it.
    net.a.on_timer(*due - Duration{1});
    net.collect();
    EXPECT_TRUE(net.wire.empty());
    ASSERT_TRUE(net.advance_to_next_deadline());
    EXPECT_EQ(net.now, *due);
    ASSERT_EQ(net.wire.size(), 1u);
    EXPECT_EQ(open_first(net, net.b).exchange, ExchangeType::CREATE_CHILD_SA);
    EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_rekey_started, "its rekey_time has come"));
    net.deliver_all();
    expect_one_pair(net);
    // The new child has its own rekey deadline, from its installation.
    std::optional<Timestamp> next = net.a.next_deadline();
    ASSERT_TRUE(next.has_value());
    EXPECT_GE(*next, net.now + seconds(50));
    EXPECT_LE(*next, net.now + seconds(60));
  }
  // The jitter is drawn, not constant.
  std::sort(deadlines.begin(), deadlines.end());
  EXPECT_NE(deadlines.front(), deadlines.back());
}

TEST(ChildRekey, CommandErrorsNameWhatIsMissing) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  Result<void> ike = net.a.command(Rekey{"nope", ""}, net.now);
  ASSERT_FALSE(ike.has_value());
  EXPECT_NE(ike.error().detail.find("no connection named 'nope'"), std::string::npos);
  EXPECT_FALSE(net.a.command(Rekey{"a-b", "other"}, net.now).has_value());
  EXPECT_FALSE(net.a.command(Rekey{"nope", "net"}, net.now).has_value());
  // A second rekey while the first is under way is refused, not queued twice.
  rekey(net, net.a, "a-b");
  Result<void> again = net.a.command(Rekey{"a-b", "net"}, net.now);
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().detail.find("no established CHILD_SA a-b/net to rekey"), std::string::npos);
  net.deliver_all();
  expect_one_pair(net);
}

// --- refusals by the responder -----------------------------------------------

TEST(ChildRekey, ARekeyOfAnUnknownChildIsAnsweredChildSaNotFound) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  // HDR, SK {N(REKEY_SA, ESP, 0xdeadbeef), SA, Ni, TSi, TSr}  -->   (Message ID 2: after IKE_SA_INIT,
  // IKE_AUTH)
  IkeMessage request;
  request.exchange = ExchangeType::CREATE_CHILD_SA;
  request.message_id = 2;
  request.add(PayloadType::Notify,
              wire::NotifyPayload{wire::ProtocolId::ESP, spi_bytes(0xdeadbeef), NotifyType::REKEY_SA, {}});
  request.add(PayloadType::SA, wire::SaPayload{esp_proposals(std::vector{kEspAes128Gcm}, 0x12345678)});
  request.add(PayloadType::Nonce, wire::NoncePayload{Bytes(32, 7)});
  request.add(PayloadType::TSi, wire::TsPayload{{subnet24(10, 1, 0)}});
  request.add(PayloadType::TSr, wire::TsPayload{{subnet24(10, 2, 0)}});
  net.wire.push_back(Datagram{kAddrA, kAddrB, EndpointPeer::seal(net.a, sa_id(net, net.a), request)});
  ASSERT_TRUE(net.deliver_one());
  // <--  HDR, SK {N(CHILD_SA_NOT_FOUND, ESP, 0xdeadbeef)}   (RFC 7296 §3.10.1, type 44)
  IkeMessage answer = open_first(net, net.a);
  EXPECT_TRUE(answer.response);
  const wire::NotifyPayload* n = answer.find_notify(NotifyType::CHILD_SA_NOT_FOUND);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(static_cast<uint16_t>(n->type), 44);
  EXPECT_EQ(n->spi, spi_bytes(0xdeadbeef));
  EXPECT_EQ(answer.find<wire::SaPayload>(PayloadType::SA), nullptr);
  net.drop_one();
  EXPECT_EQ(net.log_b.installed.size(), 1u);
  EXPECT_EQ(net.b.counters().child_rekeys_refused, 1u);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
}

TEST(ChildRekey, CollidingRekeysAreBothAnsweredAndTheLowestNonceDecides) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  // Both ends start a rekey of the same child at once (§2.8.1).
  rekey(net, net.a, "a-b");
  rekey(net, net.b, "b-a");
  ASSERT_EQ(net.wire.size(), 2u);
  // HDR, SK {N(REKEY_SA), ...}  -->  reaches B, which is rekeying it itself: §2.25.1 says
  // answer as usual, so B installs a new pair and answers <--  HDR, SK {SA, Nr, TSi, TSr};
  // and the same the other way.
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 2u);
  IkeMessage answer = open_first(net, net.a);  // B's answer to A
  EXPECT_EQ(answer.find_notify(NotifyType::TEMPORARY_FAILURE), nullptr);
  EXPECT_NE(answer.find<wire::SaPayload>(PayloadType::SA), nullptr);
  EXPECT_EQ(net.log_a.installed.size(), 2u);
  EXPECT_EQ(net.log_b.installed.size(), 2u);
  net.deliver_all();
  // Both exchanges complete at both ends: each decided on the four nonces, the
  // same way; the redundant pair and the old one are deleted.
  EXPECT_EQ(net.a.counters().child_rekey_collisions, 1u);
  EXPECT_EQ(net.b.counters().child_rekey_collisions, 1u);
  EXPECT_EQ(net.a.counters().child_rekey_collisions_lost + net.b.counters().child_rekey_collisions_lost, 1u);
  expect_one_pair(net);
  EXPECT_EQ(net.log_a.installed.size(), 3u);
  EXPECT_EQ(net.a.counters().child_rekeys_completed + net.b.counters().child_rekeys_completed, 2u);
  // Nothing is left pending: no retry, no timer.
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);
  EXPECT_EQ(net.b.next_deadline(), std::nullopt);
}

// --- an unreliable network ---------------------------------------------------

TEST(ChildRekey, LostAndDuplicatedMessagesStillLeaveOnePair) {
  TwoPeers net(with_esp(config_a(), {esp_with(KeGroup::CURVE25519)}),
               with_esp(config_b(), {esp_with(KeGroup::CURVE25519)}));
  establish_one_child(net);
  rekey(net, net.a, "a-b");
  // The rekey request is lost; A retransmits it.
  net.drop_one();
  ASSERT_TRUE(net.advance_to_next_deadline());
  ASSERT_EQ(net.wire.size(), 1u);
  // ... and it arrives twice: B answers the copy from its cache, installs once.
  net.duplicate_first();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.log_b.installed.size(), 2u);
  EXPECT_EQ(net.b.counters().cached_responses_sent, 1u);
  // Both answers reach A: the second is for a request no longer outstanding.
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.log_a.installed.size(), 2u);
  // The Delete of the old pair is lost once too.
  ASSERT_EQ(net.wire.size(), 1u);
  net.drop_one();
  ASSERT_TRUE(net.advance_to_next_deadline());
  net.deliver_all();
  expect_one_pair(net);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
}

TEST(ChildRekey, ALostResponseIsRetransmittedFromTheCacheNotInstalledTwice) {
  TwoPeers net(config_a(), config_b());
  establish_one_child(net);
  rekey(net, net.a, "a-b");
  ASSERT_TRUE(net.deliver_one());
  net.drop_one();                               // B's answer is lost
  ASSERT_TRUE(net.advance_to_next_deadline());  // A retransmits
  net.deliver_all();
  EXPECT_EQ(net.log_b.installed.size(), 2u);
  expect_one_pair(net);
}

}  // namespace
}  // namespace tern::ike::testing

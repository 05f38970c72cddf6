// Additional CHILD_SAs (RFC 7296 §1.3.1): a connection with two children,
// "net" (10.1.0.0/24 - 10.2.0.0/24, made in IKE_AUTH) and "second"
// (10.11.0.0/24 - 10.12.0.0/24, made with its own CREATE_CHILD_SA), with and
// without PFS; the responder's choice of child by selectors and narrowing;
// refusals (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN) that install nothing;
// INVALID_KE_PAYLOAD retried with the peer's group; `up CONN/CHILD` and
// `down CONN/CHILD`; a rekey of the second child with its own config; an IKE
// SA rekey and a reauthentication keep or recreate both; a lossy network
// leaks no SA.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/tasks/child_create_additional.h"
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

ChildConfig second_child(wire::TrafficSelector local, wire::TrafficSelector remote,
                         std::vector<EspSuite> esp = {kEspAes128Gcm}) {
  ChildConfig c;
  c.name = "second";
  c.esp_proposals = std::move(esp);
  c.local_ts = {std::move(local)};
  c.remote_ts = {std::move(remote)};
  return c;
}

// A: net + second (10.11.0.0/24 -> 10.12.0.0/24); B: the mirror image.
ConnectionConfig two_children_a(std::vector<EspSuite> esp = {kEspAes128Gcm}) {
  ConnectionConfig c = config_a();
  c.children.push_back(second_child(subnet24(10, 11, 0), subnet24(10, 12, 0), std::move(esp)));
  return c;
}
ConnectionConfig two_children_b(std::vector<EspSuite> esp = {kEspAes128Gcm}) {
  ConnectionConfig c = config_b();
  c.children.push_back(second_child(subnet24(10, 12, 0), subnet24(10, 11, 0), std::move(esp)));
  return c;
}

IkeMessage open_first(TwoPeers& net, Endpoint& receiver) {
  EXPECT_FALSE(net.wire.empty());
  if (net.wire.empty()) return {};
  Result<IkeMessage> msg = EndpointPeer::open(receiver, net.wire.front().bytes);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().to_string());
  return msg ? *msg : IkeMessage{};
}

std::vector<IkeSaStatus> live(const Endpoint& e) {
  std::vector<IkeSaStatus> out;
  for (IkeSaStatus& s : e.status())
    if (s.state != IkeSaState::dead) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> child_names(const IkeSaStatus& sa) {
  std::vector<std::string> names;
  for (const ChildSa& c : sa.children) names.push_back(c.name);
  std::sort(names.begin(), names.end());
  return names;
}

const ChildSa* child_named(const IkeSaStatus& sa, std::string_view name) {
  for (const ChildSa& c : sa.children)
    if (c.name == name) return &c;
  return nullptr;
}

// One established IKE SA per side with the same SPIs, each with exactly the
// children `names`, pairwise matching by SPI; every SA either side installed
// is either one of those or was removed exactly once (nothing leaks).
void expect_children(TwoPeers& net, std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::vector<IkeSaStatus> a = live(net.a), b = live(net.b);
  ASSERT_EQ(a.size(), 1u) << net.dump_events();
  ASSERT_EQ(b.size(), 1u) << net.dump_events();
  EXPECT_EQ(a[0].state, IkeSaState::established);
  EXPECT_EQ(b[0].state, IkeSaState::established);
  EXPECT_EQ(a[0].spi_i, b[0].spi_i);
  EXPECT_EQ(a[0].spi_r, b[0].spi_r);
  EXPECT_EQ(child_names(a[0]), names) << net.dump_events();
  EXPECT_EQ(child_names(b[0]), names) << net.dump_events();
  for (const ChildSa& ca : a[0].children) {
    const ChildSa* cb = child_named(b[0], ca.name);
    ASSERT_NE(cb, nullptr);
    EXPECT_EQ(ca.spi_in, cb->spi_out) << ca.name;
    EXPECT_EQ(ca.spi_out, cb->spi_in) << ca.name;
    EXPECT_EQ(ca.local_ts, cb->remote_ts) << ca.name;
    EXPECT_EQ(ca.suite, cb->suite) << ca.name;
  }
  for (auto [log, sa] : {std::pair{&net.log_a, &a[0]}, std::pair{&net.log_b, &b[0]}}) {
    for (const InstallChildSa& i : log->installed) {
      const bool is_live = std::any_of(sa->children.begin(), sa->children.end(),
                                       [&](const ChildSa& c) { return c.spi_in == i.spi_in; });
      const auto removed = std::count_if(log->removed.begin(), log->removed.end(),
                                         [&](const RemoveChildSa& r) { return r.spi_in == i.spi_in; });
      EXPECT_EQ(removed, is_live ? 0 : 1) << fmt::format("SPI {:08x}\n{}", i.spi_in, net.dump_events());
    }
  }
}

// The two halves of the live CHILD_SA `name` have matching keys.
void expect_keys_match(TwoPeers& net, std::string_view name) {
  const std::vector<IkeSaStatus> sas = live(net.a);  // ca points into it
  ASSERT_FALSE(sas.empty());
  const ChildSa* ca = child_named(sas[0], name);
  ASSERT_NE(ca, nullptr);
  auto installed = [](const PeerLog& log, uint32_t spi) {
    return *std::find_if(log.installed.begin(), log.installed.end(),
                         [&](const InstallChildSa& i) { return i.spi_in == spi; });
  };
  const InstallChildSa ia = installed(net.log_a, ca->spi_in);
  const InstallChildSa ib = installed(net.log_b, ca->spi_out);
  EXPECT_EQ(ia.child, name);
  EXPECT_EQ(ib.child, name);
  EXPECT_TRUE(ia.encr_out == ib.encr_in);
  EXPECT_TRUE(ia.encr_in == ib.encr_out);
  EXPECT_FALSE(ia.encr_in == ia.encr_out);
}

// IKE_SA_INIT and IKE_AUTH (with "net"): four messages.
void deliver_setup(TwoPeers& net) {
  net.up();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(live(net.a).at(0).state, IkeSaState::established) << net.dump_events();
}

// --- the initiator makes the second child after IKE_AUTH ---------------------

TEST(AdditionalChild, AfterIkeAuthTheInitiatorCreatesTheSecondChildWithoutPfs) {
  TwoPeers net(two_children_a(), two_children_b());
  deliver_setup(net);
  ASSERT_EQ(net.log_a.installed.size(), 1u);  // "net", from IKE_AUTH
  EXPECT_EQ(net.log_a.installed[0].child, "net");

  // HDR, SK {SA, Ni, TSi, TSr}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage request = open_first(net, net.b);
  EXPECT_EQ(request.exchange, ExchangeType::CREATE_CHILD_SA);
  EXPECT_EQ(request.find_notify(NotifyType::REKEY_SA), nullptr);
  ASSERT_NE(request.find<wire::SaPayload>(PayloadType::SA), nullptr);
  EXPECT_EQ(request.find<wire::SaPayload>(PayloadType::SA)->proposals.at(0).protocol, wire::ProtocolId::ESP);
  EXPECT_NE(request.find<wire::NoncePayload>(PayloadType::Nonce), nullptr);
  EXPECT_EQ(request.find<wire::KePayload>(PayloadType::KE), nullptr);  // no PFS group configured
  EXPECT_EQ(request.find<wire::TsPayload>(PayloadType::TSi)->selectors, std::vector{subnet24(10, 11, 0)});
  EXPECT_EQ(request.find<wire::TsPayload>(PayloadType::TSr)->selectors, std::vector{subnet24(10, 12, 0)});
  ASSERT_TRUE(net.deliver_one());

  //                  <--  HDR, SK {SA, Nr, TSi, TSr}
  ASSERT_EQ(net.wire.size(), 1u);
  IkeMessage answer = open_first(net, net.a);
  EXPECT_TRUE(answer.response);
  ASSERT_NE(answer.find<wire::SaPayload>(PayloadType::SA), nullptr);
  EXPECT_NE(answer.find<wire::NoncePayload>(PayloadType::Nonce), nullptr);
  EXPECT_EQ(answer.find<wire::KePayload>(PayloadType::KE), nullptr);
  // B installed its half before answering, and sends on it only once A uses it.
  ASSERT_EQ(net.log_b.installed.size(), 2u);
  EXPECT_EQ(net.log_b.installed[1].child, "second");
  EXPECT_TRUE(net.log_b.installed[1].defer_outbound);
  ASSERT_TRUE(net.deliver_one());

  EXPECT_TRUE(net.wire.empty());
  ASSERT_EQ(net.log_a.installed.size(), 2u);
  EXPECT_FALSE(net.log_a.installed[1].defer_outbound);
  expect_children(net, {"net", "second"});
  expect_keys_match(net, "net");
  expect_keys_match(net, "second");
  EXPECT_EQ(net.a.counters().child_sas_additional_created, 1u);
  EXPECT_EQ(net.b.counters().child_sas_additional_answered, 1u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_installed, "CHILD_SA second installed"));
}

TEST(AdditionalChild, WithAPfsGroupTheRequestCarriesKeiAndTheAnswerKer) {
  TwoPeers net(two_children_a({esp_with(KeGroup::CURVE25519)}),
               two_children_b({esp_with(KeGroup::CURVE25519)}));
  deliver_setup(net);
  // HDR, SK {SA, Ni, KEi, TSi, TSr}  -->
  IkeMessage request = open_first(net, net.b);
  const auto* kei = request.find<wire::KePayload>(PayloadType::KE);
  ASSERT_NE(kei, nullptr);
  EXPECT_EQ(kei->group, KeGroup::CURVE25519);
  ASSERT_TRUE(net.deliver_one());
  //                  <--  HDR, SK {SA, Nr, KEr, TSi, TSr}
  IkeMessage answer = open_first(net, net.a);
  const auto* ker = answer.find<wire::KePayload>(PayloadType::KE);
  ASSERT_NE(ker, nullptr);
  EXPECT_EQ(ker->group, KeGroup::CURVE25519);
  net.deliver_all();
  expect_children(net, {"net", "second"});
  expect_keys_match(net, "second");
  EXPECT_EQ(child_named(live(net.a)[0], "second")->suite.ke, KeGroup::CURVE25519);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_installed, "(PFS)"));
  // The IKE_AUTH child has no KE exchange: "net" is installed without PFS.
  EXPECT_EQ(child_named(live(net.a)[0], "net")->suite.ke, KeGroup::NONE);
}

// --- the responder ------------------------------------------------------------

TEST(AdditionalChild, TheResponderPicksTheChildByItsSelectorsAndNarrows) {
  // A asks for 10.11.0.0/16 - 10.12.0.0/16; B's "second" allows 10.12.3.0/24 - 10.11.0.0/24.
  ConnectionConfig a = config_a();
  a.children.push_back(second_child(wire::TrafficSelector::ipv4_range({10, 11, 0, 0}, {10, 11, 255, 255}),
                                    wire::TrafficSelector::ipv4_range({10, 12, 0, 0}, {10, 12, 255, 255})));
  ConnectionConfig b = config_b();
  ChildConfig other = second_child(subnet24(10, 40, 0), subnet24(10, 41, 0));
  other.name = "unrelated";  // matches nothing A asks for: passed over
  b.children.push_back(other);
  b.children.push_back(second_child(subnet24(10, 12, 3), subnet24(10, 11, 0)));
  TwoPeers net(a, b);
  deliver_setup(net);
  ASSERT_TRUE(net.deliver_one());
  //                  <--  HDR, SK {SA, Nr, TSi = 10.11.0.0/24, TSr = 10.12.3.0/24}
  IkeMessage answer = open_first(net, net.a);
  EXPECT_EQ(answer.find<wire::TsPayload>(PayloadType::TSi)->selectors, std::vector{subnet24(10, 11, 0)});
  EXPECT_EQ(answer.find<wire::TsPayload>(PayloadType::TSr)->selectors, std::vector{subnet24(10, 12, 3)});
  net.deliver_all();
  expect_children(net, {"net", "second"});
  const IkeSaStatus sa_a = live(net.a).at(0);
  const ChildSa* second = child_named(sa_a, "second");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->local_ts, std::vector{subnet24(10, 11, 0)});
  EXPECT_EQ(second->remote_ts, std::vector{subnet24(10, 12, 3)});
}

TEST(AdditionalChild, SelectorsNoChildOfTheResponderCoversAreRefusedTsUnacceptable) {
  TwoPeers net(two_children_a(), config_b());  // B knows only "net"
  deliver_setup(net);
  ASSERT_TRUE(net.deliver_one());
  //                  <--  HDR, SK {N(TS_UNACCEPTABLE)}
  IkeMessage answer = open_first(net, net.a);
  ASSERT_EQ(answer.payloads.size(), 1u);
  EXPECT_NE(answer.find_notify(NotifyType::TS_UNACCEPTABLE), nullptr);
  net.deliver_all();
  expect_children(net, {"net"});
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed,
                                  "CHILD_SA second: peer 192.0.2.2 refused it: TS_UNACCEPTABLE (we asked TSi "
                                  "10.11.0.0-10.11.0.255 proto 0 ports 0-65535 TSr 10.12.0.0-10.12.0.255"))
      << net.dump_events();
  EXPECT_EQ(net.a.counters().child_sas_additional_failed, 1u);
  EXPECT_EQ(net.b.counters().create_child_sa_refused, 1u);
  EXPECT_EQ(net.log_b.installed.size(), 1u);  // nothing half-installed
}

TEST(AdditionalChild, NoCommonProposalIsRefusedNoProposalChosenAndSaysWhatWeOffered) {
  const EspSuite cbc{wire::EncrId::AES_CBC, 256, wire::IntegId::HMAC_SHA2_256_128, wire::EsnId::NO_ESN};
  TwoPeers net(two_children_a(), two_children_b({cbc}));
  deliver_setup(net);
  ASSERT_TRUE(net.deliver_one());
  //                  <--  HDR, SK {N(NO_PROPOSAL_CHOSEN)}
  IkeMessage answer = open_first(net, net.a);
  EXPECT_NE(answer.find_notify(NotifyType::NO_PROPOSAL_CHOSEN), nullptr);
  net.deliver_all();
  expect_children(net, {"net"});
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed,
                                  "refused it: NO_PROPOSAL_CHOSEN (we offered AES_GCM_16_128/NO_ESN)"))
      << net.dump_events();
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "CHILD_SA second: the peer's CREATE_CHILD_SA"));
  EXPECT_EQ(net.log_a.installed.size(), 1u);
  EXPECT_EQ(net.log_b.installed.size(), 1u);
}

TEST(AdditionalChild, InvalidKePayloadIsRetriedOnceWithThePeersGroup) {
  // A prefers x25519 but also allows ecp256; B allows only ecp256.
  TwoPeers net(two_children_a({esp_with(KeGroup::CURVE25519), esp_with(KeGroup::ECP_256)}),
               two_children_b({esp_with(KeGroup::ECP_256)}));
  deliver_setup(net);
  // HDR, SK {SA, Ni, KEi(x25519), TSi, TSr}  -->
  EXPECT_EQ(open_first(net, net.b).find<wire::KePayload>(PayloadType::KE)->group, KeGroup::CURVE25519);
  ASSERT_TRUE(net.deliver_one());
  //                  <--  HDR, SK {N(INVALID_KE_PAYLOAD, ecp256)}
  IkeMessage refusal = open_first(net, net.a);
  const wire::NotifyPayload* invalid_ke = refusal.find_notify(NotifyType::INVALID_KE_PAYLOAD);
  ASSERT_NE(invalid_ke, nullptr);
  EXPECT_EQ(invalid_ke->data, (Bytes{0, 19}));
  ASSERT_TRUE(net.deliver_one());
  // HDR, SK {SA, Ni, KEi(ecp256), TSi, TSr}  -->   (a new exchange)
  IkeMessage retry = open_first(net, net.b);
  EXPECT_EQ(retry.exchange, ExchangeType::CREATE_CHILD_SA);
  EXPECT_EQ(retry.find<wire::KePayload>(PayloadType::KE)->group, KeGroup::ECP_256);
  net.deliver_all();
  expect_children(net, {"net", "second"});
  expect_keys_match(net, "second");
  EXPECT_EQ(child_named(live(net.a)[0], "second")->suite.ke, KeGroup::ECP_256);
  EXPECT_TRUE(net.log_a.has_event(EventKind::invalid_ke_retry, "for child second"));
}

TEST(AdditionalChild, PfsGroupsWithNothingInCommonAreRefusedNoProposalChosen) {
  // A allows only x25519 for "second", B only ecp256: no proposal of A's is acceptable to B.
  TwoPeers net(two_children_a({esp_with(KeGroup::CURVE25519)}), two_children_b({esp_with(KeGroup::ECP_256)}));
  net.up();
  net.deliver_all();
  expect_children(net, {"net"});
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed,
                                  "CHILD_SA second: peer 192.0.2.2 refused it: "
                                  "NO_PROPOSAL_CHOSEN"))
      << net.dump_events();
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "PFS")) << net.dump_events();
  EXPECT_EQ(net.log_a.installed.size(), 1u);
  EXPECT_EQ(net.log_b.installed.size(), 1u);
}

// --- commands -----------------------------------------------------------------

TEST(AdditionalChild, DownOfTheSecondChildKeepsTheFirstAndUpBringsItBack) {
  TwoPeers net(two_children_a(), two_children_b());
  net.up();
  net.deliver_all();
  expect_children(net, {"net", "second"});
  const uint32_t net_spi = child_named(live(net.a)[0], "net")->spi_in;

  // HDR, SK {D(ESP, second)}  -->  <--  HDR, SK {D(ESP, second')}
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "second"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  expect_children(net, {"net"});
  EXPECT_EQ(child_named(live(net.a)[0], "net")->spi_in, net_spi);

  // ternctl up a-b/second: HDR, SK {SA, Ni, TSi, TSr} on the IKE SA that is up.
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "second"}, net.now).has_value());
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(open_first(net, net.b).exchange, ExchangeType::CREATE_CHILD_SA);
  net.deliver_all();
  expect_children(net, {"net", "second"});
  EXPECT_EQ(live(net.a).size(), 1u);

  // Once more: it is up already.
  Result<void> again = net.a.command(UpChild{"a-b", "second"}, net.now);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().detail, "CHILD_SA a-b/second is already up on every established IKE SA of a-b");
  Result<void> unknown = net.a.command(UpChild{"a-b", "voip"}, net.now);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().detail, "connection 'a-b' has no child named 'voip' (it has: net, second)");
  EXPECT_FALSE(net.a.command(UpChild{"x-y", "net"}, net.now).has_value());
  EXPECT_FALSE(net.a.command(DownChild{"a-b", "voip"}, net.now).has_value());
  net.collect();
  EXPECT_TRUE(net.wire.empty());
}

// `ternctl up a-b/second` twice before the first answer: one CREATE_CHILD_SA, one pair.
TEST(AdditionalChild, TwoUpsOfTheSameChildInQuickSuccessionMakeOnePair) {
  TwoPeers net(two_children_a(), two_children_b());
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "second"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  expect_children(net, {"net"});

  ASSERT_TRUE(net.a.command(UpChild{"a-b", "second"}, net.now).has_value());
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "second"}, net.now).has_value());  // under way: nothing more
  net.collect();
  ASSERT_EQ(net.wire.size(), 1u);
  net.deliver_all();
  expect_children(net, {"net", "second"});
  EXPECT_EQ(live(net.a)[0].children.size(), 2u);
  EXPECT_EQ(live(net.b)[0].children.size(), 2u);
}

TEST(AdditionalChild, UpOfOneChildWithoutAnIkeSaMakesAnIkeSaWithOnlyThatChild) {
  TwoPeers net(two_children_a(), two_children_b());
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "second"}, net.now).has_value());
  net.collect();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  // HDR, SK {IDi, AUTH, SAi2, TSi = 10.11.0.0/24, TSr = 10.12.0.0/24}  -->
  IkeMessage auth = open_first(net, net.b);
  EXPECT_EQ(auth.exchange, ExchangeType::IKE_AUTH);
  EXPECT_EQ(auth.find<wire::TsPayload>(PayloadType::TSi)->selectors, std::vector{subnet24(10, 11, 0)});
  net.deliver_all();
  // B chose its own "second" by the selectors, in IKE_AUTH.
  expect_children(net, {"second"});
  EXPECT_EQ(net.a.counters().child_sas_additional_created, 0u);
  // The other child can follow on that IKE SA.
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  expect_children(net, {"net", "second"});
}

TEST(AdditionalChild, UpOfAnotherChildWhileTheIkeSaIsBeingSetUpJoinsIt) {
  TwoPeers net(two_children_a(), two_children_b());
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "second"}, net.now).has_value());
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "net"}, net.now).has_value());  // IKE_SA_INIT still in flight
  net.collect();
  net.deliver_all();
  // One IKE SA: "second" in IKE_AUTH, "net" with CREATE_CHILD_SA right after.
  expect_children(net, {"net", "second"});
  EXPECT_EQ(net.a.counters().child_sas_additional_created, 1u);
  EXPECT_EQ(net.log_a.installed.at(0).child, "second");
}

// --- renewal ------------------------------------------------------------------

TEST(AdditionalChild, RekeyOfTheSecondChildUsesItsOwnProposalsAndPfsGroup) {
  // "net" has no PFS; "second" has x25519.
  TwoPeers net(two_children_a({esp_with(KeGroup::CURVE25519)}),
               two_children_b({esp_with(KeGroup::CURVE25519)}));
  net.up();
  net.deliver_all();
  expect_children(net, {"net", "second"});
  const ChildSa old_second = *child_named(live(net.a)[0], "second");
  const ChildSa old_net = *child_named(live(net.a)[0], "net");
  ASSERT_TRUE(net.a.command(Rekey{"a-b", "second"}, net.now).has_value());
  net.collect();
  // HDR, SK {N(REKEY_SA, second), SA, Ni, KEi(x25519), TSi, TSr}  -->
  IkeMessage request = open_first(net, net.b);
  ASSERT_NE(request.find_notify(NotifyType::REKEY_SA), nullptr);
  ASSERT_NE(request.find<wire::KePayload>(PayloadType::KE), nullptr);
  EXPECT_EQ(request.find<wire::KePayload>(PayloadType::KE)->group, KeGroup::CURVE25519);
  EXPECT_EQ(request.find<wire::TsPayload>(PayloadType::TSi)->selectors, std::vector{subnet24(10, 11, 0)});
  net.deliver_all();
  expect_children(net, {"net", "second"});
  const ChildSa new_second = *child_named(live(net.a)[0], "second");
  EXPECT_NE(new_second.spi_in, old_second.spi_in);
  EXPECT_EQ(new_second.suite.ke, KeGroup::CURVE25519);
  EXPECT_EQ(child_named(live(net.a)[0], "net")->spi_in, old_net.spi_in);  // untouched
  expect_keys_match(net, "second");
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_installed, "CHILD_SA second installed"));
}

TEST(AdditionalChild, TheSecondChildsRekeyTimeIsItsOwn) {
  ConnectionConfig a = two_children_a();
  a.children[1].limits.rekey_time = seconds(100);  // "net" has none
  TwoPeers net(a, two_children_b());
  net.up();
  net.deliver_all();
  const uint32_t net_spi = child_named(live(net.a)[0], "net")->spi_in;
  const uint32_t second_spi = child_named(live(net.a)[0], "second")->spi_in;
  ASSERT_TRUE(net.advance_to_next_deadline());
  net.deliver_all();
  expect_children(net, {"net", "second"});
  EXPECT_EQ(child_named(live(net.a)[0], "net")->spi_in, net_spi);
  EXPECT_NE(child_named(live(net.a)[0], "second")->spi_in, second_spi);
}

TEST(AdditionalChild, AnIkeSaRekeyKeepsBothChildren) {
  TwoPeers net(two_children_a(), two_children_b());
  net.up();
  net.deliver_all();
  const IkeSaStatus before = live(net.a)[0];
  // HDR, SK {SA, Ni, KEi}  -->  <--  HDR, SK {SA, Nr, KEr}, then D(IKE) of the old one
  ASSERT_TRUE(net.a.command(Rekey{"a-b", ""}, net.now).has_value());
  net.collect();
  net.deliver_all();
  expect_children(net, {"net", "second"});
  const IkeSaStatus after = live(net.a)[0];
  EXPECT_NE(after.spi_i, before.spi_i);
  EXPECT_EQ(child_named(after, "second")->spi_in, child_named(before, "second")->spi_in);
  EXPECT_EQ(child_named(after, "net")->spi_in, child_named(before, "net")->spi_in);
  EXPECT_TRUE(net.log_a.removed.empty());
  // The moved second child can be rekeyed over the new IKE SA.
  ASSERT_TRUE(net.a.command(Rekey{"a-b", "second"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  expect_children(net, {"net", "second"});
  expect_keys_match(net, "second");
}

TEST(AdditionalChild, ReauthenticationRecreatesBothChildrenBeforeTheOldOnesGo) {
  TwoPeers net(two_children_a(), two_children_b());
  net.up();
  net.deliver_all();
  const IkeSaStatus before = live(net.a)[0];
  ASSERT_TRUE(net.a.command(Reauth{"a-b"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  net.let_the_reauthenticated_sa_go();
  expect_children(net, {"net", "second"});
  const IkeSaStatus after = live(net.a)[0];
  EXPECT_NE(after.spi_i, before.spi_i);
  for (const char* name : {"net", "second"}) {
    EXPECT_NE(child_named(after, name)->spi_in, child_named(before, name)->spi_in) << name;
    expect_keys_match(net, name);
  }
  // Make-before-break: both new pairs were installed before the old ones were removed.
  ASSERT_EQ(net.log_a.installed.size(), 4u);
  ASSERT_EQ(net.log_a.removed.size(), 2u);
  EXPECT_EQ(net.a.counters().ike_reauths_completed, 1u);
}

TEST(AdditionalChild, ReauthenticationRecreatesOnlyTheChildrenThatWereUp) {
  TwoPeers net(two_children_a(), two_children_b());
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  expect_children(net, {"second"});
  ASSERT_TRUE(net.a.command(Reauth{"a-b"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  net.let_the_reauthenticated_sa_go();
  expect_children(net, {"second"});  // "second" in IKE_AUTH this time
  EXPECT_EQ(net.a.counters().ike_reauths_completed, 1u);
}

// --- a lossy network ----------------------------------------------------------

// Many seeds of 20 % loss while the IKE SA and both children are set up, a
// child is taken down and brought back up: once the network is clean, both
// ends hold the same children, pairwise, and every SA that is not live was
// removed exactly once (no leaked, no half-installed SA).
TEST(AdditionalChild, RandomLossLeavesNoHalfInstalledOrLeakedSa) {
  int complete = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE(seed);
    ConnectionConfig a = two_children_a({esp_with(KeGroup::CURVE25519)});
    ConnectionConfig b = two_children_b({esp_with(KeGroup::CURVE25519)});
    a.retransmit = b.retransmit = {seconds(1), 1.5, 6};
    // Dead peer detection on both ends: an end whose peer gave up finds out.
    a.dpd_delay = b.dpd_delay = seconds(30);
    TwoPeers net(a, b, seed);
    crypto::SeededRandom chaos(seed * 7919);
    net.up();
    bool downed = false, upped = false;
    const Timestamp lossy_until = net.now + std::chrono::minutes(2);
    while (net.now < lossy_until) {
      if (!downed && net.now > timestamp_from_us(20'000'000)) {
        downed = true;
        (void)net.a.command(DownChild{"a-b", "second"}, net.now);
        net.collect();
      } else if (downed && !upped && net.now > timestamp_from_us(40'000'000)) {
        upped = true;
        (void)net.a.command(UpChild{"a-b", "second"}, net.now);
        net.collect();
      }
      if (net.wire.empty()) {
        if (!net.advance_to_next_deadline()) break;
      } else if (chaos.bytes(1)[0] < 51) {
        net.drop_one();
      } else {
        net.deliver_one();
      }
    }
    for (int i = 0; i < 50; ++i) {
      net.deliver_all();
      if (!net.advance_to_next_deadline()) break;
    }
    net.deliver_all();
    std::vector<IkeSaStatus> sa_a = live(net.a), sa_b = live(net.b);
    ASSERT_EQ(sa_a.size(), sa_b.size()) << net.dump_events();
    if (sa_a.empty()) {
      // Both gave up: every SA either side installed was removed again.
      EXPECT_EQ(net.log_a.installed.size(), net.log_a.removed.size());
      EXPECT_EQ(net.log_b.installed.size(), net.log_b.removed.size());
      continue;
    }
    std::vector<std::string> names = child_names(sa_a[0]);
    expect_children(net, names);
    if (names == std::vector<std::string>{"net", "second"}) ++complete;
  }
  EXPECT_GT(complete, 30);
}

}  // namespace
}  // namespace tern::ike::testing

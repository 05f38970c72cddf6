// Traffic selector narrowing in the IKE_AUTH exchange (RFC 7296 §2.9):
//
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
//                     <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//
// The responder answers with the intersection of what the initiator asked for
// and what its own configuration allows (several selectors, IPv4 and IPv6
// ranges, IP protocol and ports), or with N(TS_UNACCEPTABLE) when nothing is
// left; the IKE SA survives without a CHILD_SA. The initiator installs an
// answer that is a subset of what it asked for and refuses one that is not.
// Every test looks at the selectors on the wire and at the InstallChildSa
// effects of both ends.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

using wire::TrafficSelector;
using Selectors = std::vector<TrafficSelector>;

constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;

// The range of an IPv4 prefix, e.g. v4({10, 0, 0, 0}, 8) = 10.0.0.0-10.255.255.255.
TrafficSelector v4(std::array<uint8_t, 4> base, int prefix, uint8_t protocol = 0, uint16_t start_port = 0,
                   uint16_t end_port = 65535) {
  std::array<uint8_t, 4> end = base;
  for (int bit = prefix; bit < 32; ++bit) end[static_cast<size_t>(bit / 8)] |= uint8_t(0x80u >> (bit % 8));
  return TrafficSelector::ipv4_range(base, end, protocol, start_port, end_port);
}

// The range of an IPv6 prefix; `leading` gives its first octets, the rest are zero.
TrafficSelector v6(std::initializer_list<uint8_t> leading, int prefix, uint8_t protocol = 0,
                   uint16_t start_port = 0, uint16_t end_port = 65535) {
  std::array<uint8_t, 16> start{};
  std::copy(leading.begin(), leading.end(), start.begin());
  std::array<uint8_t, 16> end = start;
  for (int bit = prefix; bit < 128; ++bit) end[static_cast<size_t>(bit / 8)] |= uint8_t(0x80u >> (bit % 8));
  return TrafficSelector::ipv6_range(start, end, protocol, start_port, end_port);
}

// 2001:db8::/32 (RFC 3849, documentation) and two /48s inside it.
TrafficSelector doc6() {
  return v6({0x20, 0x01, 0x0d, 0xb8}, 32);
}
TrafficSelector doc6_48(uint8_t n) {
  return v6({0x20, 0x01, 0x0d, 0xb8, 0x00, n}, 48);
}

// The SK contents of the IKE_AUTH request and response, as each receiver saw them.
struct AuthExchange {
  IkeMessage request;
  IkeMessage response;
};

// Brings "a-b" up one message at a time:
//   HDR, SAi1, KEi, Ni  -->
//                 <--  HDR, SAr1, KEr, Nr
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
//                 <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}   (or N(TS_UNACCEPTABLE))
// and opens both IKE_AUTH messages with the receiver's keys.
void run_ike_auth(TwoPeers& net, AuthExchange& out) {
  net.up();
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT request
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT response
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> request = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(request.has_value()) << request.error().to_string();
  ASSERT_EQ(request->exchange, wire::ExchangeType::IKE_AUTH);
  out.request = std::move(*request);
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> response = EndpointPeer::open(net.a, net.wire.front().bytes);
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  ASSERT_TRUE(response->response);
  out.response = std::move(*response);
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.a), nullptr) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_NE(net.only_sa(net.b), nullptr) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established) << net.dump_events();
}

Selectors ts_of(const IkeMessage& msg, wire::PayloadType type) {
  const auto* ts = msg.find<wire::TsPayload>(type);
  return ts ? ts->selectors : Selectors{};
}

// Both ends installed the pair; A (initiator) with TSi as local and TSr as
// remote, B the other way round, and the answer on the wire said the same.
void expect_installed(const TwoPeers& net, const AuthExchange& x, const Selectors& tsi,
                      const Selectors& tsr) {
  EXPECT_EQ(ts_of(x.response, wire::PayloadType::TSi), tsi);
  EXPECT_EQ(ts_of(x.response, wire::PayloadType::TSr), tsr);
  ASSERT_NO_FATAL_FAILURE(expect_matching_children(net.log_a, net.log_b));
  const InstallChildSa& a = net.log_a.installed.front();
  const InstallChildSa& b = net.log_b.installed.front();
  EXPECT_EQ(a.local_ts, tsi);
  EXPECT_EQ(a.remote_ts, tsr);
  EXPECT_EQ(b.local_ts, tsr);
  EXPECT_EQ(b.remote_ts, tsi);
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_installed));
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_installed));
  EXPECT_FALSE(net.log_a.has_event(EventKind::child_sa_failed)) << net.dump_events();
  EXPECT_FALSE(net.log_b.has_event(EventKind::child_sa_failed)) << net.dump_events();
}

// The IKE SA is up on both ends without a CHILD_SA; B answered TS_UNACCEPTABLE.
void expect_ts_unacceptable(TwoPeers& net, const AuthExchange& x) {
  EXPECT_NE(x.response.find_notify(wire::NotifyType::TS_UNACCEPTABLE), nullptr);
  EXPECT_NE(x.response.find<wire::IdPayload>(wire::PayloadType::IDr), nullptr);
  EXPECT_NE(wire::find_payload(x.response.payloads, wire::PayloadType::AUTH), nullptr);
  EXPECT_EQ(wire::find_payload(x.response.payloads, wire::PayloadType::SA), nullptr);
  EXPECT_EQ(wire::find_payload(x.response.payloads, wire::PayloadType::TSi), nullptr);
  EXPECT_EQ(wire::find_payload(x.response.payloads, wire::PayloadType::TSr), nullptr);
  EXPECT_TRUE(net.log_b.has_event(EventKind::child_sa_failed, "TS_UNACCEPTABLE")) << net.dump_events();
  EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed, "TS_UNACCEPTABLE")) << net.dump_events();
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_established));
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_established));
  EXPECT_TRUE(net.log_a.installed.empty());
  EXPECT_TRUE(net.log_b.installed.empty());
  EXPECT_TRUE(net.only_sa(net.a)->children.empty());
  EXPECT_TRUE(net.only_sa(net.b)->children.empty());
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(TsNarrowingExchange, IdenticalConfigurationsAreNotNarrowed) {
  TwoPeers net(config_a(), config_b());
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {IDi, AUTH, SAi2, TSi(10.1.0.0/24), TSr(10.2.0.0/24)}  -->
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSi), Selectors{subnet24(10, 1, 0)});
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSr), Selectors{subnet24(10, 2, 0)});
  //              <--  HDR, SK {IDr, AUTH, SAr2, TSi(10.1.0.0/24), TSr(10.2.0.0/24)}
  expect_installed(net, x, {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)});
  EXPECT_EQ(net.only_sa(net.a)->children.at(0).local_ts, Selectors{subnet24(10, 1, 0)});
  EXPECT_EQ(net.only_sa(net.b)->children.at(0).local_ts, Selectors{subnet24(10, 2, 0)});
}

TEST(TsNarrowingExchange, AResponderAllowingMoreNeverWidensTheRequest) {
  ConnectionConfig b = config_b();
  b.children[0].local_ts = {v4({0, 0, 0, 0}, 0)};
  b.children[0].remote_ts = {v4({10, 0, 0, 0}, 8)};
  TwoPeers net(config_a(), b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(10.1.0.0/24), TSr(10.2.0.0/24)}  -->
  //              <--  HDR, SK {..., TSi(10.1.0.0/24), TSr(10.2.0.0/24)}
  expect_installed(net, x, {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)});
}

TEST(TsNarrowingExchange, AWideRequestIsNarrowedToTheResponderSubnets) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {v4({10, 0, 0, 0}, 8)};
  a.children[0].remote_ts = {v4({0, 0, 0, 0}, 0)};
  b.children[0].remote_ts = {subnet24(10, 1, 0)};
  b.children[0].local_ts = {subnet24(10, 2, 0)};
  TwoPeers net(a, b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(10.0.0.0/8), TSr(0.0.0.0/0)}  -->
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSi), Selectors{v4({10, 0, 0, 0}, 8)});
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSr), Selectors{v4({0, 0, 0, 0}, 0)});
  //              <--  HDR, SK {..., TSi(10.1.0.0/24), TSr(10.2.0.0/24)}
  expect_installed(net, x, {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)});
  EXPECT_EQ(net.only_sa(net.a)->children.at(0).remote_ts, Selectors{subnet24(10, 2, 0)});
  EXPECT_EQ(net.only_sa(net.b)->children.at(0).remote_ts, Selectors{subnet24(10, 1, 0)});
}

TEST(TsNarrowingExchange, SeveralSelectorsKeepOnlyTheNonEmptyIntersections) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {v4({10, 1, 0, 0}, 16), v4({172, 16, 0, 0}, 16)};
  a.children[0].remote_ts = {v4({10, 2, 0, 0}, 16), v4({192, 168, 0, 0}, 16)};
  // B: two /24s inside A's 10.1/16, a range straddling the end of
  // 172.16/16, and 172.18/16 that A does not want at all.
  b.children[0].remote_ts = {subnet24(10, 1, 3), subnet24(10, 1, 4),
                             TrafficSelector::ipv4_range({172, 16, 255, 0}, {172, 17, 0, 255}),
                             v4({172, 18, 0, 0}, 16)};
  b.children[0].local_ts = {v4({10, 3, 0, 0}, 16), subnet24(192, 168, 1), subnet24(10, 2, 9)};
  TwoPeers net(a, b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(10.1/16, 172.16/16), TSr(10.2/16, 192.168/16)}  -->
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSi), a.children[0].local_ts);
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSr), a.children[0].remote_ts);
  //   <--  HDR, SK {..., TSi(10.1.3/24, 10.1.4/24, 172.16.255/24), TSr(10.2.9/24, 192.168.1/24)}
  // in the order A asked for them; 172.18/16 and 10.3/16 meet nothing.
  expect_installed(net, x, {subnet24(10, 1, 3), subnet24(10, 1, 4), subnet24(172, 16, 255)},
                   {subnet24(10, 2, 9), subnet24(192, 168, 1)});
}

TEST(TsNarrowingExchange, AnyProtocolAndPortIsNarrowedToTcp443) {
  ConnectionConfig a = config_a(), b = config_b();  // A: any protocol, ports 0-65535
  b.children[0].local_ts = {v4({10, 2, 0, 0}, 24, kTcp, 443, 443)};
  b.children[0].remote_ts = {v4({10, 1, 0, 0}, 24, kTcp)};
  TwoPeers net(a, b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(10.1.0.0/24 any), TSr(10.2.0.0/24 any)}  -->
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSr).at(0).ip_protocol, 0);
  //   <--  HDR, SK {..., TSi(10.1.0.0/24 TCP 0-65535), TSr(10.2.0.0/24 TCP 443)}
  expect_installed(net, x, {v4({10, 1, 0, 0}, 24, kTcp)}, {v4({10, 2, 0, 0}, 24, kTcp, 443, 443)});
  const InstallChildSa& child_a = net.log_a.installed.front();
  EXPECT_EQ(child_a.remote_ts.at(0).ip_protocol, kTcp);
  EXPECT_EQ(child_a.remote_ts.at(0).start_port, 443);
  EXPECT_EQ(child_a.remote_ts.at(0).end_port, 443);
}

TEST(TsNarrowingExchange, PortRangesAreCutToTheirCommonPart) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {v4({10, 1, 0, 0}, 24, kUdp)};
  a.children[0].remote_ts = {v4({10, 2, 0, 0}, 24, kUdp, 1000, 2000)};
  b.children[0].local_ts = {v4({10, 2, 0, 0}, 16, 0, 1500, 3000)};  // any protocol, ports 1500-3000
  b.children[0].remote_ts = {v4({10, 1, 0, 0}, 24, kUdp, 0, 1023)};
  TwoPeers net(a, b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(10.1.0.0/24 UDP), TSr(10.2.0.0/24 UDP 1000-2000)}  -->
  //   <--  HDR, SK {..., TSi(10.1.0.0/24 UDP 0-1023), TSr(10.2.0.0/24 UDP 1500-2000)}
  expect_installed(net, x, {v4({10, 1, 0, 0}, 24, kUdp, 0, 1023)}, {v4({10, 2, 0, 0}, 24, kUdp, 1500, 2000)});
}

TEST(TsNarrowingExchange, Ipv6RangesAreNarrowed) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {doc6()};       // 2001:db8::/32
  a.children[0].remote_ts = {v6({}, 0)};   // ::/0
  b.children[0].remote_ts = {doc6_48(1)};  // 2001:db8:1::/48
  b.children[0].local_ts = {doc6_48(2)};   // 2001:db8:2::/48
  TwoPeers net(a, b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(2001:db8::/32), TSr(::/0)}  -->
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSi), Selectors{doc6()});
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSr).at(0).type, wire::TsType::TS_IPV6_ADDR_RANGE);
  //   <--  HDR, SK {..., TSi(2001:db8:1::/48), TSr(2001:db8:2::/48)}
  expect_installed(net, x, {doc6_48(1)}, {doc6_48(2)});
  EXPECT_EQ(net.log_a.installed.front().local_ts.at(0).to_string(),
            "2001:db8:1::-2001:db8:1:ffff:ffff:ffff:ffff:ffff proto 0 ports 0-65535");
}

TEST(TsNarrowingExchange, MixedIpv4AndIpv6ListsAreNarrowedFamilyByFamily) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {v4({10, 1, 0, 0}, 16), doc6_48(1)};
  a.children[0].remote_ts = {v4({10, 2, 0, 0}, 16), doc6_48(2)};
  // 2001:db8:1:5::/64 inside A's 2001:db8:1::/48.
  TrafficSelector net_1_5 = v6({0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x05}, 64);
  b.children[0].remote_ts = {net_1_5, subnet24(10, 1, 0)};
  b.children[0].local_ts = {doc6(), subnet24(10, 2, 0)};
  TwoPeers net(a, b);
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  // HDR, SK {..., TSi(10.1/16, 2001:db8:1::/48), TSr(10.2/16, 2001:db8:2::/48)}  -->
  //   <--  HDR, SK {..., TSi(10.1.0/24, 2001:db8:1:5::/64), TSr(10.2.0/24, 2001:db8:2::/48)}
  expect_installed(net, x, {subnet24(10, 1, 0), net_1_5}, {subnet24(10, 2, 0), doc6_48(2)});
}

TEST(TsNarrowingExchange, AnIpv4OnlyResponderDropsTheIpv6Selectors) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {doc6_48(1), subnet24(10, 1, 0)};
  a.children[0].remote_ts = {doc6_48(2), subnet24(10, 2, 0)};
  TwoPeers net(a, b);  // B: 10.2.0.0/24 <-> 10.1.0.0/24 only
  AuthExchange x;
  ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
  EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSi).size(), 2u);
  expect_installed(net, x, {subnet24(10, 1, 0)}, {subnet24(10, 2, 0)});
}

// Each shape leaves one side (TSi or TSr, or both) without any intersection.
struct UnacceptableCase {
  const char* what;
  Selectors a_local, a_remote;  // A asks TSi = a_local, TSr = a_remote
  Selectors b_local, b_remote;  // B allows TSr within b_local, TSi within b_remote
};

TEST(TsNarrowingExchange, NoIntersectionIsTsUnacceptableAndTheIkeSaStays) {
  const std::vector<UnacceptableCase> cases{
      {"disjoint subnets on both sides",
       {subnet24(10, 1, 0)},
       {subnet24(10, 2, 0)},
       {subnet24(10, 8, 0)},
       {subnet24(10, 9, 0)}},
      {"TSr meets, TSi does not",
       {subnet24(10, 1, 0)},
       {subnet24(10, 2, 0)},
       {subnet24(10, 2, 0)},
       {subnet24(10, 9, 0)}},
      {"TSi meets, TSr does not",
       {subnet24(10, 1, 0)},
       {v4({10, 2, 0, 0}, 16)},
       {subnet24(10, 3, 0)},
       {v4({10, 0, 0, 0}, 8)}},
      {"several selectors, none meets",
       {subnet24(10, 1, 0), subnet24(10, 11, 0)},
       {subnet24(10, 2, 0), subnet24(10, 12, 0)},
       {subnet24(10, 2, 0)},
       {subnet24(10, 21, 0), subnet24(10, 31, 0)}},
      {"IPv6 asked, IPv4 allowed", {doc6_48(1)}, {doc6_48(2)}, {v4({0, 0, 0, 0}, 0)}, {v4({0, 0, 0, 0}, 0)}},
      {"UDP asked, TCP allowed",
       {v4({10, 1, 0, 0}, 24, kUdp)},
       {v4({10, 2, 0, 0}, 24, kUdp)},
       {v4({10, 2, 0, 0}, 24, kTcp)},
       {v4({10, 1, 0, 0}, 24, kTcp)}},
      {"ports 0-1023 asked, 1024-65535 allowed",
       {subnet24(10, 1, 0)},
       {v4({10, 2, 0, 0}, 24, kTcp, 0, 1023)},
       {v4({10, 2, 0, 0}, 24, kTcp, 1024, 65535)},
       {subnet24(10, 1, 0)}},
  };
  for (const UnacceptableCase& c : cases) {
    SCOPED_TRACE(c.what);
    ConnectionConfig a = config_a(), b = config_b();
    a.children[0].local_ts = c.a_local;
    a.children[0].remote_ts = c.a_remote;
    b.children[0].local_ts = c.b_local;
    b.children[0].remote_ts = c.b_remote;
    TwoPeers net(a, b);
    AuthExchange x;
    ASSERT_NO_FATAL_FAILURE(run_ike_auth(net, x));
    // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
    EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSi), c.a_local);
    EXPECT_EQ(ts_of(x.request, wire::PayloadType::TSr), c.a_remote);
    //              <--  HDR, SK {IDr, AUTH, N(TS_UNACCEPTABLE)}
    expect_ts_unacceptable(net, x);
  }
}

// B's IKE_AUTH response with its TSi / TSr replaced by a test's, sealed again
// with B's keys and Message ID: what a responder that does not narrow
// correctly would send. AUTH does not cover IKE_AUTH's own payloads (§2.15),
// so A still authenticates B.
void rewrite_response_selectors(TwoPeers& net, std::optional<Selectors> tsi, std::optional<Selectors> tsr) {
  ASSERT_EQ(net.wire.size(), 1u);
  Result<IkeMessage> response = EndpointPeer::open(net.a, net.wire.front().bytes);
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  for (wire::Payload& p : response->payloads) {
    if (p.type == wire::PayloadType::TSi && tsi) p.body = wire::TsPayload{*tsi};
    if (p.type == wire::PayloadType::TSr && tsr) p.body = wire::TsPayload{*tsr};
  }
  net.wire.front().bytes = EndpointPeer::seal(net.b, net.only_sa(net.b)->id, *response);
}

struct NotASubsetCase {
  const char* what;
  std::optional<Selectors> tsi, tsr;
};

TEST(TsNarrowingExchange, TheInitiatorRefusesAnAnswerThatIsNotASubset) {
  // A asks TSi 10.1.0.0/24 UDP, TSr 10.2.0.0/24 and 10.2.1.0/24 UDP ports 1000-2000.
  const TrafficSelector asked_tsi = v4({10, 1, 0, 0}, 24, kUdp);
  const Selectors asked_tsr = {v4({10, 2, 0, 0}, 24, kUdp, 1000, 2000),
                               v4({10, 2, 1, 0}, 24, kUdp, 1000, 2000)};
  const std::vector<NotASubsetCase> cases{
      {"TSr widened to 10.2.0.0/16", std::nullopt, Selectors{v4({10, 2, 0, 0}, 16, kUdp, 1000, 2000)}},
      {"TSi moved to another subnet", Selectors{v4({10, 7, 0, 0}, 24, kUdp)}, std::nullopt},
      {"TSr with any protocol", std::nullopt, Selectors{v4({10, 2, 0, 0}, 24, 0, 1000, 2000)}},
      {"TSr with wider ports", std::nullopt, Selectors{v4({10, 2, 0, 0}, 24, kUdp, 1000, 2001)}},
      {"TSr with TCP", std::nullopt, Selectors{v4({10, 2, 0, 0}, 24, kTcp, 1000, 2000)}},
      {"one good and one foreign TSi", Selectors{asked_tsi, subnet24(10, 7, 0)}, std::nullopt},
      {"TSi in IPv6", Selectors{doc6_48(1)}, std::nullopt},
      // 10.2.0.0/23 is the union of the two asked TSr, but inside neither one.
      {"TSr spanning two asked selectors", std::nullopt, Selectors{v4({10, 2, 0, 0}, 23, kUdp, 1000, 2000)}},
  };
  for (const NotASubsetCase& c : cases) {
    SCOPED_TRACE(c.what);
    ConnectionConfig a = config_a(), b = config_b();
    a.children[0].local_ts = {asked_tsi};
    a.children[0].remote_ts = asked_tsr;
    b.children[0].local_ts = a.children[0].remote_ts;
    b.children[0].remote_ts = a.children[0].local_ts;
    TwoPeers net(a, b);
    net.up();
    ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT
    ASSERT_TRUE(net.deliver_one());
    // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
    ASSERT_TRUE(net.deliver_one());
    //              <--  HDR, SK {IDr, AUTH, SAr2, TSi', TSr'}   (TSi' or TSr' not within TSi, TSr)
    ASSERT_NO_FATAL_FAILURE(rewrite_response_selectors(net, c.tsi, c.tsr));
    ASSERT_TRUE(net.deliver_one());
    EXPECT_TRUE(net.log_a.has_event(EventKind::child_sa_failed, "not a subset of ours")) << net.dump_events();
    EXPECT_TRUE(net.log_a.installed.empty());
    EXPECT_FALSE(net.log_a.has_event(EventKind::child_sa_installed));
    ASSERT_NE(net.only_sa(net.a), nullptr);
    EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
    EXPECT_TRUE(net.only_sa(net.a)->children.empty());
    // B installed its half when it answered; A asks it to delete that half:
    // HDR, SK {D(ESP, A's SPI)}  -->
    //              <--  HDR, SK {D(ESP, B's SPI)}
    ASSERT_EQ(net.log_b.installed.size(), 1u);
    ASSERT_TRUE(net.deliver_one());
    ASSERT_TRUE(net.deliver_one());
    EXPECT_TRUE(net.wire.empty());
    ASSERT_EQ(net.log_b.removed.size(), 1u);
    EXPECT_EQ(net.log_b.removed[0].spi_in, net.log_b.installed[0].spi_in);
    ASSERT_NE(net.only_sa(net.b), nullptr);
    EXPECT_TRUE(net.only_sa(net.b)->children.empty());
    EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
    EXPECT_TRUE(net.log_a.removed.empty());  // A never installed anything to remove
  }
}

TEST(TsNarrowingExchange, TheInitiatorAcceptsANarrowerAnswerThanTheResponderConfigured) {
  // A narrowed answer that is a subset is fine whatever produced it: here B's
  // answer is cut down further on the wire, to one host and one port.
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].local_ts = {v4({10, 0, 0, 0}, 8)};
  a.children[0].remote_ts = {v4({0, 0, 0, 0}, 0)};
  TwoPeers net(a, b);
  net.up();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  const Selectors host = {TrafficSelector::ipv4_range({10, 1, 0, 7}, {10, 1, 0, 7})};
  const Selectors service = {v4({10, 2, 0, 0}, 24, kTcp, 22, 22)};
  ASSERT_NO_FATAL_FAILURE(rewrite_response_selectors(net, host, service));
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.log_a.installed.size(), 1u) << net.dump_events();
  EXPECT_EQ(net.log_a.installed.front().local_ts, host);
  EXPECT_EQ(net.log_a.installed.front().remote_ts, service);
  EXPECT_FALSE(net.log_a.has_event(EventKind::child_sa_failed));
}

}  // namespace
}  // namespace tern::ike::testing

// IKE_SA_INIT + IKE_AUTH with PSK and the first CHILD_SA between two
// Endpoints (RFC 7296 §1.2): the happy path for every IKE suite, NAT
// detection and floating to port 4500 (§2.23), transport mode, keylog.
#include <gtest/gtest.h>

#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

wire::Message parse(const Datagram& d, size_t marker = 0) {
  auto m = wire::parse_message(ByteView(d.bytes).subspan(marker));
  EXPECT_TRUE(m.has_value());
  return m.has_value() ? *m : wire::Message{};
}

TEST(IkeSaSetup, HappyPathStepByStep) {
  TwoPeers net(config_a(), config_b());
  net.up();

  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
  ASSERT_EQ(net.wire.size(), 1u);
  wire::Message init_request = parse(net.wire.front());
  EXPECT_EQ(init_request.header.exchange, wire::ExchangeType::IKE_SA_INIT);
  EXPECT_TRUE(init_request.header.is_initiator());
  EXPECT_EQ(init_request.header.message_id, 0u);
  EXPECT_EQ(init_request.header.spi_r, 0u);
  EXPECT_NE(wire::find_payload(init_request.payloads, wire::PayloadType::KE), nullptr);
  EXPECT_NE(wire::find_notify(init_request.payloads, wire::NotifyType::NAT_DETECTION_SOURCE_IP), nullptr);
  ASSERT_TRUE(net.deliver_one());

  // <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
  ASSERT_EQ(net.wire.size(), 1u);
  wire::Message init_response = parse(net.wire.front());
  EXPECT_TRUE(init_response.header.is_response());
  EXPECT_NE(init_response.header.spi_r, 0u);
  EXPECT_EQ(init_response.header.spi_i, init_request.header.spi_i);
  ASSERT_TRUE(net.deliver_one());

  // HDR, SK {IDi, IDr, AUTH, SAi2, TSi, TSr}  -->
  ASSERT_EQ(net.wire.size(), 1u);
  wire::Message auth_request = parse(net.wire.front());
  EXPECT_EQ(auth_request.header.exchange, wire::ExchangeType::IKE_AUTH);
  EXPECT_EQ(auth_request.header.message_id, 1u);
  ASSERT_EQ(auth_request.payloads.size(), 1u);
  EXPECT_EQ(auth_request.payloads[0].type, wire::PayloadType::SK);
  EXPECT_EQ(net.wire.front().to.port, 500);  // no NAT: no float
  ASSERT_TRUE(net.deliver_one());

  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_established)) << net.dump_events();
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());

  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_established, "b.example.org"));
  expect_matching_children(net.log_a, net.log_b);
  const InstallChildSa& child = net.log_a.installed.front();
  EXPECT_EQ(child.connection, "a-b");
  EXPECT_EQ(child.child, "net");
  EXPECT_EQ(child.mode, ChildMode::tunnel);
  EXPECT_FALSE(child.encap);
  EXPECT_EQ(child.local_ts, std::vector{subnet24(10, 1, 0)});
  EXPECT_EQ(child.remote_ts, std::vector{subnet24(10, 2, 0)});
  EXPECT_EQ(child.encr_out.size(), 20u);  // AES-128 key + 4-octet salt

  const IkeSaStatus* sa_a = net.only_sa(net.a);
  ASSERT_NE(sa_a, nullptr);
  EXPECT_EQ(sa_a->state, IkeSaState::established);
  EXPECT_TRUE(sa_a->initiator);
  uint64_t spi_i = sa_a->spi_i, spi_r = sa_a->spi_r;
  const IkeSaStatus* sa_b = net.only_sa(net.b);
  ASSERT_NE(sa_b, nullptr);
  EXPECT_EQ(sa_b->state, IkeSaState::established);
  EXPECT_FALSE(sa_b->initiator);
  EXPECT_EQ(sa_b->spi_i, spi_i);
  EXPECT_EQ(sa_b->spi_r, spi_r);
  ASSERT_EQ(sa_b->children.size(), 1u);
  EXPECT_EQ(net.a.next_deadline(), std::nullopt);  // nothing outstanding
  EXPECT_EQ(net.b.next_deadline(), std::nullopt);

  // Both ends export the same Wireshark line.
  ASSERT_EQ(net.log_a.keylog.size(), 1u);
  ASSERT_EQ(net.log_b.keylog.size(), 1u);
  EXPECT_EQ(net.log_a.keylog[0], net.log_b.keylog[0]);
}

TEST(IkeSaSetup, NoKeylogLineWhenNothingWritesIt) {
  EndpointConfig quiet;
  quiet.keylog = false;  // ternd without daemon.keylog
  TwoPeers net({config_a()}, {config_b()}, EndpointConfig{}, quiet);
  net.up();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.b), nullptr);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_EQ(net.log_a.keylog.size(), 1u);
  EXPECT_TRUE(net.log_b.keylog.empty());

  // Turned on (a reload that sets daemon.keylog): the next IKE SA's line comes.
  net.b.set_keylog(true);
  net.down(net.a, "a-b");
  net.deliver_all();
  net.up();
  net.deliver_all();
  EXPECT_EQ(net.log_b.keylog.size(), 1u);
}

struct SuiteCase {
  const char* name;
  crypto::IkeSuite ike;
  EspSuite esp;
  size_t esp_encr_key_size;
  size_t esp_integ_key_size;
};

class EverySuite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(EverySuite, EstablishesWithMatchingChildSas) {
  ConnectionConfig a = config_a(), b = config_b();
  a.proposals = b.proposals = {GetParam().ike};
  a.children[0].esp_proposals = b.children[0].esp_proposals = {GetParam().esp};
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << GetParam().name;
  ASSERT_TRUE(net.log_b.has_event(EventKind::ike_sa_established));
  expect_matching_children(net.log_a, net.log_b);
  const InstallChildSa& child = net.log_a.installed.front();
  EXPECT_EQ(child.suite, GetParam().esp);
  EXPECT_EQ(child.encr_out.size(), GetParam().esp_encr_key_size);
  EXPECT_EQ(child.integ_out.size(), GetParam().esp_integ_key_size);
  const IkeSaStatus* sa = net.only_sa(net.b);
  ASSERT_NE(sa, nullptr);
  ASSERT_TRUE(sa->suite.has_value());
  EXPECT_EQ(sa->suite->to_string(), GetParam().ike.to_string());
}

const EspSuite kEspAes256Sha256{wire::EncrId::AES_CBC, 256, wire::IntegId::HMAC_SHA2_256_128,
                                wire::EsnId::NO_ESN};
const EspSuite kEspChacha{wire::EncrId::CHACHA20_POLY1305, 256, wire::IntegId::NONE, wire::EsnId::NO_ESN};
const EspSuite kEspAes256GcmEsn{wire::EncrId::AES_GCM_16, 256, wire::IntegId::NONE, wire::EsnId::ESN};

INSTANTIATE_TEST_SUITE_P(
    Suites, EverySuite,
    ::testing::Values(SuiteCase{"aes128gcm16-prfsha256-x25519", kAes128Gcm, kEspAes128Gcm, 20, 0},
                      SuiteCase{"aes256-sha256-modp2048", kAes256Sha256Modp2048, kEspAes256Sha256, 32, 32},
                      SuiteCase{"aes256gcm16-prfsha384-ecp384", kAes256GcmEcp384, kEspAes256GcmEsn, 36, 0},
                      SuiteCase{"chacha20poly1305-prfsha256-x25519", kChacha20, kEspChacha, 36, 0},
                      SuiteCase{"aes128-sha256-ecp256",
                                {wire::EncrId::AES_CBC, 128, wire::PrfId::HMAC_SHA2_256,
                                 wire::IntegId::HMAC_SHA2_256_128, wire::KeGroup::ECP_256},
                                kEspAes128Gcm,
                                20,
                                0},
                      SuiteCase{"aes256-sha512-x448",
                                {wire::EncrId::AES_CBC, 256, wire::PrfId::HMAC_SHA2_512,
                                 wire::IntegId::HMAC_SHA2_512_256, wire::KeGroup::CURVE448},
                                kEspAes256Sha256,
                                32,
                                32}),
    [](const ::testing::TestParamInfo<SuiteCase>& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

TEST(IkeSaSetup, ResponderPicksTheFirstOfTheInitiatorsProposalsItAccepts) {
  ConnectionConfig a = config_a(), b = config_b();
  a.proposals = {kAes128Gcm, kAes256Sha256Modp2048};
  b.proposals = {kAes256GcmEcp384, kAes256Sha256Modp2048, kAes128Gcm};  // B prefers others; A's order wins
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << net.dump_events();
  EXPECT_EQ(net.only_sa(net.a)->suite->to_string(), kAes128Gcm.to_string());
  EXPECT_EQ(net.only_sa(net.b)->suite->to_string(), kAes128Gcm.to_string());
}

TEST(IkeSaSetup, NatInFrontOfTheInitiatorFloatsToPort4500AndEncapsulates) {
  ConnectionConfig a = config_a(), b = config_b();
  const Address inside = Address::ipv4({10, 0, 0, 1}, 500);
  const Address outside = Address::ipv4({203, 0, 113, 7}, 500);
  a.local = inside;
  b.remote = outside;
  TwoPeers net(a, b);
  net.nat = {inside, outside};
  net.up();
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT request, rewritten by the NAT
  ASSERT_TRUE(net.deliver_one());  // IKE_SA_INIT response
  // HDR, SK {IDi, AUTH, ...}  -->   now 4500 -> 4500, with the non-ESP marker
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().from.port, 4500);
  EXPECT_EQ(net.wire.front().to.port, 4500);
  EXPECT_EQ(Bytes(net.wire.front().bytes.begin(), net.wire.front().bytes.begin() + 4), Bytes(4, 0));
  parse(net.wire.front(), 4);
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established));
  expect_matching_children(net.log_a, net.log_b);
  EXPECT_TRUE(net.log_a.installed.front().encap);
  EXPECT_EQ(net.log_a.installed.front().remote.port, 4500);
  EXPECT_EQ(net.log_b.installed.front().remote, outside.with_port(4500));
  const IkeSaStatus* sa_b = net.only_sa(net.b);
  ASSERT_NE(sa_b, nullptr);
  EXPECT_TRUE(sa_b->nat_detected);
  EXPECT_EQ(sa_b->local.port, 4500);
}

// RFC 3948 §2.3, RFC 7296 §2.23: the end behind the NAT sends a lone 0xFF
// octet to the peer's NAT-T port whenever it has sent nothing on the IKE SA
// for nat_keepalive (20 s), so that the NAT keeps its mapping; the other end
// sends none. Any IKE message postpones the next one.
TEST(IkeSaSetup, TheEndBehindTheNatSendsKeepalivesWhenIdle) {
  ConnectionConfig a = config_a(), b = config_b();
  const Address inside = Address::ipv4({10, 0, 0, 1}, 500);
  const Address outside = Address::ipv4({203, 0, 113, 7}, 500);
  a.local = inside;
  b.remote = outside;
  TwoPeers net(a, b);
  net.nat = {inside, outside};
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << net.dump_events();
  const Timestamp established = net.now;
  EXPECT_EQ(net.a.next_deadline(), established + seconds(20));
  EXPECT_FALSE(net.b.next_deadline().has_value());  // not behind a NAT: no keepalives

  ASSERT_TRUE(net.advance_to_next_deadline());
  ASSERT_EQ(net.wire.size(), 1u);
  EXPECT_EQ(net.wire.front().bytes, Bytes{0xff});
  EXPECT_EQ(net.wire.front().from.port, 4500);
  EXPECT_EQ(net.wire.front().to, kAddrB.with_port(4500));
  EXPECT_EQ(net.a.counters().nat_keepalives_sent, 1u);
  net.wire.clear();  // the daemon's NAT-T socket drops them (daemon.cc)
  EXPECT_EQ(net.a.next_deadline(), established + seconds(40));

  // Ten seconds later A rekeys its CHILD_SA: the next keepalive is due 20 s after that.
  net.now = net.now + seconds(10);
  ASSERT_TRUE(net.a.command(Rekey{"a-b", "net"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  EXPECT_EQ(net.a.next_deadline(), net.now + seconds(20));
  EXPECT_EQ(net.a.counters().nat_keepalives_sent, 1u);
}

TEST(IkeSaSetup, ForceEncapFakesANatLikeStrongSwan) {
  ConnectionConfig a = config_a();
  a.force_encap = true;
  TwoPeers net(a, config_b());
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.log_b.has_event(EventKind::ike_sa_established));
  expect_matching_children(net.log_a, net.log_b);
  EXPECT_TRUE(net.log_b.installed.front().encap);
  EXPECT_EQ(net.log_b.installed.front().local.port, 4500);
}

TEST(IkeSaSetup, TransportModeOnlyWhenBothWantIt) {
  ConnectionConfig a = config_a(), b = config_b();
  a.children[0].mode = ChildMode::transport;
  {
    TwoPeers net(a, b);
    net.up();
    net.deliver_all();
    expect_matching_children(net.log_a, net.log_b);
    EXPECT_EQ(net.log_a.installed.front().mode, ChildMode::tunnel);
  }
  b.children[0].mode = ChildMode::transport;
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  expect_matching_children(net.log_a, net.log_b);
  EXPECT_EQ(net.log_a.installed.front().mode, ChildMode::transport);
}

TEST(IkeSaSetup, AnyRemoteIdentityAndIdentityTypes) {
  ConnectionConfig a = config_a(), b = config_b();
  a.local_id = Identity::ipv4({192, 0, 2, 1});
  a.remote_id = Identity::match_any();
  b.remote_id = Identity::ipv4({192, 0, 2, 1});
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_established, "ipv4:192.0.2.1"));
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_established, "fqdn:b.example.org"));
}

TEST(IkeSaSetup, UnknownConnectionIsAnError) {
  TwoPeers net(config_a(), config_b());
  EXPECT_FALSE(net.a.command(Up{"nope"}, net.now).has_value());
  EXPECT_FALSE(net.a.command(Down{"nope"}, net.now).has_value());
}

TEST(IkeSaSetup, InitSaFromAnUnknownAddressIsDropped) {
  ConnectionConfig b = config_b();
  b.remote = Address::ipv4({198, 51, 100, 1}, 500);
  TwoPeers net(config_a(), b);
  net.up();
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().dropped_no_connection, 1u);
  EXPECT_TRUE(net.b.status().empty());
}

}  // namespace
}  // namespace tern::ike::testing

// A responder picks its connection by addresses at IKE_SA_INIT and again by
// identities in IKE_AUTH (connection_select.h): IDi against the remote id
// (an exact id beats "%any"), IDr, if sent, against the local id. Identity
// types ID_IPV6_ADDR and ID_KEY_ID.
#include <gtest/gtest.h>

#include "exchange_harness.h"

namespace tern::ike::testing {
namespace {

// Another connection of B between the same addresses.
ConnectionConfig b_variant(const char* name, const char* child) {
  ConnectionConfig c = config_b();
  c.name = name;
  c.children[0].name = child;
  return c;
}

TEST(ConnectionSelection, TheResponderPicksTheConnectionWhoseRemoteIdIsTheInitiatorsIdi) {
  ConnectionConfig other = b_variant("b-c", "c-net");
  other.remote_id = Identity::rfc822("c@example.org");
  other.psk = SecretBytes(as_bytes("c's key"));
  TwoPeers net({config_a()}, {other, config_b()});
  net.up();
  // HDR, SK {IDi(a@example.org), IDr, AUTH, ...}  -->   B moves from "b-c" (first by address) to "b-a".
  net.deliver_all();
  ASSERT_TRUE(net.log_b.has_event(EventKind::ike_sa_established)) << net.dump_events();
  EXPECT_EQ(net.only_sa(net.b)->connection, "b-a");
  ASSERT_EQ(net.log_b.installed.size(), 1u);
  EXPECT_EQ(net.log_b.installed[0].connection, "b-a");
  EXPECT_EQ(net.log_b.installed[0].child, "net");
}

TEST(ConnectionSelection, AnExactIdentityBeatsAnyAndAnyTakesTheRest) {
  ConnectionConfig wildcard = b_variant("b-any", "any-net");
  wildcard.remote_id = Identity::match_any();
  {
    TwoPeers net({config_a()}, {wildcard, config_b()});
    net.up();
    net.deliver_all();
    EXPECT_EQ(net.only_sa(net.b)->connection, "b-a") << net.dump_events();
  }
  ConnectionConfig stranger = config_a();
  stranger.local_id = Identity::fqdn("stranger.example.net");
  TwoPeers net({stranger}, {wildcard, config_b()});
  net.up();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.b), nullptr);
  EXPECT_EQ(net.only_sa(net.b)->connection, "b-any") << net.dump_events();
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  EXPECT_EQ(net.log_b.installed.at(0).child, "any-net");
}

TEST(ConnectionSelection, IdrPicksWhichOfOurIdentitiesThePeerWants) {
  ConnectionConfig first = b_variant("b-one", "one");
  first.local_id = Identity::fqdn("one.example.org");
  ConnectionConfig second = b_variant("b-two", "two");
  second.local_id = Identity::fqdn("two.example.org");
  ConnectionConfig a = config_a();
  a.remote_id = Identity::fqdn("two.example.org");
  TwoPeers net({a}, {first, second});
  net.up();
  // HDR, SK {IDi, IDr(two.example.org), AUTH, ...}  -->
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established, "fqdn:two.example.org"))
      << net.dump_events();
  EXPECT_EQ(net.only_sa(net.b)->connection, "b-two");
}

TEST(ConnectionSelection, NoConnectionForTheIdentitiesIsAuthenticationFailed) {
  ConnectionConfig a = config_a();
  a.local_id = Identity::fqdn("stranger.example.net");
  TwoPeers net(a, config_b());
  net.up();
  net.deliver_all();
  EXPECT_TRUE(net.log_b.has_event(EventKind::authentication_failed, "fqdn:stranger.example.net"));
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "AUTHENTICATION_FAILED"));
  EXPECT_TRUE(net.b.status().empty());
}

TEST(ConnectionSelection, Ipv6AddressAndKeyIdIdentities) {
  const std::array<uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const Bytes key_id{0x01, 0x02, 0xfe, 0xff};
  ConnectionConfig a = config_a(), b = config_b();
  a.local_id = b.remote_id = Identity::ipv6(v6);
  a.remote_id = b.local_id = Identity::key_id(key_id);
  ConnectionConfig decoy = b_variant("b-decoy", "decoy");
  decoy.remote_id = Identity::key_id(key_id);  // same octets, another ID type: must not match
  TwoPeers net({a}, {decoy, b});
  net.up();
  net.deliver_all();
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_established, "ipv6:2001:db8::1")) << net.dump_events();
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_established, "keyid:0102feff"));
  EXPECT_EQ(net.only_sa(net.b)->connection, "b-a");
  expect_matching_children(net.log_a, net.log_b);
}

}  // namespace
}  // namespace tern::ike::testing

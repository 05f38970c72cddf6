// INITIAL_CONTACT (RFC 7296 §2.4) when the Endpoint is one shard of several
// (ternd's workers, EndpointConfig::shard_count > 1): the IKE SAs between
// two identities may sit on any shard.
//   - The shard that accepts IKE_AUTH with N(INITIAL_CONTACT) deletes its own
//     older IKE SAs of that peer and reports the contact
//     (InitialContactReceived) for the caller to hand to the other shards.
//   - Endpoint::drop_sas_of_peer, on another shard, deletes the IKE SAs
//     between those identities established no later than the new one, with
//     the same reason, Event and RemoveChildSa as on the receiving shard.
//   - Up::peer_elsewhere: another shard holds an IKE SA with the peer, so a
//     new IKE SA sends no INITIAL_CONTACT (it would make the peer drop that one).
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

EndpointConfig shard(uint32_t index, uint32_t count) {
  EndpointConfig c;
  c.shard_index = index;
  c.shard_count = count;
  return c;
}

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

// What a sibling shard of B reports after it accepted a restarted A's INITIAL_CONTACT at `when`.
InitialContactReceived contact_from_sibling(Timestamp when) {
  return InitialContactReceived{IkeSaId{4}, "b-a", config_b().local_id.payload(),
                                config_a().local_id.payload(), when};
}

TEST(InitialContactShards, TheReceivingShardReportsIt) {
  // B is shard 1 of 2.
  TwoPeers net({config_a()}, {config_b()}, EndpointConfig{}, shard(1, 2));
  // HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SAi2, TSi, TSr}  -->
  establish(net);
  ASSERT_EQ(net.log_b.initial_contacts.size(), 1u);
  const InitialContactReceived& contact = net.log_b.initial_contacts[0];
  EXPECT_EQ(contact.ike_sa, net.b.status()[0].id);
  EXPECT_EQ(contact.connection, "b-a");
  EXPECT_EQ(contact.local_id, config_b().local_id.payload());
  EXPECT_EQ(contact.peer_id, config_a().local_id.payload());
  EXPECT_EQ(contact.established_at, net.now);
  // A is not sharded: nothing to tell anyone.
  EXPECT_TRUE(net.log_a.initial_contacts.empty());
}

TEST(InitialContactShards, AnEndpointAloneReportsNothing) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  EXPECT_TRUE(net.log_b.initial_contacts.empty());
}

TEST(InitialContactShards, DropSasOfPeerDeletesTheOlderIkeSaOfThatPeer) {
  TwoPeers net({config_a()}, {config_b()}, EndpointConfig{}, shard(1, 2));
  establish(net);
  const InstallChildSa stale_child = net.log_b.installed.front();
  // A restarted; its new IKE SA with INITIAL_CONTACT was accepted by shard 0, later.
  net.now += seconds(5);
  EXPECT_EQ(net.b.drop_sas_of_peer(contact_from_sibling(net.now), net.now), 1u);
  net.collect();
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_EQ(net.b.counters().initial_contact_replaced, 1u);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed,
                                  "sent INITIAL_CONTACT on a new IKE SA (#4), so it has forgotten this one"));
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].spi_in, stale_child.spi_in);
  EXPECT_NE(net.log_b.removed[0].reason.find("replaced"), std::string::npos);
  // Deleted locally, as on the receiving shard: the peer has forgotten it.
  EXPECT_TRUE(net.wire.empty());
  // Only this shard's report made the sibling act; this one reports nothing new.
  EXPECT_EQ(net.log_b.initial_contacts.size(), 1u);
}

TEST(InitialContactShards, DropSasOfPeerKeepsAnIkeSaEstablishedLater) {
  TwoPeers net({config_a()}, {config_b()}, EndpointConfig{}, shard(1, 2));
  const Timestamp contact_time = net.now;
  net.now += seconds(1);
  establish(net);  // after the restart the contact reports: made by the peer as it is now
  EXPECT_EQ(net.b.drop_sas_of_peer(contact_from_sibling(contact_time), net.now), 0u);
  net.collect();
  ASSERT_EQ(net.b.status().size(), 1u);
  EXPECT_EQ(net.b.counters().initial_contact_replaced, 0u);
  EXPECT_TRUE(net.log_b.removed.empty());
}

TEST(InitialContactShards, DropSasOfPeerKeepsOtherIdentities) {
  TwoPeers net({config_a()}, {config_b()}, EndpointConfig{}, shard(1, 2));
  establish(net);
  net.now += seconds(5);
  InitialContactReceived other_peer = contact_from_sibling(net.now);
  other_peer.peer_id = Identity::rfc822("c@example.org").payload();
  EXPECT_EQ(net.b.drop_sas_of_peer(other_peer, net.now), 0u);
  InitialContactReceived other_local = contact_from_sibling(net.now);
  other_local.local_id = Identity::fqdn("other.example.org").payload();
  EXPECT_EQ(net.b.drop_sas_of_peer(other_local, net.now), 0u);
  net.collect();
  EXPECT_EQ(net.b.status().size(), 1u);
  EXPECT_TRUE(net.log_b.removed.empty());
}

TEST(InitialContactShards, HasSaWithPeerOf) {
  TwoPeers net({config_a()}, {config_b()}, EndpointConfig{}, shard(1, 2));
  EXPECT_FALSE(net.b.has_sa_with_peer_of("b-a"));
  EXPECT_FALSE(net.a.has_sa_with_peer_of("a-b"));
  net.up();
  // Not authenticated yet: the same peer address counts.
  EXPECT_TRUE(net.a.has_sa_with_peer_of("a-b"));
  net.deliver_all();
  EXPECT_TRUE(net.b.has_sa_with_peer_of("b-a"));
  EXPECT_FALSE(net.b.has_sa_with_peer_of("no-such-connection"));
}

TEST(InitialContactShards, UpWithThePeerElsewhereSendsNoInitialContact) {
  TwoPeers net(config_a(), config_b());
  // ternd: another worker holds an IKE SA with B (e.g. one B initiated).
  ASSERT_TRUE(net.a.command(Up{"a-b", true}, net.now).has_value());
  net.collect();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  // HDR, SK {IDi, IDr, AUTH, SAi2, TSi, TSr}  -->   no N(INITIAL_CONTACT)
  Result<IkeMessage> auth = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->exchange, wire::ExchangeType::IKE_AUTH);
  EXPECT_EQ(auth->find_notify(wire::NotifyType::INITIAL_CONTACT), nullptr);
  net.deliver_all();
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(InitialContactShards, UpChildWithThePeerElsewhereSendsNoInitialContact) {
  TwoPeers net(config_a(), config_b());
  ASSERT_TRUE(net.a.command(UpChild{"a-b", "net", true}, net.now).has_value());
  net.collect();
  ASSERT_TRUE(net.deliver_one());
  ASSERT_TRUE(net.deliver_one());
  Result<IkeMessage> auth = EndpointPeer::open(net.b, net.wire.front().bytes);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->find_notify(wire::NotifyType::INITIAL_CONTACT), nullptr);
}

}  // namespace
}  // namespace tern::ike::testing

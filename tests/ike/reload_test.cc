// Endpoint::reload (ternd: SIGHUP, `ternctl reload`): connections whose
// settings did not change keep their IKE SAs; an IKE SA whose connection was
// changed or removed is deleted with an INFORMATIONAL Delete (§1.4.1).
#include <gtest/gtest.h>

#include "exchange_harness.h"

namespace tern::ike::testing {
namespace {

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

TEST(Reload, AnUnchangedConnectionKeepsItsIkeSa) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  const uint64_t spi_i = net.only_sa(net.a)->spi_i;

  // The daemon hands back the very same shared_ptr: nothing changed.
  EXPECT_EQ(net.a.reload(net.a.config().connections, net.now), 0u);
  net.collect();
  EXPECT_TRUE(net.wire.empty());
  ASSERT_EQ(net.a.status().size(), 1u);
  EXPECT_EQ(net.a.status()[0].spi_i, spi_i);
  EXPECT_EQ(net.a.status()[0].state, IkeSaState::established);
}

TEST(Reload, AChangedConnectionsIkeSaIsDeletedAndTheNewSettingsServeTheNextUp) {
  TwoPeers net(config_a(), config_b());
  establish(net);

  ConnectionConfig changed = config_a();
  changed.dpd_delay = seconds(30);
  EXPECT_EQ(net.a.reload({std::make_shared<const ConnectionConfig>(changed)}, net.now), 1u);
  net.collect();

  // HDR, SK {D(IKE)}  -->   <--  HDR, SK {}
  ASSERT_EQ(net.wire.size(), 1u);
  net.deliver_all();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed));

  net.up();
  net.deliver_all();
  ASSERT_EQ(net.a.status().size(), 1u);
  EXPECT_EQ(net.a.status()[0].state, IkeSaState::established);
}

TEST(Reload, ARemovedConnectionCannotBeStartedAnyMore) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  EXPECT_EQ(net.a.reload({}, net.now), 1u);
  net.collect();
  net.deliver_all();
  EXPECT_TRUE(net.a.status().empty());
  Result<void> up = net.a.command(Up{"a-b"}, net.now);
  ASSERT_FALSE(up.has_value());
  EXPECT_NE(up.error().detail.find("no connection named 'a-b'"), std::string::npos);
}

TEST(Reload, AHalfOpenSaOfAChangedConnectionGoesAtOnce) {
  TwoPeers net(config_a(), config_b());
  net.up();  // IKE_SA_INIT request in flight, nothing answered
  EXPECT_EQ(net.a.reload({std::make_shared<const ConnectionConfig>(config_a())}, net.now), 1u);
  net.collect();
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "configuration reload"));
}

}  // namespace
}  // namespace tern::ike::testing

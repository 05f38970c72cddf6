// `ternctl up` stories: the daemon issues ike::Up, feeds every engine Event to
// an UpTracker, and answers the client with the first outcome.
//
//   HDR, SAi1, KEi, Ni  -->
//                       <--  HDR, SAr1, KEr, Nr
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
//                       <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//   => ike_sa_established, child_sa_installed
#include "control/up_tracker.h"

#include <gtest/gtest.h>

namespace tern::control {
namespace {

using ike::EventKind;
using ike::IkeSaId;

ike::Event event(EventKind kind, uint64_t sa, std::string connection, std::string text = "") {
  return ike::Event{kind, IkeSaId{sa}, std::move(connection), std::move(text)};
}

const std::string kInstalledNet =
    "CHILD_SA net installed: SPIs c1a2b3c4_i 0a0b0c0d_o AES_GCM_16_128/NO_ESN tunnel";
const std::string kEstablished =
    "IKE SA established fqdn:a.example.org <-> fqdn:b.example.org (192.0.2.1:500 <-> 192.0.2.2:500) "
    "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519";

TEST(UpTracker, IkeSaEstablishedAndChildInstalledIsSuccess) {
  UpTracker up{"site-b", "net"};
  EXPECT_FALSE(up.on_event(event(EventKind::retransmit, 3, "site-b", "retransmit 1 of IKE_SA_INIT")));
  EXPECT_EQ(up.ike_sa(), IkeSaId{3});
  EXPECT_FALSE(up.on_event(event(EventKind::ike_sa_established, 3, "site-b", kEstablished)));
  std::optional<UpOutcome> outcome =
      up.on_event(event(EventKind::child_sa_installed, 3, "site-b", kInstalledNet));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok);
  EXPECT_EQ(outcome->message, "IKE SA site-b[3] established, CHILD_SA net installed");
  EXPECT_EQ(outcome->ike_sa, IkeSaId{3});
  EXPECT_TRUE(up.done());
  EXPECT_FALSE(up.on_event(event(EventKind::ike_sa_destroyed, 3, "site-b", "deleted by peer")));
  EXPECT_EQ(up_result_json(*outcome),
            nlohmann::json::parse(
                R"({"ike_sa": 3, "message": "IKE SA site-b[3] established, CHILD_SA net installed"})"));
}

TEST(UpTracker, WithoutAChildNameAnyInstalledChildIsSuccess) {
  UpTracker up{"site-b", ""};
  std::optional<UpOutcome> outcome =
      up.on_event(event(EventKind::child_sa_installed, 7, "site-b", kInstalledNet));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok);
  EXPECT_EQ(outcome->message, "IKE SA site-b[7] established, CHILD_SA net installed");
}

TEST(UpTracker, ProposalMismatchKeepsTheEnginesExplanationWhole) {
  // HDR, SAi1, KEi, Ni  -->
  //                     <--  HDR, N(NO_PROPOSAL_CHOSEN)
  UpTracker up{"site-b", ""};
  const std::string why =
      "peer accepted none of our IKE proposals (NO_PROPOSAL_CHOSEN); we offered "
      "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519, "
      "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048";
  std::optional<UpOutcome> outcome = up.on_event(event(EventKind::proposal_mismatch, 3, "site-b", why));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message, "IKE SA site-b[3]: proposal mismatch: " + why);
  // The ike_sa_destroyed that follows in the same batch is not a second outcome.
  EXPECT_FALSE(up.on_event(event(EventKind::ike_sa_destroyed, 3, "site-b", why)));
}

TEST(UpTracker, AuthenticationFailure) {
  // HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->
  //                     <--  HDR, SK {N(AUTHENTICATION_FAILED)}
  UpTracker up{"site-b", "net"};
  EXPECT_FALSE(up.on_event(event(EventKind::retransmit, 3, "site-b", "retransmit 1 of IKE_AUTH")));
  std::optional<UpOutcome> outcome = up.on_event(
      event(EventKind::authentication_failed, 3, "site-b", "peer rejected IKE_AUTH: AUTHENTICATION_FAILED"));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message,
            "IKE SA site-b[3]: authentication failed: peer rejected IKE_AUTH: AUTHENTICATION_FAILED");
}

TEST(UpTracker, ChildFailureAfterTheIkeSaIsUp) {
  //                     <--  HDR, SK {IDr, AUTH, N(TS_UNACCEPTABLE)}
  UpTracker up{"site-b", "net"};
  EXPECT_FALSE(up.on_event(event(EventKind::ike_sa_established, 3, "site-b", kEstablished)));
  const std::string why = "CHILD_SA net: rejected by peer: TS_UNACCEPTABLE";
  std::optional<UpOutcome> outcome = up.on_event(event(EventKind::child_sa_failed, 3, "site-b", why));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message, "IKE SA site-b[3] established, but CHILD_SA failed: " + why);
}

TEST(UpTracker, AChildFailureThatNamesNoChildIsOurs) {
  UpTracker up{"site-b", "net"};
  std::optional<UpOutcome> outcome = up.on_event(
      event(EventKind::child_sa_failed, 3, "site-b", "CHILD_SA key derivation failed: bad_key: too short"));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message,
            "IKE SA site-b[3] CHILD_SA failed: CHILD_SA key derivation failed: bad_key: too short");
}

TEST(UpTracker, OtherChildrenOfTheSameIkeSaAreNotOurs) {
  UpTracker up{"site-b", "net"};
  EXPECT_FALSE(up.on_event(
      event(EventKind::child_sa_installed, 3, "site-b",
            "CHILD_SA voice installed: SPIs 00000001_i 00000002_o AES_GCM_16_128/NO_ESN tunnel")));
  EXPECT_FALSE(up.on_event(event(EventKind::child_sa_failed, 3, "site-b",
                                 "CHILD_SA video: rejected by peer: NO_PROPOSAL_CHOSEN")));
  EXPECT_FALSE(up.done());
  std::optional<UpOutcome> outcome =
      up.on_event(event(EventKind::child_sa_installed, 3, "site-b", kInstalledNet));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok);
}

TEST(UpTracker, TheIkeSaGoingAwayIsAFailure) {
  UpTracker up{"site-b", ""};
  EXPECT_FALSE(up.on_event(event(EventKind::retransmit, 3, "site-b", "retransmit 5 of IKE_SA_INIT")));
  std::optional<UpOutcome> outcome =
      up.on_event(event(EventKind::ike_sa_destroyed, 3, "site-b", "peer not responding"));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message, "IKE SA site-b[3] destroyed: peer not responding");
}

TEST(UpTracker, EventsOfOtherConnectionsAreIgnored) {
  UpTracker up{"site-b", ""};
  EXPECT_FALSE(up.on_event(event(EventKind::proposal_mismatch, 2, "site-c", "no acceptable IKE proposal")));
  EXPECT_FALSE(up.on_event(event(EventKind::child_sa_installed, 2, "site-c", kInstalledNet)));
  EXPECT_FALSE(up.on_event(event(EventKind::message_dropped, 0, "", "unparseable datagram")));
  EXPECT_EQ(up.ike_sa(), IkeSaId{});  // not bound by another connection's SA
  std::optional<UpOutcome> outcome =
      up.on_event(event(EventKind::child_sa_installed, 3, "site-b", kInstalledNet));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok);
  EXPECT_EQ(outcome->ike_sa, IkeSaId{3});
}

TEST(UpTracker, TheFirstIkeSaOfTheConnectionBindsTheTracker) {
  UpTracker up{"site-b", ""};
  EXPECT_FALSE(up.on_event(event(EventKind::invalid_ke_retry, 4, "site-b",
                                 "peer asked for ECP_256 (INVALID_KE_PAYLOAD); retrying IKE_SA_INIT")));
  EXPECT_EQ(up.ike_sa(), IkeSaId{4});
  // A second IKE SA of the same connection (the peer initiating too) fails: not ours.
  EXPECT_FALSE(up.on_event(event(EventKind::authentication_failed, 5, "site-b", "AUTH does not verify")));
  EXPECT_FALSE(up.on_event(event(EventKind::ike_sa_destroyed, 5, "site-b", "authentication failed")));
  EXPECT_FALSE(up.done());
  std::optional<UpOutcome> outcome =
      up.on_event(event(EventKind::child_sa_installed, 4, "site-b", kInstalledNet));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok);
  EXPECT_EQ(outcome->ike_sa, IkeSaId{4});
}

TEST(UpTracker, ProgressIsNotAnOutcomeButTheTimeoutMessageSaysHowFarItGot) {
  UpTracker up{"site-b", "net"};
  EXPECT_EQ(up.timeout_message("30s"), "IKE SA site-b not established within 30s");
  EXPECT_FALSE(up.on_event(event(EventKind::invalid_ke_retry, 3, "site-b",
                                 "peer asked for ECP_256 (INVALID_KE_PAYLOAD); retrying IKE_SA_INIT")));
  EXPECT_FALSE(up.on_event(event(EventKind::retransmit, 3, "site-b", "retransmit 2 of IKE_SA_INIT")));
  EXPECT_FALSE(up.done());
  EXPECT_EQ(up.timeout_message("30s"),
            "IKE SA site-b[3] not established within 30s (last: retransmit 2 of IKE_SA_INIT)");
  EXPECT_FALSE(up.on_event(event(EventKind::ike_sa_established, 3, "site-b", kEstablished)));
  EXPECT_TRUE(up.timeout_message("30s").starts_with(
      "IKE SA site-b[3] established, but no CHILD_SA net installed within 30s (last: IKE SA established"))
      << up.timeout_message("30s");
}

}  // namespace
}  // namespace tern::control

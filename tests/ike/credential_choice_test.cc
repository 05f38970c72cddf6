// Choosing among several local certificates (RFC 7296 §3.7): the peer's
// CERTREQ names the CAs it trusts by the SHA-1 hash of their public keys,
// and each side signs with the certificate whose chain holds one of them.
//
//   HDR, SAi1, KEi, Ni, N(SIGNATURE_HASH_ALGORITHMS)  -->
//        <--  HDR, SAr1, KEr, Nr, CERTREQ(CAs B trusts), N(SIGNATURE_HASH_ALGORITHMS)
//   HDR, SK {IDi, CERT(the one B asked for), CERTREQ(CAs A trusts), AUTH, ...}  -->
//        <--  HDR, SK {IDr, CERT(the one A asked for), AUTH, ...}
//
// The test PKI (tests/crypto/x509/make_test_pki.sh) has a.example.org twice:
// "a" from the tern intermediate (under the tern root) and "a_other" from the
// Other CA; and short.example.org twice: "short" (30 days) and "renewed".
#include "ike/credential_choice.h"

#include <gtest/gtest.h>

#include "crypto/x509/test_pki.h"
#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "pubkey_pair.h"
#include "wire/cert_payload.h"

namespace tern::ike {
namespace {

using testing::credential;
using testing::pki;
using testing::PubkeyPair;
using testing::set_wall_clock;
using testing::trust;
using testing::TwoPeers;
using wire::HashAlgorithm;
using wire::PayloadType;

using Credentials = std::vector<std::shared_ptr<const LocalCredential>>;
const std::optional<std::vector<HashAlgorithm>> kRfc7427{{HashAlgorithm::SHA2_256, HashAlgorithm::IDENTITY}};

// The CERTREQ hash of a CA of the test PKI, computed by openssl.
Bytes ca_hash(const std::string& ca) {
  auto hex = from_hex(pki().text(ca + ".spki.sha1"));
  EXPECT_TRUE(hex.has_value());
  return hex.value_or(Bytes{});
}

std::string subject_of(const CredentialChoice& choice) {
  return choice.credential ? choice.credential->chain.front().subject() : "(none)";
}

// The subject of the first CERT payload of the message in flight to `receiver`.
std::string sent_certificate(TwoPeers& peers, Endpoint& receiver) {
  if (peers.wire.empty()) return "(nothing in flight)";
  auto msg = EndpointPeer::open(receiver, peers.wire.front().bytes);
  if (!msg) return msg.error().to_string();
  const auto* cert = msg->find<wire::CertPayload>(PayloadType::CERT);
  if (cert == nullptr) return "(no CERT)";
  auto parsed = crypto::Certificate::from_der(cert->data);
  return parsed ? parsed->subject() : parsed.error().to_string();
}

TEST(ChooseCredential, TheChainHoldingTheAskedCaWins) {
  const auto root_trust = trust("root");
  const Credentials both{credential("a_other"), credential("a")};
  // a's chain is a -> int; the root above int is in our cacerts, so a CERTREQ for the root names it.
  EXPECT_EQ(subject_of(choose_credential(both, root_trust.get(), {ca_hash("root")}, kRfc7427, pki().now())),
            "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(subject_of(choose_credential(both, root_trust.get(), {ca_hash("int")}, kRfc7427, pki().now())),
            "C=CH, O=tern, CN=a.example.org");
  // a_other's chain carries its (self-signed) CA.
  EXPECT_EQ(subject_of(choose_credential(both, root_trust.get(), {ca_hash("other")}, kRfc7427, pki().now())),
            "C=CH, O=elsewhere, CN=a.example.org");
  // Without our cacerts the root above int is unknown: only int names a's chain.
  EXPECT_EQ(subject_of(choose_credential(both, nullptr, {ca_hash("root")}, kRfc7427, pki().now())),
            "C=CH, O=elsewhere, CN=a.example.org");
}

TEST(ChooseCredential, WithoutACertreqTheFirstIsSentWithoutANote) {
  const Credentials both{credential("a_other"), credential("a")};
  const CredentialChoice choice = choose_credential(both, nullptr, {}, kRfc7427, pki().now());
  EXPECT_EQ(subject_of(choice), "C=CH, O=elsewhere, CN=a.example.org");
  EXPECT_EQ(choice.note, "");
}

TEST(ChooseCredential, ACertreqNamingNoneOfOurCasIsAHintAndANote) {
  const Credentials both{credential("a_other"), credential("a")};
  const Bytes unknown(20, 0x5a);
  const CredentialChoice choice = choose_credential(both, nullptr, {unknown}, kRfc7427, pki().now());
  EXPECT_EQ(subject_of(choice), "C=CH, O=elsewhere, CN=a.example.org");
  EXPECT_EQ(choice.note,
            "the peer's CERTREQ names none of the CAs of our certificates (1 CA hash asked for); sending "
            "C=CH, O=elsewhere, CN=a.example.org (issuer C=CH, O=elsewhere, CN=Other CA) anyway");
}

TEST(ChooseCredential, AKeyThatCannotSignForThePeerIsPassedOver) {
  // Ed25519 needs the peer's RFC 7427 "Identity" hash (RFC 8420).
  const Credentials both{credential("ed"), credential("a")};
  const std::optional<std::vector<HashAlgorithm>> sha256_only{{HashAlgorithm::SHA2_256}};
  EXPECT_EQ(subject_of(choose_credential(both, nullptr, {}, sha256_only, pki().now())),
            "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(subject_of(choose_credential(both, nullptr, {}, std::nullopt, pki().now())),
            "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(subject_of(choose_credential(both, nullptr, {}, kRfc7427, pki().now())),
            "C=CH, O=tern, CN=ed.example.org");
}

TEST(ChooseCredential, ACurrentCertificateBeatsOneTheCertreqNames) {
  const auto root_trust = trust("root");
  // "expired" chains to the root the peer asks for, but the peer would refuse it.
  const Credentials both{credential("expired"), credential("a_other")};
  const CredentialChoice choice =
      choose_credential(both, root_trust.get(), {ca_hash("root")}, kRfc7427, pki().now());
  EXPECT_EQ(subject_of(choice), "C=CH, O=elsewhere, CN=a.example.org");
  EXPECT_NE(choice.note.find("names none of the CAs"), std::string::npos) << choice.note;
  // Before it expired, it was the one.
  EXPECT_EQ(subject_of(choose_credential(both, root_trust.get(), {ca_hash("root")}, kRfc7427,
                                         pki().cert("expired").not_before())),
            "C=CH, O=tern, CN=expired.example.org");
}

// A holds a.example.org from both CAs and lists a_other first; B trusts only
// the tern root, and its CERTREQ says so: A sends "a".
TEST(CredentialChoiceExchange, TheInitiatorSignsWithTheCertificateTheResponderAsksFor) {
  PubkeyPair p("a_other", Identity::fqdn("a.example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.credentials = {credential("a_other"), credential("a")};
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_one();  // IKE_SA_INIT request
  peers.deliver_one();  // response, with CERTREQ(root)
  EXPECT_EQ(sent_certificate(peers, peers.b), "C=CH, O=tern, CN=a.example.org");
  peers.deliver_all();
  ASSERT_NE(peers.only_sa(peers.a), nullptr) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.a)->state, IkeSaState::established) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.b)->state, IkeSaState::established) << peers.dump_events();
  EXPECT_TRUE(peers.log_a.has_event(EventKind::ike_sa_established,
                                    "our certificate C=CH, O=tern, CN=a.example.org (a.pem)"))
      << peers.dump_events();
  EXPECT_FALSE(peers.log_a.has_event(EventKind::certificate_note)) << peers.dump_events();
}

// The same A, and a B that trusts only the Other CA: A sends "a_other".
TEST(CredentialChoiceExchange, AnotherCertreqAnotherCertificate) {
  PubkeyPair p("a", Identity::fqdn("a.example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.credentials = {credential("a"), credential("a_other")};
  p.b.trust = trust("other");
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_one();
  peers.deliver_one();
  EXPECT_EQ(sent_certificate(peers, peers.b), "C=CH, O=elsewhere, CN=a.example.org");
  peers.deliver_all();
  EXPECT_EQ(peers.only_sa(peers.a)->state, IkeSaState::established) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.b)->state, IkeSaState::established) << peers.dump_events();
}

// The responder chooses by the CERTREQ in the IKE_AUTH request.
TEST(CredentialChoiceExchange, TheResponderSignsWithTheCertificateTheInitiatorAsksFor) {
  PubkeyPair p("b", Identity::fqdn("b.example.org"), "a", Identity::fqdn("a.example.org"));
  p.b.credentials = {credential("a"), credential("a_other")};
  p.a.trust = trust("other");
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_one();  // IKE_SA_INIT request
  peers.deliver_one();  // response
  peers.deliver_one();  // IKE_AUTH request, with CERTREQ(other)
  EXPECT_EQ(sent_certificate(peers, peers.a), "C=CH, O=elsewhere, CN=a.example.org");
  peers.deliver_all();
  EXPECT_EQ(peers.only_sa(peers.a)->state, IkeSaState::established) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.b)->state, IkeSaState::established) << peers.dump_events();
}

// Nothing A holds is what B asks for: A says so, sends its certificate
// anyway (§3.7), and B's refusal follows.
TEST(CredentialChoiceExchange, NoCertificateOfTheAskedCaIsReportedBeforeTheRefusal) {
  PubkeyPair p("a", Identity::fqdn("a.example.org"), "b", Identity::fqdn("b.example.org"));
  p.b.trust = trust("other");
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  EXPECT_TRUE(peers.log_a.has_event(EventKind::certificate_note,
                                    "the peer's CERTREQ names none of the CAs of our certificate "))
      << peers.dump_events();
  EXPECT_TRUE(peers.log_b.has_event(EventKind::authentication_failed)) << peers.dump_events();
  EXPECT_TRUE(peers.a.status().empty());
  EXPECT_TRUE(peers.b.status().empty());
}

// The certificate-expiry watch with a renewed certificate loaded beside the
// old one: when A's "short" expires, A reauthenticates (make before break)
// with "renewed" instead of deleting the IKE SA. B's clock is 10 s behind,
// so A's watch fires first.
TEST(CredentialChoiceExchange, OurExpiredCertificateIsReplacedByTheRenewedOneByReauthentication) {
  PubkeyPair p("short", Identity::fqdn("short.example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.credentials = {credential("short"), credential("renewed")};
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  const Duration offset =
      std::chrono::duration_cast<Duration>(pki().now().time_since_epoch()) - peers.now.time_since_epoch();
  peers.b.set_wall_clock_offset(offset - seconds(10));
  peers.up();
  peers.deliver_all();
  ASSERT_NE(peers.only_sa(peers.a), nullptr) << peers.dump_events();
  const IkeSaId first = peers.only_sa(peers.a)->id;
  EXPECT_TRUE(peers.log_a.has_event(EventKind::ike_sa_established, "(short.pem)")) << peers.dump_events();

  ASSERT_TRUE(peers.advance_to_next_deadline());  // A: short expired
  const std::string when = crypto::format_wall_time(pki().cert("short").not_after());
  EXPECT_TRUE(peers.log_a.has_event(EventKind::certificate_expired,
                                    "our certificate (short.pem) expired on " + when +
                                        "; reauthenticating with C=CH, O=tern, CN=short.example.org "
                                        "(renewed.pem)"))
      << peers.dump_events();
  peers.deliver_all();
  peers.let_the_reauthenticated_sa_go();
  ASSERT_NE(peers.only_sa(peers.a), nullptr) << peers.dump_events();
  EXPECT_NE(peers.only_sa(peers.a)->id, first);
  EXPECT_EQ(peers.only_sa(peers.a)->state, IkeSaState::established);
  ASSERT_NE(peers.only_sa(peers.b), nullptr) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.b)->state, IkeSaState::established);
  EXPECT_TRUE(peers.log_a.has_event(EventKind::ike_sa_established, "(renewed.pem)")) << peers.dump_events();
  EXPECT_EQ(peers.a.counters().cert_expiry_reauths, 1u);
  EXPECT_EQ(peers.a.counters().cert_expiry_deletes, 0u);
  EXPECT_EQ(peers.b.counters().ike_sas_cert_expired, 0u);  // B's watch now follows "renewed"
  // The next deadline is far: the renewed certificate's, or a rekey.
  ASSERT_TRUE(peers.a.next_deadline().has_value());
  EXPECT_GT(*peers.a.next_deadline(), peers.now + hours(24));
}

}  // namespace
}  // namespace tern::ike

// IKE_AUTH with certificates (RFC 7296 §2.15, §3.6-3.8; RFC 7427; RFC 4754;
// RFC 8420): two Endpoints, the PKI of tests/crypto/x509/make_test_pki.sh
// (root RSA-3072 -> intermediate ECDSA P-256 -> end entities), the wall clock
// set so that the fake `now` is the moment the PKI was made.
//
//   HDR, SAi1, KEi, Ni, N(SIGNATURE_HASH_ALGORITHMS)  -->
//        <--  HDR, SAr1, KEr, Nr, CERTREQ, N(SIGNATURE_HASH_ALGORITHMS)
//   HDR, SK {IDi, CERT, CERT, CERTREQ, IDr, AUTH, SAi2, TSi, TSr}  -->
//                        <--  HDR, SK {IDr, CERT, CERT, AUTH, SAr2, TSi, TSr}
#include <gtest/gtest.h>

#include <functional>

#include "crypto/private_key_file.h"
#include "crypto/trust_store.h"
#include "crypto/x509/test_pki.h"
#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "pubkey_pair.h"
#include "wire/cert_payload.h"

namespace tern::ike {
namespace {

using crypto::testing::TestPki;
using testing::TwoPeers;
using wire::PayloadType;

using testing::credential;
using testing::pki;
using testing::set_wall_clock;
using testing::trust;
using Pair = testing::PubkeyPair;

// Replaces the IKE_AUTH message in flight (from `sender` to `receiver`) by
// `edit` of its decrypted payloads, sealed again with the same keys.
void tamper(TwoPeers& peers, Endpoint& sender, Endpoint& receiver,
            const std::function<void(IkeMessage&)>& edit) {
  ASSERT_FALSE(peers.wire.empty());
  testing::Datagram& d = peers.wire.front();
  auto msg = EndpointPeer::open(receiver, d.bytes);
  ASSERT_TRUE(msg.has_value()) << msg.error().to_string();
  ASSERT_EQ(msg->exchange, wire::ExchangeType::IKE_AUTH);
  edit(*msg);
  const auto statuses = sender.status();
  ASSERT_EQ(statuses.size(), 1u);
  d.bytes = EndpointPeer::seal(sender, statuses.front().id, *msg);
}

wire::Payload* find(IkeMessage& msg, PayloadType type) {
  for (wire::Payload& p : msg.payloads)
    if (p.type == type) return &p;
  return nullptr;
}

void expect_established(TwoPeers& peers) {
  ASSERT_NE(peers.only_sa(peers.a), nullptr) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.a)->state, IkeSaState::established) << peers.dump_events();
  ASSERT_NE(peers.only_sa(peers.b), nullptr) << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.b)->state, IkeSaState::established) << peers.dump_events();
  EXPECT_EQ(peers.log_a.installed.size(), 1u);
  EXPECT_EQ(peers.log_b.installed.size(), 1u);
}

// The responder B refuses A's IKE_AUTH: both SAs gone, the reason on B.
void expect_b_refuses(TwoPeers& peers, std::string_view reason) {
  EXPECT_TRUE(peers.log_b.has_event(EventKind::authentication_failed, reason)) << peers.dump_events();
  EXPECT_TRUE(peers.log_a.has_event(EventKind::authentication_failed, "AUTHENTICATION_FAILED"))
      << peers.dump_events();
  EXPECT_TRUE(peers.a.status().empty());
  EXPECT_TRUE(peers.b.status().empty());
  EXPECT_TRUE(peers.log_a.installed.empty());
  EXPECT_TRUE(peers.log_b.installed.empty());
  EXPECT_EQ(peers.b.counters().authentication_failures, 1u);
}

// The initiator A refuses B's IKE_AUTH response: A's SA gone, the reason on
// A; and B, whose IKE SA was up, is told (§2.21.2) and removes it too:
//   HDR, SK {N(AUTHENTICATION_FAILED)}  -->
//                        <--  HDR, SK {}
void expect_a_refuses(TwoPeers& peers, std::string_view reason) {
  EXPECT_TRUE(peers.log_a.has_event(EventKind::authentication_failed, reason)) << peers.dump_events();
  EXPECT_TRUE(peers.a.status().empty());
  EXPECT_TRUE(peers.log_a.installed.empty());
  EXPECT_EQ(peers.a.counters().authentication_failures, 1u);
  EXPECT_TRUE(peers.log_b.has_event(EventKind::authentication_failed,
                                    "refused our authentication after IKE_AUTH (AUTHENTICATION_FAILED)"))
      << peers.dump_events();
  EXPECT_TRUE(peers.b.status().empty()) << peers.dump_events();
  EXPECT_EQ(peers.log_b.removed.size(), peers.log_b.installed.size());
  EXPECT_EQ(peers.b.counters().authentication_failures, 1u);
}

TEST(PubkeyAuth, EcdsaP256BothWaysWithRfc7427) {
  // HDR, SAi1, KEi, Ni, N(SIGNATURE_HASH_ALGORITHMS) -->
  //   <-- HDR, SAr1, KEr, Nr, CERTREQ(root), N(SIGNATURE_HASH_ALGORITHMS)
  // HDR, SK {IDi, CERT(a), CERT(int), CERTREQ(root), IDr, AUTH(14, ECDSA SHA-256), ...} -->
  //   <-- HDR, SK {IDr, CERT(b), CERT(int), AUTH(14, ECDSA SHA-256), ...}
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_one();  // IKE_SA_INIT request
  peers.deliver_one();  // response
  ASSERT_FALSE(peers.wire.empty());
  auto request = EndpointPeer::open(peers.b, peers.wire.front().bytes);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(wire::count_payloads(request->payloads, PayloadType::CERT), 2u);  // a, then int (no root)
  EXPECT_EQ(wire::count_payloads(request->payloads, PayloadType::CERTREQ), 1u);
  const auto* auth = request->find<wire::AuthPayload>(PayloadType::AUTH);
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->method, wire::AuthMethod::DIGITAL_SIGNATURE);
  peers.deliver_all();
  expect_established(peers);
  EXPECT_TRUE(peers.log_a.has_event(EventKind::ike_sa_established,
                                    "auth pubkey (sent DIGITAL_SIGNATURE (ECDSA SHA-256), received "
                                    "DIGITAL_SIGNATURE (ECDSA SHA-256))"))
      << peers.dump_events();
  EXPECT_EQ(peers.only_sa(peers.a)->remote_id, "fqdn:b.example.org");
  EXPECT_EQ(peers.b.counters().authentication_failures, 0u);
  EXPECT_FALSE(peers.log_a.has_event(EventKind::certificate_note)) << peers.dump_events();
  EXPECT_FALSE(peers.log_b.has_event(EventKind::certificate_note)) << peers.dump_events();
}

TEST(PubkeyAuth, Rsa3072WithRfc7427SignsRsassaPss) {
  Pair p("rsa", Identity::fqdn("rsa.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  EXPECT_TRUE(
      peers.log_b.has_event(EventKind::ike_sa_established, "received DIGITAL_SIGNATURE (RSASSA-PSS SHA-256)"))
      << peers.dump_events();
}

// RFC 7383 with certificates: an RSA-3072 end entity, its intermediate and
// an RSA signature make an IKE_AUTH request far over the default
// fragment_size of 1280 octets; with fragmentation "yes" (the default) on
// both ends it goes in SKF fragments, each no bigger than that, and the
// responder reassembles it before it verifies the chain.
TEST(PubkeyAuth, ARsaChainGoesInFragmentsByDefault) {
  Pair p("rsa", Identity::fqdn("rsa.example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.fragmentation = p.b.fragmentation = Fragmentation::yes;
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_one();               // IKE_SA_INIT request, N(IKEV2_FRAGMENTATION_SUPPORTED)
  peers.deliver_one();               // response, the same
  ASSERT_GE(peers.wire.size(), 2u);  // HDR, SKF{1/n, ...}, HDR, SKF{2/n, ...}, ...
  for (const testing::Datagram& d : peers.wire) EXPECT_LE(d.bytes.size() + 28, 1280u);  // + IPv4, UDP
  peers.deliver_all();
  expect_established(peers);
  EXPECT_GE(peers.a.counters().ike_messages_fragmented, 1u);
  EXPECT_GE(peers.b.counters().ike_messages_reassembled, 1u);
}

TEST(PubkeyAuth, Rsa3072WithoutSignatureHashAlgorithmsUsesClassicMethod1) {
  // Neither end announces RFC 7427: AUTH method 1, RSASSA-PKCS1-v1_5 with SHA-1 (RFC 7296 §3.8).
  Pair p("rsa", Identity::fqdn("rsa.example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.announce_signature_hashes = false;
  p.b.announce_signature_hashes = false;
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  EXPECT_TRUE(peers.log_b.has_event(EventKind::ike_sa_established,
                                    "(sent ECDSA_SHA256_P256, received RSA_DIGITAL_SIGNATURE)"))
      << peers.dump_events();
}

TEST(PubkeyAuth, Ed25519BothWays) {
  Pair p("ed", Identity::fqdn("ed.example.org"), "b", Identity::fqdn("b.example.org"));
  p.b.credentials = {credential("ed")};
  p.b.local_id = p.a.remote_id = Identity::fqdn("ed.example.org");
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  EXPECT_TRUE(
      peers.log_a.has_event(EventKind::ike_sa_established,
                            "(sent DIGITAL_SIGNATURE (Ed25519), received DIGITAL_SIGNATURE (Ed25519))"))
      << peers.dump_events();
}

TEST(PubkeyAuth, ClassicEcdsaWhenThePeerSendsNoSignatureHashAlgorithms) {
  // A plays an RFC 7296-only initiator: B has no SIGNATURE_HASH_ALGORITHMS
  // from it and signs with method 9 (ECDSA SHA-256 on P-256, r || s); A got
  // B's announcement and signs with method 14.
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.announce_signature_hashes = false;
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  EXPECT_TRUE(peers.log_a.has_event(EventKind::ike_sa_established,
                                    "(sent DIGITAL_SIGNATURE (ECDSA SHA-256), received ECDSA_SHA256_P256)"))
      << peers.dump_events();
}

TEST(PubkeyAuth, Ed25519NeedsTheIdentityHash) {
  // B has an Ed25519 key, A announces nothing: B cannot sign (no classic method for Ed25519).
  Pair p("a", Identity::rfc822("a@example.org"), "ed", Identity::fqdn("ed.example.org"));
  p.a.announce_signature_hashes = false;
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  EXPECT_TRUE(peers.log_b.has_event(EventKind::authentication_failed, "needs RFC 7427 signatures"))
      << peers.dump_events();
  EXPECT_TRUE(peers.a.status().empty());
  EXPECT_TRUE(peers.b.status().empty());
}

TEST(PubkeyAuth, MixedMethodsPskOneWayCertificateTheOther) {
  // A proves itself with the PSK, B with its certificate.
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.local_auth = p.b.remote_auth = AuthKind::psk;
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  EXPECT_TRUE(peers.log_b.has_event(EventKind::ike_sa_established, "auth pubkey/psk")) << peers.dump_events();
}

TEST(PubkeyAuth, CertreqNamingNoneOfOurCasIsNotedAndTheChainSentAnyway) {
  // A trusts only "Other CA": its CERTREQ names a CA B's chain does not
  // have. B sends its chain anyway (§3.7: a hint) and says so; A then
  // refuses the chain.
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
  p.a.trust = trust("other");
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  EXPECT_TRUE(peers.log_b.has_event(EventKind::certificate_note, "names none of the CAs of our certificate"))
      << peers.dump_events();
  expect_a_refuses(peers,
                   "issuer C=CH, O=tern, CN=tern Root CA of certificate C=CH, O=tern, "
                   "CN=tern Intermediate CA is not a trusted CA");
  EXPECT_FALSE(peers.log_a.has_event(EventKind::certificate_note)) << peers.dump_events();
}

TEST(PubkeyAuth, CertificateFromAnUnknownCaIsRefused) {
  Pair p("stranger", Identity::fqdn("stranger.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  // The stranger's chain ends in its (self-signed) root, which is never sent.
  expect_b_refuses(peers,
                   "peer 192.0.2.1: issuer C=CH, O=elsewhere, CN=Other CA of certificate C=CH, "
                   "O=elsewhere, CN=stranger.example.org is not a trusted CA");
}

TEST(PubkeyAuth, ExpiredCertificateIsRefusedWithItsDate) {
  // A's clock is a month slow, so A still thinks its certificate is valid
  // (it would not authenticate with one it knows expired: see below).
  Pair p("expired", Identity::fqdn("expired.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.a.set_wall_clock_offset(std::chrono::duration_cast<Duration>(pki().now().time_since_epoch()) -
                                peers.now.time_since_epoch() - hours(24 * 30));
  peers.up();
  peers.deliver_all();
  expect_b_refuses(peers, "peer 192.0.2.1: certificate C=CH, O=tern, CN=expired.example.org expired on ");
}

TEST(PubkeyAuth, WeDoNotAuthenticateWithAnExpiredCertificate) {
  Pair p("expired", Identity::fqdn("expired.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  // A never sends IKE_AUTH: B's half-open IKE SA ends at its half-open timeout.
  EXPECT_TRUE(peers.log_a.has_event(EventKind::authentication_failed,
                                    "cannot make our AUTH: our certificate C=CH, O=tern, "
                                    "CN=expired.example.org (expired.pem) expired on "))
      << peers.dump_events();
  EXPECT_TRUE(peers.log_a.has_event(EventKind::authentication_failed, "run `ternctl reload`"));
  EXPECT_TRUE(peers.a.status().empty());
  EXPECT_EQ(peers.a.counters().authentication_failures, 1u);
}

TEST(PubkeyAuth, NotYetValidCertificateIsRefused) {
  Pair p("a", Identity::rfc822("a@example.org"), "notyet", Identity::fqdn("notyet.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_a_refuses(peers,
                   "peer 192.0.2.2: certificate C=CH, O=tern, CN=notyet.example.org is not yet valid until ");
}

TEST(PubkeyAuth, CertificateRevokedByCrlIsRefused) {
  Pair p("revoked", Identity::fqdn("revoked.example.org"), "b", Identity::fqdn("b.example.org"));
  p.b.trust = trust("root", /*crls=*/true);
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_b_refuses(peers, "certificate C=CH, O=tern, CN=revoked.example.org was revoked on ");
}

TEST(PubkeyAuth, IdentityNotInTheCertificateIsRefused) {
  // B claims c.example.org with the certificate of b.example.org; A accepts any identity.
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("c.example.org"));
  p.a.remote_id = Identity::match_any();
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_a_refuses(peers,
                   "IDr c.example.org is not in the certificate's subjectAltNames (DNS: b.example.org)");
}

TEST(PubkeyAuth, DistinguishedNameIdentityIsTheSubject) {
  // IDi of type ID_DER_ASN1_DN (the default for a certificate without id).
  Pair p("a", Identity::dn(pki().cert("a").subject_der()), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  EXPECT_EQ(peers.only_sa(peers.b)->remote_id, "C=CH, O=tern, CN=a.example.org");
}

TEST(PubkeyAuth, KeyOfAnotherCertificateDoesNotVerify) {
  // B signs with a's key but sends b's certificate: a forged signature for that certificate.
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
  auto key = crypto::load_private_key_file(pki().path("a.key"));
  ASSERT_TRUE(key.has_value());
  p.b.credentials = {std::make_shared<const LocalCredential>(
      LocalCredential{std::move(*key), {pki().cert("b"), pki().cert("int")}, "b.pem", "a.key"})};
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_a_refuses(peers,
                   "its AUTH (ECDSA SHA-256 with the key of C=CH, O=tern, CN=b.example.org) does not verify");
}

TEST(PubkeyAuth, WithoutTheWallClockEveryChainIsRefused) {
  Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  peers.up();
  peers.deliver_all();
  expect_b_refuses(peers, "no wall-clock time");
}

// --- The certificate-expiry watch (cert_expiry.cc) ---------------------------

// A authenticates with "short", which expires 30 days after the PKI was made;
// B with "b" (a year). Nothing happens before the notAfter. At it, under the
// fake clock:
//   A: its own certificate expired: it deletes the IKE SA (and the CHILD_SA).
//   B: the peer's certificate expired: it reauthenticates, make before break;
//      A still presents the expired "short", so B refuses the new IKE SA, and
//      the old one is deleted rather than kept.
TEST(CertificateExpiry, AnExpiredCertificateEndsTheIkeSaOnBothSides) {
  Pair p("short", Identity::fqdn("short.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  const crypto::WallTime expiry = pki().cert("short").not_after();
  const Timestamp expires_at =
      peers.now + std::chrono::duration_cast<Duration>(expiry - pki().now());  // harness now = PKI's now
  EXPECT_EQ(peers.a.next_deadline(), expires_at);
  EXPECT_EQ(peers.b.next_deadline(), expires_at);

  peers.now = expires_at - seconds(1);
  peers.a.on_timer(peers.now);
  peers.b.on_timer(peers.now);
  peers.collect();
  EXPECT_TRUE(peers.wire.empty());
  expect_established(peers);

  ASSERT_TRUE(peers.advance_to_next_deadline());
  for (int i = 0; i < 20 && (!peers.wire.empty() || peers.advance_to_next_deadline()); ++i)
    peers.deliver_all();
  const std::string when = crypto::format_wall_time(expiry);
  EXPECT_TRUE(
      peers.log_a.has_event(EventKind::certificate_expired, "our certificate (short.pem) expired on " + when))
      << peers.dump_events();
  EXPECT_TRUE(
      peers.log_b.has_event(EventKind::certificate_expired,
                            "the peer's certificate C=CH, O=tern, CN=short.example.org expired on " + when))
      << peers.dump_events();
  EXPECT_TRUE(peers.log_b.has_event(EventKind::authentication_failed, "AUTHENTICATION_FAILED"))
      << peers.dump_events();
  // A, asked to authenticate again with its expired certificate, refuses to.
  EXPECT_TRUE(peers.log_a.has_event(
      EventKind::authentication_failed,
      "our certificate C=CH, O=tern, CN=short.example.org (short.pem) expired on " + when))
      << peers.dump_events();
  EXPECT_TRUE(peers.a.status().empty()) << peers.dump_events();
  EXPECT_TRUE(peers.b.status().empty()) << peers.dump_events();
  EXPECT_EQ(peers.log_a.removed.size(), peers.log_a.installed.size());
  EXPECT_EQ(peers.log_b.removed.size(), peers.log_b.installed.size());
  EXPECT_EQ(peers.a.counters().ike_sas_cert_expired, 1u);
  EXPECT_EQ(peers.a.counters().cert_expiry_deletes, 1u);
  EXPECT_EQ(peers.b.counters().ike_sas_cert_expired, 1u);
  EXPECT_EQ(peers.b.counters().cert_expiry_reauths, 1u);
  EXPECT_FALSE(peers.a.next_deadline().has_value());
  EXPECT_FALSE(peers.b.next_deadline().has_value());
}

// The same with B's clock 10 s ahead of A's: B sees A's certificate expire
// first and reauthenticates while A, by its own clock, still uses it. B
// refuses A's expired certificate in the new IKE SA and deletes the old one
// instead of keeping it.
TEST(CertificateExpiry, AFailedReauthenticationDeletesTheOldIkeSa) {
  Pair p("short", Identity::fqdn("short.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  const Duration offset =
      std::chrono::duration_cast<Duration>(pki().now().time_since_epoch()) - peers.now.time_since_epoch();
  peers.b.set_wall_clock_offset(offset + seconds(10));
  peers.up();
  peers.deliver_all();
  expect_established(peers);
  ASSERT_TRUE(peers.advance_to_next_deadline());  // B's: A's certificate expired (by B's clock)
  EXPECT_EQ(peers.b.counters().cert_expiry_reauths, 1u);
  EXPECT_EQ(peers.a.counters().ike_sas_cert_expired, 0u);
  peers.deliver_all();  // B's new IKE SA fails on A's expired certificate; B deletes the old one
  EXPECT_TRUE(peers.log_b.has_event(EventKind::authentication_failed, "short.example.org expired on"))
      << peers.dump_events();
  EXPECT_TRUE(peers.log_b.has_event(EventKind::certificate_expired,
                                    "reauthentication after the certificate expired failed"))
      << peers.dump_events();
  EXPECT_EQ(peers.b.counters().cert_expiry_deletes, 1u);
  EXPECT_EQ(peers.log_b.removed.size(), peers.log_b.installed.size()) << peers.dump_events();
  for (int i = 0; i < 50 && (!peers.wire.empty() || peers.advance_to_next_deadline()); ++i)
    peers.deliver_all();
  EXPECT_TRUE(peers.a.status().empty()) << peers.dump_events();
  EXPECT_TRUE(peers.b.status().empty()) << peers.dump_events();
  EXPECT_EQ(peers.log_a.removed.size(), peers.log_a.installed.size());
}

// A rekey changes the keys, not the authentication: the new IKE SA keeps the
// certificates' expiry, and the watch still fires at it.
TEST(CertificateExpiry, AnIkeSaRekeyDoesNotOutliveTheCertificate) {
  Pair p("short", Identity::fqdn("short.example.org"), "b", Identity::fqdn("b.example.org"));
  TwoPeers peers(p.a, p.b);
  set_wall_clock(peers);
  peers.up();
  peers.deliver_all();
  const std::optional<Timestamp> expires_at = peers.a.next_deadline();
  ASSERT_TRUE(expires_at.has_value());
  ASSERT_TRUE(peers.a.command(Rekey{"a-b", ""}, peers.now).has_value());
  peers.collect();
  peers.deliver_all();
  EXPECT_EQ(peers.a.counters().ike_rekeys_completed, 1u);
  EXPECT_EQ(peers.a.next_deadline(), expires_at);
  EXPECT_EQ(peers.b.next_deadline(), expires_at);
}

// --- Tampered IKE_AUTH requests: AUTHENTICATION_FAILED, never a crash, no SA left ---

class TamperedRequest : public ::testing::Test {
 protected:
  // Runs IKE_SA_INIT, applies `edit` to A's IKE_AUTH request, delivers the rest.
  void run(const std::function<void(IkeMessage&)>& edit, std::string_view reason) {
    Pair p("a", Identity::rfc822("a@example.org"), "b", Identity::fqdn("b.example.org"));
    TwoPeers peers(p.a, p.b);
    set_wall_clock(peers);
    peers.up();
    peers.deliver_one();
    peers.deliver_one();
    tamper(peers, peers.a, peers.b, edit);
    peers.deliver_all();
    expect_b_refuses(peers, reason);
  }
};

TEST_F(TamperedRequest, OneBitFlippedInTheSignature) {
  run(
      [](IkeMessage& m) {
        std::get<wire::AuthPayload>(find(m, PayloadType::AUTH)->body).data.back() ^= 0x01;
      },
      "does not verify");
}

TEST_F(TamperedRequest, SignatureTruncated) {
  run(
      [](IkeMessage& m) {
        auto& data = std::get<wire::AuthPayload>(find(m, PayloadType::AUTH)->body).data;
        data.resize(data.size() / 2);
      },
      "does not verify");
}

TEST_F(TamperedRequest, AlgorithmIdentifierLengthRunsPastTheData) {
  run(
      [](IkeMessage& m) {
        auto& data = std::get<wire::AuthPayload>(find(m, PayloadType::AUTH)->body).data;
        data.resize(5);
        data[0] = 200;
      },
      "malformed RFC 7427 AUTH data");
}

TEST_F(TamperedRequest, UnknownAlgorithmIdentifier) {
  run(
      [](IkeMessage& m) {
        auto& data = std::get<wire::AuthPayload>(find(m, PayloadType::AUTH)->body).data;
        data[data[0]] = 0x7f;  // the last octet of the AlgorithmIdentifier: ecdsa-with-SHA? no such OID
      },
      "not supported");
}

TEST_F(TamperedRequest, ClassicMethodThatDoesNotFitTheKey) {
  run(
      [](IkeMessage& m) {
        std::get<wire::AuthPayload>(find(m, PayloadType::AUTH)->body).method =
            wire::AuthMethod::RSA_DIGITAL_SIGNATURE;
      },
      "AUTH method RSA_DIGITAL_SIGNATURE needs an RSA key");
}

TEST_F(TamperedRequest, SharedKeyInsteadOfASignature) {
  run(
      [](IkeMessage& m) {
        std::get<wire::AuthPayload>(find(m, PayloadType::AUTH)->body).method =
            wire::AuthMethod::SHARED_KEY_MIC;
      },
      "authenticated with a pre-shared key, but we expect a certificate");
}

TEST_F(TamperedRequest, TruncatedCertificate) {
  run(
      [](IkeMessage& m) {
        auto& cert = std::get<wire::CertPayload>(find(m, PayloadType::CERT)->body).data;
        cert.resize(100);
      },
      "its certificate is unusable");
}

TEST_F(TamperedRequest, GarbledCertificate) {
  run(
      [](IkeMessage& m) {
        auto& cert = std::get<wire::CertPayload>(find(m, PayloadType::CERT)->body).data;
        for (size_t i = cert.size() / 3; i < cert.size() / 3 + 16; ++i) cert[i] ^= 0x5a;
      },
      "peer 192.0.2.1: ");
}

TEST_F(TamperedRequest, NoCertificate) {
  run(
      [](IkeMessage& m) {
        std::erase_if(m.payloads, [](const wire::Payload& p) { return p.type == PayloadType::CERT; });
      },
      "it sent no certificate");
}

TEST_F(TamperedRequest, CertificatesInTheWrongOrder) {
  // The intermediate first: its key did not sign AUTH, and it cannot be IDi's certificate.
  run(
      [](IkeMessage& m) {
        std::vector<wire::Payload*> certs;
        for (wire::Payload& p : m.payloads)
          if (p.type == PayloadType::CERT) certs.push_back(&p);
        ASSERT_EQ(certs.size(), 2u);
        std::swap(certs[0]->body, certs[1]->body);
      },
      "peer 192.0.2.1: ");
}

TEST_F(TamperedRequest, HashAndUrlEncodingIsNotSupported) {
  run(
      [](IkeMessage& m) {
        std::get<wire::CertPayload>(find(m, PayloadType::CERT)->body).encoding =
            wire::CertEncoding::HASH_URL_X509_CERT;
      },
      "only X.509 Certificate - Signature (4) is supported");
}

}  // namespace
}  // namespace tern::ike

// Cookies (RFC 7296 §2.6): under a half-open flood the responder answers
// IKE_SA_INIT statelessly with N(COOKIE); a real initiator returns it and
// completes; the secret rotates with a grace period; forged cookies are
// refused; cookie answers create no state; half-open SAs expire.
#include "ike/cookie.h"

#include <gtest/gtest.h>

#include <memory>

#include "crypto/hash.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

Address fake_source(uint8_t n) {
  return Address::ipv4({198, 51, 100, n}, 500);
}

// B's connection for initiators at `from` (only addresses matter for the flood).
ConnectionConfig config_b_for(const Address& from) {
  ConnectionConfig c = config_b();
  c.name = "b-" + from.to_string();
  c.remote = from;
  return c;
}

EndpointConfig cookie_settings(uint32_t threshold, uint32_t threshold_ip) {
  EndpointConfig settings;
  settings.cookie_threshold = threshold;
  settings.cookie_threshold_ip = threshold_ip;
  return settings;
}

// HDR(SPIi, 0), SAi1, KEi, Ni  from a throwaway initiator at `from` that
// never says anything again: one unit of a half-open flood.
Datagram ike_sa_init_from(const Address& from, uint64_t seed, Timestamp now) {
  ConnectionConfig c = config_a();
  c.name = "fake";
  c.local = from;
  EndpointConfig settings;
  settings.connections.push_back(std::make_shared<const ConnectionConfig>(std::move(c)));
  crypto::SeededRandom random(seed);
  Endpoint fake(settings, random);
  EXPECT_TRUE(fake.command(Up{"fake"}, now).has_value());
  for (Effect& e : fake.take_effects()) {
    if (auto* send = std::get_if<Send>(&e))
      return Datagram{send->local, send->remote, std::move(send->bytes)};
  }
  ADD_FAILURE() << "the fake initiator sent nothing";
  return {};
}

// The request again with N(COOKIE) as its first payload (what §2.6 asks of an initiator).
Datagram with_cookie(const Datagram& request, ByteView cookie) {
  wire::Message m = *wire::parse_message(request.bytes);
  wire::NotifyPayload n;
  n.type = wire::NotifyType::COOKIE;
  n.data = Bytes(cookie.begin(), cookie.end());
  m.payloads.insert(m.payloads.begin(), wire::Payload{wire::PayloadType::Notify, false, std::move(n)});
  return Datagram{request.from, request.to, wire::build_message(m)};
}

// The cookie in a  <--  HDR(A,0), N(COOKIE)  answer, or empty when it is something else.
Bytes cookie_in(const Datagram& answer) {
  auto m = wire::parse_message(answer.bytes);
  if (!m || m->payloads.size() != 1 || m->header.spi_r != 0 || !m->header.is_response()) return {};
  const wire::NotifyPayload* n = wire::find_notify(m->payloads, wire::NotifyType::COOKIE);
  return n ? n->data : Bytes{};
}

// Sends `d` to B and returns B's cookie answer (empty when B answered otherwise).
Bytes send_to_b(TwoPeers& net, const Datagram& d) {
  net.wire.clear();
  net.wire.push_back(d);
  EXPECT_TRUE(net.deliver_one());
  EXPECT_EQ(net.wire.size(), 1u);
  Bytes cookie = net.wire.empty() ? Bytes{} : cookie_in(net.wire.front());
  net.wire.clear();
  return cookie;
}

TEST(Cookie, Sha256IsTheStandardOne) {
  // FIPS 180-2 example: SHA-256("abc").
  EXPECT_EQ(to_hex(crypto::sha256({as_bytes("a"), as_bytes("bc")})),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Cookie, AHalfOpenFloodTriggersCookiesAndARealInitiatorCompletesWithTheCookie) {
  std::vector<ConnectionConfig> b_configs{config_b()};
  for (uint8_t n = 1; n <= 8; ++n) b_configs.push_back(config_b_for(fake_source(n)));
  TwoPeers net({config_a()}, b_configs, cookie_settings(5, 3));

  // Eight initiators each send  HDR(X,0), SAi1, KEi, Ni  -->  and vanish.
  // The first five make half-open SAs; from then on B answers  <--  HDR(X,0), N(COOKIE).
  for (uint8_t n = 1; n <= 8; ++n) {
    Bytes cookie = send_to_b(net, ike_sa_init_from(fake_source(n), n, net.now));
    EXPECT_EQ(cookie.empty(), n <= 5) << "initiator " << int{n};
  }
  EXPECT_EQ(net.b.status().size(), 5u);
  EXPECT_EQ(net.b.counters().cookies_sent, 3u);

  // The real initiator:
  //   HDR(A,0), SAi1, KEi, Ni  -->
  //                       <--  HDR(A,0), N(COOKIE)
  //   HDR(A,0), N(COOKIE), SAi1, KEi, Ni  -->
  //                       <--  HDR(A,B), SAr1, KEr, Nr
  //   HDR(A,B), SK {IDi, AUTH, SAi2, TSi, TSr}  -->  ...
  net.up();
  ASSERT_EQ(net.wire.size(), 1u);
  const wire::Message first = *wire::parse_message(net.wire.front().bytes);
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  const Bytes cookie = cookie_in(net.wire.front());
  ASSERT_EQ(cookie.size(), kCookieSize);
  ASSERT_TRUE(net.deliver_one());
  ASSERT_EQ(net.wire.size(), 1u);
  const wire::Message second = *wire::parse_message(net.wire.front().bytes);
  EXPECT_EQ(second.header.spi_i, first.header.spi_i);
  EXPECT_EQ(second.header.spi_r, 0u);
  EXPECT_EQ(second.header.message_id, 0u);
  ASSERT_EQ(second.payloads.size(), first.payloads.size() + 1);
  const auto* n = std::get_if<wire::NotifyPayload>(&second.payloads.front().body);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->type, wire::NotifyType::COOKIE);
  EXPECT_EQ(n->data, cookie);
  // "all other payloads unchanged": the same SAi1, KEi and Ni.
  EXPECT_TRUE(std::equal(first.payloads.begin(), first.payloads.end(), second.payloads.begin() + 1));

  net.deliver_all();
  ASSERT_NE(net.only_sa(net.a), nullptr);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  expect_matching_children(net.log_a, net.log_b);
  EXPECT_EQ(net.a.counters().cookie_retries, 1u);
  EXPECT_EQ(net.b.counters().cookies_sent, 4u);
  EXPECT_EQ(net.b.counters().cookies_accepted, 1u);
  EXPECT_EQ(net.b.status().size(), 6u);

  // The flood's half-open SAs expire (half_open_timeout); the established one stays.
  net.now += seconds(31);
  net.b.on_timer(net.now);
  net.collect();
  ASSERT_EQ(net.b.status().size(), 1u);
  EXPECT_EQ(net.b.status().front().state, IkeSaState::established);
  EXPECT_TRUE(net.log_b.has_event(EventKind::ike_sa_destroyed, "IKE SA setup timed out"));
  // Below the threshold again: a new initiator gets state without a cookie.
  EXPECT_TRUE(send_to_b(net, ike_sa_init_from(fake_source(6), 66, net.now)).empty());
  EXPECT_EQ(net.b.status().size(), 2u);
  EXPECT_EQ(net.b.counters().cookies_sent, 4u);
}

TEST(Cookie, ThePerSourceThresholdLimitsOneAddressOnly) {
  TwoPeers net({config_a()}, {config_b(), config_b_for(fake_source(1)), config_b_for(fake_source(2))},
               cookie_settings(100, 2));
  // Two half-open SAs from 198.51.100.1; the third request from there needs a cookie.
  EXPECT_TRUE(send_to_b(net, ike_sa_init_from(fake_source(1), 1, net.now)).empty());
  EXPECT_TRUE(send_to_b(net, ike_sa_init_from(fake_source(1), 2, net.now)).empty());
  const Datagram third = ike_sa_init_from(fake_source(1), 3, net.now);
  const Bytes cookie = send_to_b(net, third);
  EXPECT_EQ(cookie.size(), kCookieSize);
  EXPECT_EQ(net.b.status().size(), 2u);
  // Another address is not affected.
  EXPECT_TRUE(send_to_b(net, ike_sa_init_from(fake_source(2), 4, net.now)).empty());
  EXPECT_EQ(net.b.status().size(), 3u);
  // The third initiator returns its cookie: it proved its address and gets an SA.
  EXPECT_TRUE(send_to_b(net, with_cookie(third, cookie)).empty());
  EXPECT_EQ(net.b.status().size(), 4u);
  EXPECT_EQ(net.b.counters().cookies_accepted, 1u);
}

TEST(Cookie, CookieAnswersCreateNoState) {
  TwoPeers net({config_a()}, {config_b(), config_b_for(fake_source(1))}, cookie_settings(0, 0));
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const Datagram request = ike_sa_init_from(fake_source(1), seed, net.now);
    net.wire.push_back(request);
    ASSERT_TRUE(net.deliver_one());
    ASSERT_EQ(net.wire.size(), 1u);
    // <--  HDR(X,0), N(COOKIE): our SPIs back, no responder SPI, a response, nothing else.
    const wire::Message answer = *wire::parse_message(net.wire.front().bytes);
    const wire::IkeHeader request_header = wire::parse_message(request.bytes)->header;
    EXPECT_EQ(answer.header.spi_i, request_header.spi_i);
    EXPECT_EQ(answer.header.spi_r, 0u);
    EXPECT_EQ(answer.header.exchange, wire::ExchangeType::IKE_SA_INIT);
    EXPECT_TRUE(answer.header.is_response());
    EXPECT_FALSE(answer.header.is_initiator());
    EXPECT_EQ(net.wire.front().to, request.from);
    EXPECT_EQ(cookie_in(net.wire.front()).size(), kCookieSize);
    net.wire.clear();
  }
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_EQ(net.b.counters().cookies_sent, 50u);
  // The only thing kept is the secret, whose rotation is B's only deadline.
  EXPECT_EQ(net.b.next_deadline(), net.now + seconds(120));
}

TEST(Cookie, ForgedAndMisappliedCookiesAreRefusedWithAFreshOne) {
  TwoPeers net({config_a()}, {config_b(), config_b_for(fake_source(1))}, cookie_settings(0, 0));
  const Datagram r1 = ike_sa_init_from(fake_source(1), 1, net.now);
  const Datagram r2 = ike_sa_init_from(fake_source(1), 2, net.now);
  const Bytes c1 = send_to_b(net, r1);
  ASSERT_EQ(c1.size(), kCookieSize);

  Bytes flipped = c1;
  flipped.back() ^= 1;
  crypto::SeededRandom forger(7);
  Bytes guessed = forger.bytes(kCookieSize);
  std::copy(c1.begin(), c1.begin() + kCookieVersionSize, guessed.begin());  // even with the right version
  const Bytes short_cookie(c1.begin(), c1.begin() + 8);
  for (const Datagram& forged :
       {with_cookie(r1, flipped), with_cookie(r1, guessed), with_cookie(r1, short_cookie),
        with_cookie(r2, c1) /* r1's cookie for r2's SPIi and Ni */}) {
    const Bytes fresh = send_to_b(net, forged);
    EXPECT_EQ(fresh.size(), kCookieSize) << "answered with a fresh cookie";
  }
  EXPECT_EQ(net.b.counters().cookies_rejected, 4u);
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_TRUE(net.log_b.has_event(EventKind::message_dropped, "invalid or stale COOKIE"));

  // A COOKIE that is not the first payload was not returned as §2.6 asks: a new cookie, no state.
  wire::Message m = *wire::parse_message(with_cookie(r1, c1).bytes);
  std::rotate(m.payloads.begin(), m.payloads.begin() + 1, m.payloads.end());
  EXPECT_EQ(send_to_b(net, Datagram{r1.from, r1.to, wire::build_message(m)}).size(), kCookieSize);
  EXPECT_TRUE(net.b.status().empty());

  // The genuine cookie still works.
  EXPECT_TRUE(send_to_b(net, with_cookie(r1, c1)).empty());
  EXPECT_EQ(net.b.status().size(), 1u);
  EXPECT_EQ(net.b.counters().cookies_accepted, 1u);
}

TEST(Cookie, AfterARotationTheOldCookieIsAcceptedWithinTheGraceAndRefusedAfter) {
  TwoPeers net({config_a()}, {config_b(), config_b_for(fake_source(1))}, cookie_settings(0, 0));
  const Timestamp t0 = net.now;
  const Datagram r1 = ike_sa_init_from(fake_source(1), 1, t0);
  const Datagram r2 = ike_sa_init_from(fake_source(1), 2, t0);
  const Bytes c1 = send_to_b(net, r1);
  const Bytes c2 = send_to_b(net, r2);
  ASSERT_EQ(c1.size(), kCookieSize);

  // The secret rotates at t0 + 120 s; the old one is accepted until t0 + 150 s.
  net.now = t0 + seconds(120);
  net.b.on_timer(net.now);
  EXPECT_EQ(net.b.next_deadline(), t0 + seconds(150));
  net.now = t0 + seconds(149);
  EXPECT_TRUE(send_to_b(net, with_cookie(r1, c1)).empty()) << "within the grace period";
  EXPECT_EQ(net.b.status().size(), 1u);

  net.now = t0 + seconds(150);
  const Bytes fresh = send_to_b(net, with_cookie(r2, c2));
  EXPECT_EQ(fresh.size(), kCookieSize) << "after the grace period: refused, a fresh cookie";
  EXPECT_NE(fresh, c2);
  EXPECT_EQ(net.b.counters().cookies_rejected, 1u);
  EXPECT_EQ(net.b.status().size(), 1u);
  // With the fresh cookie the initiator gets in.
  EXPECT_TRUE(send_to_b(net, with_cookie(r2, fresh)).empty());
  EXPECT_EQ(net.b.status().size(), 2u);
}

TEST(Cookie, TheJarRotatesOnScheduleAndForgetsItsSecretsWhenIdle) {
  crypto::SeededRandom random(3);
  CookieJar jar(seconds(120), seconds(30));
  const Timestamp t0 = timestamp_from_us(10'000'000);
  const Bytes ni(32, 0x11);
  const Address ip = fake_source(9);
  EXPECT_FALSE(jar.active());
  EXPECT_EQ(jar.next_deadline(), std::nullopt);

  const Bytes c = jar.make(ni, ip, 0x1234, random, t0);
  EXPECT_EQ(jar.current_version(), 1u);
  EXPECT_EQ(jar.check(c, ni, ip, 0x1234, random, t0), CookieCheck::valid);
  EXPECT_EQ(jar.check(c, ni, ip, 0x1235, random, t0), CookieCheck::invalid);              // another SPIi
  EXPECT_EQ(jar.check(c, ni, fake_source(8), 0x1234, random, t0), CookieCheck::invalid);  // another IPi
  EXPECT_EQ(jar.check(c, ni, ip.with_port(4500), 0x1234, random, t0),
            CookieCheck::valid);  // the port is not hashed
  EXPECT_EQ(jar.check(c, Bytes(32, 0x12), ip, 0x1234, random, t0), CookieCheck::invalid);  // another Ni

  // Checked late, without a timer tick in between: the rotation at t0 + 120 s
  // still counts from its scheduled time, so at t0 + 151 s the old cookie is gone.
  EXPECT_EQ(jar.check(c, ni, ip, 0x1234, random, t0 + seconds(151)), CookieCheck::invalid);
  EXPECT_EQ(jar.current_version(), 2u);
  // Version 2 made no cookie for a whole lifetime: at t0 + 240 s the jar forgets everything.
  jar.on_timer(random, t0 + seconds(240));
  EXPECT_FALSE(jar.active());
  EXPECT_EQ(jar.next_deadline(), std::nullopt);
  EXPECT_EQ(jar.make(ni, ip, 0x1234, random, t0 + seconds(241)).size(), kCookieSize);
  EXPECT_EQ(jar.current_version(), 3u);
}

TEST(Cookie, TheInitiatorGivesUpOnAResponderThatKeepsAskingForCookies) {
  TwoPeers net(config_a(), config_b());
  net.up();
  // <--  HDR(A,0), N(COOKIE)  four times, never accepting what A sends back.
  for (int round = 0; round < 4; ++round) {
    ASSERT_EQ(net.wire.size(), 1u) << "round " << round;
    const wire::IkeHeader request = wire::parse_message(net.wire.front().bytes)->header;
    const Datagram sent = net.wire.front();
    net.wire.clear();
    net.wire.push_back(Datagram{sent.to, sent.from, build_cookie_answer(request, Bytes(16, uint8_t(round)))});
    ASSERT_TRUE(net.deliver_one());
  }
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.a.counters().cookie_retries, 3u);
  EXPECT_TRUE(net.a.status().empty());
  EXPECT_TRUE(net.log_a.has_event(EventKind::ike_sa_destroyed, "asked for a cookie 4 times"))
      << net.dump_events();
}

TEST(Cookie, InvalidKeAfterACookieRetriesWithTheNewGroupAndANewCookie) {
  // §2.6.1: A offers x25519 first, B accepts only MODP 2048, and B wants cookies.
  ConnectionConfig a = config_a();
  a.proposals = {kAes128Gcm, kAes256Sha256Modp2048};
  ConnectionConfig b = config_b();
  b.proposals = {kAes256Sha256Modp2048};
  TwoPeers net({a}, {b}, cookie_settings(0, 0));
  //   HDR(A,0), SAi1, KEi, Ni  -->                <--  HDR(A,0), N(COOKIE)
  //   HDR(A,0), N(COOKIE), SAi1, KEi, Ni  -->      <--  HDR(A,0), N(INVALID_KE_PAYLOAD)
  //   HDR(A,0), SAi1, KEi', Ni'  -->               <--  HDR(A,0), N(COOKIE')
  //   HDR(A,0), N(COOKIE'), SAi1, KEi', Ni'  -->   <--  HDR(A,B), SAr1, KEr, Nr
  net.up();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.a), nullptr);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  EXPECT_EQ(net.only_sa(net.a)->suite->to_string(), kAes256Sha256Modp2048.to_string());
  EXPECT_EQ(net.a.counters().cookie_retries, 2u);
  EXPECT_EQ(net.b.counters().cookies_sent, 2u);
  EXPECT_EQ(net.b.counters().cookies_accepted, 2u);
  EXPECT_EQ(net.b.counters().cookies_rejected, 0u);
  EXPECT_TRUE(net.log_a.has_event(EventKind::invalid_ke_retry));
}

// What a flood of spoofed IKE_SA_INIT requests costs B (issue 10, "Floods";
// the network version is tests/net/flood_test.sh): in cookie mode, nothing
// but a cookie answer smaller than the request.
TEST(CookieFloodCost, SpoofedRequestsInCookieModeCostNoDiffieHellmanNoStateAndNoAmplification) {
  std::vector<ConnectionConfig> b_configs{config_b()};
  for (uint8_t n = 1; n <= 50; ++n) b_configs.push_back(config_b_for(fake_source(n)));
  TwoPeers net({config_a()}, b_configs, cookie_settings(0, 0));
  uint64_t octets_in = 0, octets_out = 0;
  // 50 x  HDR(X,0), SAi1, KEi, Ni, N(NAT_D) x2  -->   <--  HDR(X,0), N(COOKIE)   (X never comes back)
  for (uint8_t n = 1; n <= 50; ++n) {
    const Datagram request = ike_sa_init_from(fake_source(n), n, net.now);
    net.wire.clear();
    net.wire.push_back(request);
    ASSERT_TRUE(net.deliver_one());
    ASSERT_EQ(net.wire.size(), 1u);
    EXPECT_EQ(cookie_in(net.wire.front()).size(), kCookieSize);
    EXPECT_LT(net.wire.front().bytes.size(), request.bytes.size());
    octets_in += request.bytes.size();
    octets_out += net.wire.front().bytes.size();
    net.wire.clear();
  }
  const EndpointCounters& c = net.b.counters();
  EXPECT_EQ(c.cookies_sent, 50u);
  EXPECT_EQ(c.responder_ike_sas_created, 0u);
  EXPECT_EQ(c.dh_computations, 0u);
  EXPECT_TRUE(net.b.status().empty());
  EXPECT_EQ(c.unverified_octets_received, octets_in);
  EXPECT_EQ(c.unverified_octets_sent, octets_out);

  // The real initiator proves its address with the cookie and costs one DH:
  //   HDR(A,0), SAi1, KEi, Ni  -->  <--  HDR(A,0), N(COOKIE)
  //   HDR(A,0), N(COOKIE), SAi1, KEi, Ni  -->  <--  HDR(A,B), SAr1, KEr, Nr  (not counted as unverified)
  net.up();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.a), nullptr);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  EXPECT_EQ(c.responder_ike_sas_created, 1u);
  EXPECT_EQ(c.dh_computations, 1u);
  EXPECT_EQ(c.cookies_accepted, 1u);
  EXPECT_LE(c.unverified_octets_sent, c.unverified_octets_received);
}

TEST(CookieFloodCost, ARequestTooShortForItsCookieAnswerIsNotAnswered) {
  // HDR(X,0), Ni  -->  (48 octets; the cookie answer HDR, N(COOKIE) would be
  // 72): nothing back, nothing kept.
  TwoPeers net({config_a()}, {config_b(), config_b_for(fake_source(1))}, cookie_settings(0, 0));
  wire::Message junk;
  junk.header.spi_i = 0x1122334455667788;
  junk.header.exchange = wire::ExchangeType::IKE_SA_INIT;
  junk.header.flags = wire::kFlagInitiator;
  junk.payloads.push_back({wire::PayloadType::Nonce, false, wire::NoncePayload{Bytes(16, 0xab)}});
  const Bytes bytes = wire::build_message(junk);
  net.wire.clear();
  net.wire.push_back(Datagram{fake_source(1), config_b().local, bytes});
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().cookies_withheld, 1u);
  EXPECT_EQ(net.b.counters().cookies_sent, 0u);
  EXPECT_EQ(net.b.counters().unverified_octets_sent, 0u);
  EXPECT_EQ(net.b.counters().unverified_octets_received, bytes.size());
}

TEST(CookieFloodCost, APrefixConnectionAnswersAnyPeerInItAndNeverInitiates) {
  // remote_addrs = ["192.0.2.0/24"]: a responder-only connection (A is 192.0.2.1).
  ConnectionConfig any = config_b();
  any.name = "any";
  any.remote = Address::ipv4({192, 0, 2, 0}, 500);
  any.remote_prefix = 24;
  TwoPeers net({config_a()}, {any}, cookie_settings(30, 3));
  net.up();
  net.deliver_all();
  ASSERT_NE(net.only_sa(net.b), nullptr);
  EXPECT_EQ(net.only_sa(net.b)->state, IkeSaState::established) << net.dump_events();
  Result<void> up = net.b.command(Up{"any"}, net.now);
  ASSERT_FALSE(up.has_value());
  EXPECT_NE(up.error().detail.find("only answers"), std::string::npos) << up.error().detail;
  // A peer outside the prefix finds no connection.
  net.wire.clear();
  net.wire.push_back(ike_sa_init_from(Address::ipv4({203, 0, 113, 9}, 500), 9, net.now));
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().dropped_no_connection, 1u);
}

}  // namespace
}  // namespace tern::ike::testing

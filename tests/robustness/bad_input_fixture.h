// The bad-input suite's stage (issue 10): responder B (192.0.2.2) already
// has an IKE SA and a CHILD_SA with A (192.0.2.1), the bystander, when
// attacker C (198.51.100.7) sends it crafted datagrams. C is a tern Endpoint
// of its own, so that a test can bring C's IKE SA with B as far as it needs
// (nothing, IKE_SA_INIT done, or established) and then craft messages with
// C's real keys: unauthenticated garbage, or authentic but malformed
// requests.
//
// Each test states what B must do with its input (the RFC's answer, or a
// silent drop), which counter says so, and ends with
// expect_bystander_untouched(): B's SA with A still has the same SPIs and
// CHILD_SA, nothing was sent to A, and a liveness check both ways is
// answered.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "ike/tasks/ike_dpd.h"
#include "wire/message.h"

namespace tern::ike::testing {

inline const Address kAddrC = Address::ipv4({198, 51, 100, 7}, 500);

// IKE header offsets (RFC 7296 §3.1).
inline constexpr size_t kOffSpiR = 8;
inline constexpr size_t kOffNextPayload = 16;
inline constexpr size_t kOffVersion = 17;
inline constexpr size_t kOffExchange = 18;
inline constexpr size_t kOffFlags = 19;
inline constexpr size_t kOffMessageId = 20;
inline constexpr size_t kOffLength = 24;
inline constexpr size_t kHdr = 28;

inline void put_u16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
inline void put_u32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
inline uint16_t get_u16(const Bytes& b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

// C's connection to B, and B's connection for C (PSK, like A and B's).
inline ConnectionConfig config_c() {
  ConnectionConfig c = config_a();
  c.name = "c-b";
  c.local = kAddrC;
  c.local_id = Identity::rfc822("c@example.org");
  c.children[0].local_ts = {subnet24(10, 3, 0)};
  return c;
}
inline ConnectionConfig config_b_for_c() {
  ConnectionConfig c = config_b();
  c.name = "b-c";
  c.remote = kAddrC;
  c.remote_id = Identity::rfc822("c@example.org");
  c.children[0].remote_ts = {subnet24(10, 3, 0)};
  return c;
}

// An Endpoint-wide config with one connection.
inline EndpointConfig single_connection(ConnectionConfig c) {
  EndpointConfig e;
  e.connections.push_back(std::make_shared<const ConnectionConfig>(std::move(c)));
  return e;
}

class BadInputTest : public ::testing::Test {
 protected:
  explicit BadInputTest(ConnectionConfig c_config = config_c(), ConnectionConfig b_for_c = config_b_for_c())
      : net(std::vector{config_a()}, std::vector{config_b(), std::move(b_for_c)}),
        c_random(77),
        c(single_connection(std::move(c_config)), c_random) {}

  void SetUp() override {
    establish_one_child(net);
    ASSERT_FALSE(HasFatalFailure());
    bystander = *sa_of(net.b, "b-a");
  }

  // --- what B says ---------------------------------------------------------

  // Delivers `bytes` from `from` to B; returns what B sent back to `from`.
  std::vector<Bytes> to_b(const Bytes& bytes, const Address& from = kAddrC, const Address& to = kAddrB) {
    net.b.on_datagram(to, from, bytes, net.now);
    net.collect();
    return take_sent_to(from);
  }
  // Takes the datagrams in flight to `who` off the wire.
  std::vector<Bytes> take_sent_to(const Address& who) {
    std::vector<Bytes> out;
    for (auto it = net.wire.begin(); it != net.wire.end();) {
      if (it->to.same_ip(who)) {
        out.push_back(std::move(it->bytes));
        it = net.wire.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  // The one answer in `answers`: an unprotected message whose only payload is N(`type`).
  static void expect_notify_answer(const std::vector<Bytes>& answers, wire::NotifyType type) {
    ASSERT_EQ(answers.size(), 1u) << "expected one answer with N(" << wire::to_string(type) << ")";
    Result<wire::Message> m = wire::parse_message(answers.front());
    ASSERT_TRUE(m.has_value()) << m.error().to_string();
    EXPECT_TRUE(m->header.is_response());
    EXPECT_NE(wire::find_notify(m->payloads, type), nullptr)
        << "no N(" << wire::to_string(type) << ") in the answer";
  }
  // `answers` is one SK-protected response from B to C's SA; returns its inner payloads.
  std::vector<wire::Payload> open_answer(const std::vector<Bytes>& answers) {
    EXPECT_EQ(answers.size(), 1u);
    if (answers.empty()) return {};
    Result<IkeMessage> m = EndpointPeer::open(c, answers.front());
    EXPECT_TRUE(m.has_value()) << m.error().to_string();
    return m ? m->payloads : std::vector<wire::Payload>{};
  }

  // B drops `bytes` without a word and counts it in `counter`; it keeps no
  // IKE SA for C unless C already had one (`c_had_sa`).
  void expect_silent_drop(const Bytes& bytes, uint64_t EndpointCounters::*counter, bool c_had_sa = false) {
    const uint64_t before = net.b.counters().*counter;
    const size_t sas = net.b.status().size();
    EXPECT_TRUE(to_b(bytes).empty()) << "B answered";
    EXPECT_EQ(net.b.counters().*counter, before + 1) << "not counted";
    EXPECT_EQ(net.b.status().size(), sas) << "B made or lost an IKE SA";
    if (!c_had_sa) {
      EXPECT_EQ(sa_of(net.b, "b-c"), nullptr) << "B kept state for C";
    }
  }
  // B answers `bytes` as a good IKE_SA_INIT request: HDR, SAr1, KEr, Nr.
  void expect_ike_sa_init_answer(const Bytes& bytes) {
    std::vector<Bytes> answers = to_b(bytes);
    ASSERT_EQ(answers.size(), 1u);
    Result<wire::Message> m = wire::parse_message(answers.front());
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(m->header.is_response());
    EXPECT_NE(wire::find_payload(m->payloads, wire::PayloadType::SA), nullptr);
    EXPECT_NE(wire::find_payload(m->payloads, wire::PayloadType::KE), nullptr);
    EXPECT_NE(wire::find_payload(m->payloads, wire::PayloadType::Nonce), nullptr);
  }
  // B answers `bytes` with HDR(R=1), N(type) and keeps no IKE SA for C.
  void expect_unprotected_refusal(const Bytes& bytes, wire::NotifyType type) {
    const size_t sas = net.b.status().size();
    expect_notify_answer(to_b(bytes), type);
    EXPECT_EQ(net.b.status().size(), sas) << "B kept state for C";
  }

  // --- C's IKE SA with B -----------------------------------------------------

  // C's first IKE_SA_INIT request, as C's Endpoint built it (not delivered).
  Bytes c_init_request() {
    EXPECT_TRUE(c.command(Up{"c-b"}, net.now).has_value());
    std::vector<Bytes> sent = c_sends();
    EXPECT_EQ(sent.size(), 1u);
    return sent.empty() ? Bytes{} : sent.front();
  }
  // C's request as a parsed message, for tests that change its payloads.
  wire::Message c_init_message() {
    Result<wire::Message> m = wire::parse_message(c_init_request());
    EXPECT_TRUE(m.has_value());
    return m ? *m : wire::Message{};
  }
  // HDR, SAi1, KEi, Ni  -->  <--  HDR, SAr1, KEr, Nr: C's IKE SA is set up
  // (keys derived, not authenticated). Returns C's IKE_AUTH request (not delivered).
  Bytes c_through_ike_sa_init() {
    std::vector<Bytes> answers = to_b(c_init_request());
    EXPECT_EQ(answers.size(), 1u);
    for (const Bytes& a : answers) c.on_datagram(kAddrC, kAddrB, a, net.now);
    std::vector<Bytes> sent = c_sends();
    EXPECT_EQ(sent.size(), 1u);
    return sent.empty() ? Bytes{} : sent.front();
  }
  // And IKE_AUTH: C's IKE SA and CHILD_SA are up on both ends.
  void c_established() {
    Bytes auth = c_through_ike_sa_init();
    Result<IkeMessage> opened = EndpointPeer::open(net.b, auth);
    ASSERT_TRUE(opened.has_value());
    c_auth_payloads = opened->payloads;
    for (const Bytes& a : to_b(auth)) c.on_datagram(kAddrC, kAddrB, a, net.now);
    c.take_effects();
    ASSERT_NE(c_sa(), nullptr);
    ASSERT_EQ(c_sa()->state, IkeSaState::established);
    ASSERT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  }
  std::vector<Bytes> c_sends() {
    std::vector<Bytes> out;
    for (Effect& e : c.take_effects()) {
      if (auto* send = std::get_if<Send>(&e)) out.push_back(std::move(send->bytes));
    }
    return out;
  }
  // C's latest IKE SA (tests may start several).
  const IkeSaStatus* c_sa() {
    statuses_[&c] = c.status();
    const IkeSaStatus* latest = nullptr;
    for (const IkeSaStatus& s : statuses_[&c]) {
      if (s.state != IkeSaState::dead) latest = &s;
    }
    return latest;
  }

  // `msg` sealed with C's keys, as C's IKE SA would send it.
  Bytes c_seal(wire::ExchangeType exchange, uint32_t message_id, std::vector<wire::Payload> payloads,
               bool response = false) {
    IkeMessage msg;
    msg.exchange = exchange;
    msg.message_id = message_id;
    msg.response = response;
    msg.payloads = std::move(payloads);
    return EndpointPeer::seal(c, c_sa()->id, msg);
  }
  // HDR, SK {raw inner octets}: an inner chain of the test's own making
  // (lengths that lie, too), sealed with C's keys so that it is authentic.
  Bytes c_seal_raw(wire::ExchangeType exchange, uint32_t message_id, wire::PayloadType first_inner,
                   const Bytes& inner) {
    const IkeSaStatus* sa = c_sa();
    wire::IkeHeader h;
    h.spi_i = sa->spi_i;
    h.spi_r = sa->spi_r;
    h.exchange = exchange;
    h.flags = wire::kFlagInitiator;
    h.message_id = message_id;
    wire::SkPayload sk;
    sk.first_inner = first_inner;
    wire::Message m{h, {wire::Payload{wire::PayloadType::SK, false, sk}}};
    return EndpointPeer::seal_raw(c, sa->id, m, inner);
  }

  // --- the bystander ----------------------------------------------------------

  const IkeSaStatus* sa_of(const Endpoint& e, std::string_view connection) {
    statuses_[&e] = e.status();
    for (const IkeSaStatus& s : statuses_[&e]) {
      if (s.connection == connection && s.state != IkeSaState::dead) return &s;
    }
    return nullptr;
  }

  // B's SA with A is as it was, nothing went to A, and a liveness check each
  // way (HDR, SK {} --> <-- HDR, SK {}) is still answered.
  void expect_bystander_untouched() {
    EXPECT_TRUE(take_sent_to(kAddrA).empty()) << "B sent something to the bystander";
    const IkeSaStatus* now = sa_of(net.b, "b-a");
    ASSERT_NE(now, nullptr) << "B's IKE SA with A is gone";
    EXPECT_EQ(now->id, bystander.id);
    EXPECT_EQ(now->state, IkeSaState::established);
    EXPECT_EQ(now->spi_i, bystander.spi_i);
    EXPECT_EQ(now->spi_r, bystander.spi_r);
    ASSERT_EQ(now->children.size(), bystander.children.size());
    for (size_t i = 0; i < now->children.size(); ++i) {
      EXPECT_EQ(now->children[i].spi_in, bystander.children[i].spi_in);
      EXPECT_EQ(now->children[i].spi_out, bystander.children[i].spi_out);
    }
    EXPECT_TRUE(net.log_b.removed.empty());
    expect_liveness(net.a, "a-b");
    expect_liveness(net.b, "b-a");
  }

  // The first payload of `type` in C's IKE_AUTH request (after c_established()).
  wire::Payload c_auth_payload(wire::PayloadType type) const {
    const wire::Payload* p = wire::find_payload(c_auth_payloads, type);
    EXPECT_NE(p, nullptr);
    return p ? *p : wire::Payload{};
  }

  TwoPeers net;
  std::vector<wire::Payload> c_auth_payloads;  // IDi, AUTH, SAi2, TSi, TSr, ... (c_established)
  ScriptedRandom c_random;
  Endpoint c;
  IkeSaStatus bystander;

 private:
  void expect_liveness(Endpoint& from, std::string_view connection) {
    const IkeSaStatus* sa = sa_of(from, connection);
    ASSERT_NE(sa, nullptr);
    const uint64_t sent = from.counters().liveness_checks_sent;
    EndpointPeer::start_task(from, sa->id, std::make_unique<IkeDpd>(), net.now);
    net.collect();
    EXPECT_EQ(net.wire.size(), 1u) << "no liveness check went out";
    net.deliver_all();
    EXPECT_FALSE(EndpointPeer::tasks(from, sa->id).request_outstanding())
        << "the liveness check went unanswered";
    EXPECT_EQ(from.counters().liveness_checks_sent, sent + 1);
    EXPECT_EQ(sa_of(from, connection)->state, IkeSaState::established);
  }

  std::map<const Endpoint*, std::vector<IkeSaStatus>> statuses_;
};

}  // namespace tern::ike::testing

// Exchange-test harness: two Endpoints in one process, a fake clock and a
// fake network (a queue of datagrams the test can deliver, drop, duplicate
// and reorder), optionally with a static NAT in front of the initiator.
//
// Peer A (192.0.2.1, "a@example.org") initiates connection "a-b"; peer B
// (192.0.2.2, "b.example.org") answers with connection "b-a". Both use PSK.
// Tests change the ConnectionConfigs before building TwoPeers.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/random.h"
#include "ike/endpoint.h"
#include "scripted_random.h"

namespace tern::ike::testing {

inline const crypto::IkeSuite kAes128Gcm{wire::EncrId::AES_GCM_16, 128, wire::PrfId::HMAC_SHA2_256,
                                         wire::IntegId::NONE, wire::KeGroup::CURVE25519};
inline const crypto::IkeSuite kAes256Sha256Modp2048{wire::EncrId::AES_CBC, 256, wire::PrfId::HMAC_SHA2_256,
                                                    wire::IntegId::HMAC_SHA2_256_128,
                                                    wire::KeGroup::MODP_2048};
inline const crypto::IkeSuite kAes256GcmEcp384{wire::EncrId::AES_GCM_16, 256, wire::PrfId::HMAC_SHA2_384,
                                               wire::IntegId::NONE, wire::KeGroup::ECP_384};
inline const crypto::IkeSuite kChacha20{wire::EncrId::CHACHA20_POLY1305, 256, wire::PrfId::HMAC_SHA2_256,
                                        wire::IntegId::NONE, wire::KeGroup::CURVE25519};
inline const EspSuite kEspAes128Gcm{wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, wire::EsnId::NO_ESN};

inline const Address kAddrA = Address::ipv4({192, 0, 2, 1}, 500);
inline const Address kAddrB = Address::ipv4({192, 0, 2, 2}, 500);

inline wire::TrafficSelector subnet24(uint8_t a, uint8_t b, uint8_t c) {
  return wire::TrafficSelector::ipv4_range({a, b, c, 0}, {a, b, c, 255});
}

inline ConnectionConfig config_a() {
  ConnectionConfig c;
  c.name = "a-b";
  c.local = kAddrA;
  c.remote = kAddrB;
  c.proposals = {kAes128Gcm};
  c.local_id = Identity::rfc822("a@example.org");
  c.remote_id = Identity::fqdn("b.example.org");
  c.psk = SecretBytes(as_bytes("correct horse battery staple"));
  c.children[0].name = "net";
  c.children[0].esp_proposals = {kEspAes128Gcm};
  c.children[0].local_ts = {subnet24(10, 1, 0)};
  c.children[0].remote_ts = {subnet24(10, 2, 0)};
  return c;
}

inline ConnectionConfig config_b() {
  ConnectionConfig c = config_a();
  c.name = "b-a";
  c.local = kAddrB;
  c.remote = kAddrA;
  c.local_id = Identity::fqdn("b.example.org");
  c.remote_id = Identity::rfc822("a@example.org");
  c.children[0].local_ts = {subnet24(10, 2, 0)};
  c.children[0].remote_ts = {subnet24(10, 1, 0)};
  return c;
}

struct Datagram {
  Address from;
  Address to;
  Bytes bytes;
};

// Everything one peer's Endpoint asked for, except Sends (those go on the wire).
struct PeerLog {
  std::vector<InstallChildSa> installed;
  std::vector<RemoveChildSa> removed;
  std::vector<UpdateChildSa> updated;
  std::vector<Event> events;
  std::vector<std::string> keylog;
  std::vector<InitialContactReceived> initial_contacts;  // sharded Endpoints only

  bool has_event(EventKind kind, std::string_view text = {}) const {
    for (const Event& e : events) {
      if (e.kind == kind && e.text.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::string event_text(EventKind kind) const {
    for (const Event& e : events) {
      if (e.kind == kind) return e.text;
    }
    return {};
  }
};

class TwoPeers {
 public:
  TwoPeers(ConnectionConfig a_config, ConnectionConfig b_config, uint64_t seed = 1)
      : TwoPeers(std::vector{std::move(a_config)}, std::vector{std::move(b_config)}, seed) {}
  // Several connections per peer (the first of A's is "a-b" unless the test renames it).
  TwoPeers(std::vector<ConnectionConfig> a_configs, std::vector<ConnectionConfig> b_configs,
           uint64_t seed = 1)
      : TwoPeers(std::move(a_configs), std::move(b_configs), EndpointConfig{}, seed) {}
  // B's Endpoint-wide settings (cookie thresholds, timeouts, ...) from `b_settings`.
  TwoPeers(std::vector<ConnectionConfig> a_configs, std::vector<ConnectionConfig> b_configs,
           EndpointConfig b_settings, uint64_t seed = 1)
      : TwoPeers(std::move(a_configs), std::move(b_configs), EndpointConfig{}, std::move(b_settings), seed) {}
  // Both peers' Endpoint-wide settings.
  TwoPeers(std::vector<ConnectionConfig> a_configs, std::vector<ConnectionConfig> b_configs,
           EndpointConfig a_settings, EndpointConfig b_settings, uint64_t seed = 1)
      : random_a_(seed * 2 + 1),
        random_b_(seed * 2 + 2),
        a_config_(endpoint_config(std::move(a_configs), std::move(a_settings))),
        b_config_(endpoint_config(std::move(b_configs), std::move(b_settings))),
        a_storage_(std::in_place, a_config_, random_a_),
        b_storage_(std::in_place, b_config_, random_b_),
        a(*a_storage_),
        b(*b_storage_) {}

  // SeededRandom streams; a test may force the next nonces (scripted_random.h).
  ScriptedRandom random_a_;
  ScriptedRandom random_b_;

 private:
  EndpointConfig a_config_;
  EndpointConfig b_config_;
  std::optional<Endpoint> a_storage_;
  std::optional<Endpoint> b_storage_;

 public:
  Endpoint& a;  // stays valid across crash_a()
  Endpoint& b;  // stays valid across crash_b()
  PeerLog log_a;
  PeerLog log_b;
  std::deque<Datagram> wire;
  Timestamp now = timestamp_from_us(1'000'000);
  // Static NAT: datagrams from `inside` leave with source IP `outside`, and back.
  std::optional<std::pair<Address, Address>> nat;

  void up(const char* connection = "a-b") {
    ASSERT_TRUE(a.command(Up{connection}, now).has_value());
    collect();
  }
  // A loses all its state (a reboot): a fresh Endpoint with the same config.
  // Its pending effects are lost with it; B still holds its IKE SAs.
  void crash_a() { a_storage_.emplace(a_config_, random_a_); }
  void crash_b() { b_storage_.emplace(b_config_, random_b_); }
  void down(Endpoint& e, const char* connection) {
    ASSERT_TRUE(e.command(Down{connection}, now).has_value());
    collect();
  }

  // Moves both endpoints' effects into the logs and the wire.
  void collect() {
    collect_from(a, log_a);
    collect_from(b, log_b);
  }

  // Delivers the first datagram in flight. False if none.
  bool deliver_one() {
    if (wire.empty()) return false;
    Datagram d = std::move(wire.front());
    wire.pop_front();
    if (nat && d.to.same_ip(nat->second)) d.to.ip = nat->first.ip;
    Endpoint& target = d.to.same_ip(kAddrB) ? b : a;
    target.on_datagram(d.to, d.from, d.bytes, now);
    collect();
    return true;
  }
  void drop_one() {
    ASSERT_FALSE(wire.empty());
    wire.pop_front();
  }
  void duplicate_first() {
    ASSERT_FALSE(wire.empty());
    wire.push_front(wire.front());
  }
  // Delivers until the wire is empty (bounded, against ping-pong bugs).
  void deliver_all() {
    for (int i = 0; i < 1000 && deliver_one(); ++i) {
    }
    EXPECT_TRUE(wire.empty());
  }
  // Jumps the clock to the earliest deadline of either endpoint and fires timers.
  bool advance_to_next_deadline() {
    std::optional<Timestamp> da = a.next_deadline(), db = b.next_deadline();
    std::optional<Timestamp> next = da;
    if (db && (!next || *db < *next)) next = db;
    if (!next) return false;
    if (*next > now) now = *next;
    a.on_timer(now);
    b.on_timer(now);
    collect();
    return true;
  }

  // Lets `d` pass on the clock and fires both endpoints' timers (what was due
  // in between fires then too).
  void advance(Duration d) {
    now += d;
    a.on_timer(now);
    b.on_timer(now);
    collect();
  }
  // A reauthentication completed: the old IKE SA's Delete goes one second
  // later (ike_renewal.cc, kReauthOverlap); let it go and be answered.
  void let_the_reauthenticated_sa_go() {
    advance(seconds(1));
    deliver_all();
  }

  // For failure messages: every event of both peers.
  std::string dump_events() const {
    std::string out;
    for (const Event& e : log_a.events) out += "A " + std::string(to_string(e.kind)) + ": " + e.text + "\n";
    for (const Event& e : log_b.events) out += "B " + std::string(to_string(e.kind)) + ": " + e.text + "\n";
    return out;
  }

  const IkeSaStatus* only_sa(const Endpoint& e) {
    statuses_ = e.status();
    return statuses_.size() == 1 ? &statuses_.front() : nullptr;
  }

 private:
  static EndpointConfig endpoint_config(std::vector<ConnectionConfig> connections,
                                        EndpointConfig config = {}) {
    for (ConnectionConfig& c : connections)
      config.connections.push_back(std::make_shared<const ConnectionConfig>(std::move(c)));
    return config;
  }

  void collect_from(Endpoint& e, PeerLog& log) {
    for (Effect& effect : e.take_effects()) {
      if (auto* send = std::get_if<Send>(&effect)) {
        Datagram d{send->local, send->remote, std::move(send->bytes)};
        if (nat && d.from.same_ip(nat->first)) d.from.ip = nat->second.ip;
        wire.push_back(std::move(d));
      } else if (auto* install = std::get_if<InstallChildSa>(&effect)) {
        log.installed.push_back(std::move(*install));
      } else if (auto* remove = std::get_if<RemoveChildSa>(&effect)) {
        log.removed.push_back(std::move(*remove));
      } else if (auto* update = std::get_if<UpdateChildSa>(&effect)) {
        log.updated.push_back(std::move(*update));
      } else if (auto* event = std::get_if<Event>(&effect)) {
        log.events.push_back(std::move(*event));
      } else if (auto* keylog = std::get_if<Keylog>(&effect)) {
        log.keylog.push_back(std::move(keylog->line));
      } else if (auto* contact = std::get_if<InitialContactReceived>(&effect)) {
        log.initial_contacts.push_back(std::move(*contact));
      }
    }
  }

  std::vector<IkeSaStatus> statuses_;
};

// Both ends installed one CHILD_SA each, and they are the two halves of one pair.
inline void expect_matching_children(const PeerLog& initiator, const PeerLog& responder) {
  ASSERT_EQ(initiator.installed.size(), 1u);
  ASSERT_EQ(responder.installed.size(), 1u);
  const InstallChildSa& i = initiator.installed.front();
  const InstallChildSa& r = responder.installed.front();
  EXPECT_EQ(i.spi_in, r.spi_out);
  EXPECT_EQ(i.spi_out, r.spi_in);
  EXPECT_NE(i.spi_in, i.spi_out);
  EXPECT_TRUE(i.encr_out == r.encr_in);
  EXPECT_TRUE(i.integ_out == r.integ_in);
  EXPECT_TRUE(i.encr_in == r.encr_out);
  EXPECT_TRUE(i.integ_in == r.integ_out);
  EXPECT_FALSE(i.encr_in == i.encr_out);
  EXPECT_EQ(i.suite, r.suite);
  EXPECT_EQ(i.local_ts, r.remote_ts);
  EXPECT_EQ(i.remote_ts, r.local_ts);
  EXPECT_EQ(i.mode, r.mode);
  EXPECT_EQ(i.encap, r.encap);
}

// HDR, SA, KE, Ni / HDR, SK {IDi, AUTH, SA, TSi, TSr} and their answers: both
// IKE SAs ESTABLISHED and one CHILD_SA installed on each side.
inline void establish_one_child(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
  ASSERT_EQ(net.log_a.installed.size(), 1u);
  ASSERT_EQ(net.log_b.installed.size(), 1u);
}

// An ESP SPI as the four octets a Delete payload or N(REKEY_SA) carries.
inline Bytes spi_bytes(uint32_t spi) {
  return {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16), static_cast<uint8_t>(spi >> 8),
          static_cast<uint8_t>(spi)};
}

}  // namespace tern::ike::testing

// The configuration in DESIGN.md ("Contracts users rely on") is what users
// copy first: it must load, and it must mean exactly what it says.
#include <gtest/gtest.h>

#include "config/config.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::load;
using wire::EncrId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

// DESIGN.md's example, verbatim.
constexpr std::string_view kDesignExample = R"([daemon]
control_socket = "/run/tern/control.sock"
listen = ["0.0.0.0"]          # addresses to bind; ports below
ike_port = 500
natt_port = 4500
keylog = "/var/log/tern/ikev2_decryption_table"   # optional: Wireshark key export
retransmit_timeout = "4s"     # first retransmit; then x retransmit_base, retransmit_tries times
retransmit_base = 1.8
retransmit_tries = 5

[[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
proposals = ["aes128gcm16-prfsha256-x25519", "aes256-sha256-modp2048"]
rekey_time = "4h"             # durations: "90s", "30m", "4h", "1d"
dpd_delay = "30s"
dpd_action = "restart"        # clear | restart | trap
mobike = true
encap = false                 # true: force UDP encapsulation
start_action = "none"         # none | start | trap
  [connection.local]
  auth = "psk"                # psk | pubkey | eap-mschapv2 | ...
  id = "a@example.org"        # FQDN, email, IP, or "C=.., O=.., CN=.." (DN)
  # auth = "pubkey": cert = "a.pem"   key = "a.key"   (PEM; RSA, ECDSA, Ed25519)
  [connection.remote]
  auth = "psk"
  id = "b@example.org"        # "%any" matches any identity
  # auth = "pubkey": cacerts = ["ca.pem"]   crls = ["ca.crl"]
  [[connection.child]]
  name = "net"
  local_ts = ["10.1.0.0/24"]
  remote_ts = ["10.2.0.0/24"]
  esp_proposals = ["aes128gcm16"]
  rekey_time = "1h"

[[secret]]
type = "psk"
ids = ["a@example.org", "b@example.org"]
secret = "..."
)";

TEST(DesignExample, DaemonSettingsAreTheOnesWritten) {
  LoadResult r = load(kDesignExample);
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  const DaemonSettings& d = r->daemon;
  EXPECT_EQ(r->source, "tern.toml");
  EXPECT_EQ(d.control_socket, "/run/tern/control.sock");
  ASSERT_EQ(d.listen.size(), 1u);
  EXPECT_EQ(d.listen[0], ike::Address::ipv4({0, 0, 0, 0}, 0));
  EXPECT_EQ(d.ike_port, 500);
  EXPECT_EQ(d.natt_port, 4500);
  EXPECT_EQ(d.keylog, "/var/log/tern/ikev2_decryption_table");
  EXPECT_EQ(d.retransmit.timeout, seconds(4));
  EXPECT_DOUBLE_EQ(d.retransmit.base, 1.8);
  EXPECT_EQ(d.retransmit.tries, 5u);
  EXPECT_EQ(d.log_level, LogLevel::info);
}

TEST(DesignExample, SiteBIsTheExactConnectionConfig) {
  LoadResult r = load(kDesignExample);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->connections.size(), 1u);
  const ConnectionSettings& settings = r->connections[0];
  EXPECT_EQ(settings.line, 11u);
  EXPECT_EQ(settings.start_action, StartAction::none);
  EXPECT_EQ(settings.fingerprint.size(), 64u);  // hex SHA-256
  const ike::ConnectionConfig& c = *settings.engine;

  EXPECT_EQ(c.name, "site-b");
  EXPECT_EQ(c.local, ike::Address::ipv4({192, 0, 2, 1}, 500));
  EXPECT_EQ(c.remote, ike::Address::ipv4({192, 0, 2, 2}, 500));
  // "aes128gcm16-prfsha256-x25519", "aes256-sha256-modp2048": one suite each.
  ASSERT_EQ(c.proposals.size(), 2u);
  EXPECT_EQ(c.proposals[0].encr, EncrId::AES_GCM_16);
  EXPECT_EQ(c.proposals[0].encr_key_bits, 128);
  EXPECT_EQ(c.proposals[0].integ, IntegId::NONE);
  EXPECT_EQ(c.proposals[0].prf, PrfId::HMAC_SHA2_256);
  EXPECT_EQ(c.proposals[0].ke, KeGroup::CURVE25519);
  EXPECT_EQ(c.proposals[1].encr, EncrId::AES_CBC);
  EXPECT_EQ(c.proposals[1].encr_key_bits, 256);
  EXPECT_EQ(c.proposals[1].integ, IntegId::HMAC_SHA2_256_128);
  EXPECT_EQ(c.proposals[1].prf, PrfId::HMAC_SHA2_256);  // from sha256
  EXPECT_EQ(c.proposals[1].ke, KeGroup::MODP_2048);

  EXPECT_EQ(c.local_id.type, wire::IdType::ID_RFC822_ADDR);
  EXPECT_EQ(c.local_id.to_string(), "rfc822:a@example.org");
  EXPECT_FALSE(c.local_id.any);
  EXPECT_EQ(c.remote_id.to_string(), "rfc822:b@example.org");
  EXPECT_EQ(c.psk, SecretBytes(as_bytes("...")));
  EXPECT_FALSE(c.force_encap);
  EXPECT_EQ(c.retransmit.timeout, seconds(4));  // the daemon's, copied
  EXPECT_DOUBLE_EQ(c.retransmit.base, 1.8);
  EXPECT_EQ(c.retransmit.tries, 5u);
  EXPECT_EQ(c.dpd_delay, seconds(30));
  EXPECT_EQ(c.dpd_action, ike::DpdAction::restart);
  EXPECT_EQ(c.window_size, 4u);  // not written: the engine's default

  EXPECT_EQ(c.children[0].name, "net");
  ASSERT_EQ(c.children[0].esp_proposals.size(), 1u);
  EXPECT_EQ(c.children[0].esp_proposals[0],
            (ike::EspSuite{EncrId::AES_GCM_16, 128, IntegId::NONE, wire::EsnId::NO_ESN}));
  ASSERT_EQ(c.children[0].local_ts.size(), 1u);
  EXPECT_EQ(c.children[0].local_ts[0], wire::TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255}));
  ASSERT_EQ(c.children[0].remote_ts.size(), 1u);
  EXPECT_EQ(c.children[0].remote_ts[0], wire::TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 0, 255}));
  EXPECT_EQ(c.children[0].mode, ike::ChildMode::tunnel);
}

TEST(DesignExample, WarnsAboutWhatThisBuildAcceptsButDoesNotDo) {
  LoadResult r = load(kDesignExample);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      testing::texts(r->warnings),
      (std::vector<std::string>{
          "tern.toml:40:10: secret[0].secret: this pre-shared key is only 3 octets; RFC 7296 §2.15 wants "
          "PSKs as strong as keys (use 16 random octets or more)",
      }));
}

TEST(DesignExample, EndpointConfigCarriesTheConnectionsAndNattPort) {
  LoadResult r = load(kDesignExample);
  ASSERT_TRUE(r.has_value());
  ike::EndpointConfig e = r->endpoint_config();
  EXPECT_EQ(e.natt_port, 4500);
  ASSERT_EQ(e.connections.size(), 1u);
  EXPECT_EQ(e.connections[0], r->connections[0].engine);  // the same object, shared
}

TEST(DesignExample, AMinimalConnectionGetsTheDocumentedDefaults) {
  LoadResult r = load(R"([[connection]]
name = "min"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "c"

[[secret]]
type = "psk"
ids = ["192.0.2.1", "192.0.2.2"]
secret = "0x000102030405060708090a0b0c0d0e0f"
)");
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(testing::texts(r.error()));
  EXPECT_TRUE(r->warnings.empty()) << ::testing::PrintToString(testing::texts(r->warnings));
  EXPECT_EQ(r->daemon.control_socket, "/run/tern/control.sock");
  EXPECT_EQ(r->daemon.listen, std::vector<ike::Address>{ike::Address::ipv4({0, 0, 0, 0}, 0)});
  const ike::ConnectionConfig& c = *r->connections[0].engine;
  // Default proposals: aes128gcm16-prfsha256-x25519, aes256-sha256-modp2048.
  ASSERT_EQ(c.proposals.size(), 2u);
  EXPECT_EQ(c.proposals[0].to_string(), "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519");
  EXPECT_EQ(c.proposals[1].to_string(), "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
  // Default ids: the addresses.
  EXPECT_EQ(c.local_id.to_string(), "ipv4:192.0.2.1");
  EXPECT_EQ(c.remote_id.to_string(), "ipv4:192.0.2.2");
  // A 0x secret is hex.
  ASSERT_EQ(c.psk.size(), 16u);
  EXPECT_EQ(c.psk.view()[15], 0x0f);
  EXPECT_EQ(c.dpd_delay, seconds(0));
  EXPECT_EQ(c.dpd_action, ike::DpdAction::clear);
  // Default ESP proposals: aes128gcm16, aes256gcm16; default selectors: the IKE addresses.
  ASSERT_EQ(c.children[0].esp_proposals.size(), 2u);
  EXPECT_EQ(c.children[0].esp_proposals[1].to_string(), "AES_GCM_16_256/NO_ESN");
  EXPECT_EQ(c.children[0].local_ts,
            std::vector{wire::TrafficSelector::ipv4_range({192, 0, 2, 1}, {192, 0, 2, 1})});
  EXPECT_EQ(c.children[0].remote_ts,
            std::vector{wire::TrafficSelector::ipv4_range({192, 0, 2, 2}, {192, 0, 2, 2})});
  EXPECT_EQ(r->connections[0].start_action, StartAction::none);
}

}  // namespace
}  // namespace tern::config

// The validated, immutable configuration model ternd runs on, read from one
// TOML file (DESIGN.md "Contracts users rely on"; every key: docs/config.md).
//
// Who calls it: ternd at start-up and on `ternctl reload` (load_file), tests
// (load_string). Loading never throws and never stops at the first mistake:
// it reads the whole file and returns either a Config (perhaps with warnings:
// accepted settings tern does not act on yet) or every Problem it found, in
// file order, each with file:line:column, the dotted key and what is allowed:
//
//   tern.toml:12:3: connection[1].proposals[0]: unknown keyword 'aes129' (encryption: aes128 ...)
//
// A refused file returns its errors only (no warnings). TOML syntax errors
// are the exception to "every problem": toml++ stops at the first one.
//
// A Config is plain data; each connection's engine part is a
// shared_ptr<const ike::ConnectionConfig> that the Endpoint keeps, so a later
// reload never changes an IKE SA's settings under its feet.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "base/log.h"
#include "ike/address.h"
#include "ike/connection_config.h"

namespace tern::config {

// One mistake (or warning), one line.
struct Problem {
  std::string file;
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown
  std::string key;      // dotted path: "connection[1].child[0].esp_proposals[0]", "daemon.ike_port"
  std::string message;  // what is wrong and what is allowed

  // "tern.toml:12:3: connection[1].proposals[0]: unknown keyword 'aes129' (encryption: ...)"
  std::string to_string() const;
};

// What ternd does with a connection once it is loaded.
//   none   wait: for the peer to initiate, or for `ternctl up`
//   start  initiate it at once (and after a reload that added it)
//   trap   install routes for the child's remote traffic selectors at once
//          and initiate on the first packet that matches them (the data
//          plane holds that packet until the CHILD_SA is up)
enum class StartAction : uint8_t { none, start, trap };
std::string_view to_string(StartAction action);

// [daemon] data_plane: "tun", the userspace ESP data plane behind a TUN
// device (docs/esp.md), or "none": CHILD_SAs are negotiated, kept, rekeyed
// and deleted as usual but installed nowhere, and no TUN device is made
// (a control-plane benchmark, an IKE-only test responder).
enum class DataPlaneMode : uint8_t { tun, none };
std::string_view to_string(DataPlaneMode mode);

struct DaemonSettings {
  std::string control_socket = "/run/tern/control.sock";
  std::vector<ike::Address> listen;  // port 0 in each; default {0.0.0.0}
  uint16_t ike_port = 500;
  uint16_t natt_port = 4500;
  std::optional<std::string> keylog;  // Wireshark "IKEv2 decryption table" file
  ike::RetransmitConfig retransmit;   // daemon-wide defaults copied into every connection
  LogLevel log_level = LogLevel::info;
  // The userspace ESP data plane (docs/esp.md): its TUN device, that device's
  // MTU (room for ESP and UDP overhead below a 1500-octet path), and the
  // anti-replay window of every inbound SA (packets; 0: off).
  DataPlaneMode data_plane = DataPlaneMode::tun;
  std::string tun_device = "tern0";
  uint32_t tun_mtu = 1400;
  uint32_t replay_window = 128;  // esp::ReplayWindow::kDefaultSize
  // NAT keepalive interval (ike::EndpointConfig::nat_keepalive); 0: off.
  Duration keep_alive = seconds(20);
  // IKE fragmentation (RFC 7383): the largest IP datagram an IKE message of
  // ours may make before it is sent as fragments (ike::EndpointConfig).
  uint32_t fragment_size = 1280;
  // Half-open IKE SAs (all / from one IP) before new IKE_SA_INITs get a
  // cookie (ike::EndpointConfig); strongSwan's charon.cookie_threshold(_ip).
  uint32_t cookie_threshold = 30;
  uint32_t cookie_threshold_ip = 3;
  // Worker threads, each with its own Endpoint; IKE SAs are sharded across
  // them by SPI (docs/ternd.md "Workers"). nullopt (absent or "auto"): one
  // per online CPU, counted by ternd when it starts. 1: everything on the
  // event loop thread, as before workers existed.
  std::optional<uint32_t> workers;
};
// The most `workers` accepted (the shard index is the top octet of our IKE
// SPIs, ike/shard_spi.h, which would allow 256; more threads than this only
// cost memory and context switches).
inline constexpr int64_t kMaxWorkers = 64;

// A certificate the configuration loaded, for `ternd --check-config` and
// listings (the certificate-expiry watch, `ternctl list-certs`).
struct LoadedCertificate {
  enum class Role : uint8_t { local, intermediate, ca };
  Role role = Role::local;
  std::string subject;  // "C=CH, O=tern, CN=a.example.org"
  std::string issuer;
  int64_t not_after = 0;  // Unix seconds (UTC)
  std::string file;       // the path it was read from
};
std::string_view to_string(LoadedCertificate::Role role);

struct ConnectionSettings {
  // What the Endpoint runs: local/remote carry daemon.ike_port.
  std::shared_ptr<const ike::ConnectionConfig> engine;
  StartAction start_action = StartAction::none;
  // Equal strings <=> equal settings, including the resolved PSK: hex
  // SHA-256 of a canonical serialization, so the secret is never kept in
  // clear. A reload compares these to decide what changed.
  std::string fingerprint;
  uint32_t line = 0;  // where the [[connection]] starts
  // auth = "pubkey": our certificate and intermediates, the peer's CAs; plus the CRL files.
  std::vector<LoadedCertificate> certificates;
  std::vector<std::string> crl_files;
};

struct Config {
  std::string source;  // the file name
  DaemonSettings daemon;
  std::vector<ConnectionSettings> connections;
  std::vector<Problem> warnings;  // accepted, but worth telling the operator

  // The connections' engine pointers and natt_port; the rest keeps the
  // engine's defaults.
  ike::EndpointConfig endpoint_config() const;
};

using LoadResult = Expected<Config, std::vector<Problem>>;

// An unreadable file is one Problem naming the file and the reason.
LoadResult load_file(const std::string& path);
// `source_name` is what Problems name as their file.
LoadResult load_string(std::string_view toml_text, std::string_view source_name);

}  // namespace tern::config

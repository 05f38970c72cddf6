// tern-load's command line (docs/tern-load.md): what to set up, against
// whom, how many, how fast, and for how long at most. Pure: parsing never
// touches a file or a socket; connection_toml() writes the one ternd-style
// [[connection]] per local address that config/ then validates and loads
// (suites, PSK, certificates), so tern-load and ternd read credentials the
// same way.
//
//   tern-load --target 198.51.100.2 --local 198.51.100.1 --count 1000 --concurrency 100
//             [--suite aes128gcm16-prfsha256-x25519] [--psk SECRET | --auth pubkey --cert F --key F
//             --cacert F] [--rate 500] [--duration 30s] [--timeout 10s] [--delete] [--json]
//
// How it fails: parse_load_options returns Errc::invalid_syntax naming the
// option and what it accepts; `--help` is not an error (LoadOptions::help).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"
#include "ike/address.h"

namespace tern::tools {

struct LoadOptions {
  ike::Address target;               // the responder's IP; port: its IKE port (default 500)
  uint16_t target_natt_port = 4500;  // where the engine's port-4500 datagrams go
  std::vector<ike::Address> locals;  // our source IPs, used in turn; port: the IKE port we bind
  uint16_t local_natt_port = 4500;   // bound beside each local IKE port (0: any free port)
  std::string suite = "aes128gcm16-prfsha256-x25519";
  std::string esp = "aes128gcm16";
  std::string auth = "psk";  // psk | pubkey
  std::string psk = "tern-load-psk";
  std::string local_id;   // empty: config/'s default (our IP, or the certificate's subject)
  std::string remote_id;  // empty: the target IP (psk) or %any (pubkey)
  std::string cert, key;  // auth = pubkey
  std::vector<std::string> cacerts;
  std::string local_ts;             // empty: the local address /32 (/128)
  std::string remote_ts;            // empty: the target address /32 (/128)
  uint32_t concurrency = 100;       // setups in flight at once
  double rate = 0;                  // setups started per second; 0: as fast as concurrency allows
  uint64_t count = 1000;            // setups to start in all
  Duration duration = seconds(60);  // no setup starts after this; the run ends at most `timeout` later
  Duration timeout = seconds(10);   // a setup (and its Delete) not done by then is a failure
  Duration retransmit_timeout = seconds(1);
  uint32_t retransmit_tries = 3;
  bool delete_after = false;  // delete each IKE SA once its CHILD_SA is up
  bool json = false;
  bool help = false;
};

// argv without the program name.
Result<LoadOptions> parse_load_options(std::span<const std::string_view> args);
std::string load_usage();

// The ternd configuration text (docs/config.md) with one connection per
// local address, named load0, load1, ...: IKE SAs without lifetimes, DPD or
// rekeys, so that nothing but the setup (and the optional Delete) happens.
std::string connection_toml(const LoadOptions& options);

}  // namespace tern::tools

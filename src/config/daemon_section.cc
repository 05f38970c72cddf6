// [daemon] -> DaemonSettings (see daemon_section.h).
#include "config/daemon_section.h"

#include <fmt/format.h>

#include <limits>

#include "config/ip_syntax.h"

namespace tern::config {
namespace {

constexpr std::string_view kDaemonKeys[] = {"control_socket",      "listen",           "ike_port",
                                            "natt_port",           "keylog",           "retransmit_timeout",
                                            "retransmit_base",     "retransmit_tries", "log_level",
                                            "tun_device",          "tun_mtu",          "replay_window",
                                            "keep_alive",          "fragment_size",    "cookie_threshold",
                                            "cookie_threshold_ip", "workers",          "data_plane"};

constexpr std::string_view kLogLevels[] = {"debug", "info", "notice", "warning", "error"};
constexpr LogLevel kLogLevelValues[] = {LogLevel::debug, LogLevel::info, LogLevel::notice, LogLevel::warning,
                                        LogLevel::error};

constexpr int64_t kMaxRetransmitTries = 20;

void read_paths(TableReader& r, DaemonSettings& out) {
  if (auto socket = r.string("control_socket")) {
    if (!socket->starts_with('/')) {
      r.error("control_socket", fmt::format("control_socket must be an absolute path, got '{}'", *socket));
    } else {
      out.control_socket = *socket;
    }
  }
  if (auto keylog = r.string("keylog")) {
    if (keylog->empty()) {
      r.error("keylog", "keylog must name a file (leave the key out to write no key log)");
    } else {
      out.keylog = *keylog;
    }
  }
}

void read_listen(TableReader& r, DaemonSettings& out) {
  auto listen = r.strings("listen");
  if (!listen) return;
  if (listen->empty() && r.has("listen")) {
    r.error("listen", "listen is empty; name at least one address to bind (\"0.0.0.0\" or \"::\" for all)");
    return;
  }
  std::vector<ike::Address> addresses;
  for (const StringItem& item : *listen) {
    auto ip = parse_ip(item.value);
    if (!ip) {
      r.problems().error(item.at, item.key,
                         fmt::format("'{}' is not an IP address (listen takes IPv4/IPv6 literals such as "
                                     "\"0.0.0.0\", \"::\" or \"192.0.2.1\")",
                                     item.value));
      continue;
    }
    bool duplicate = false;
    for (const ike::Address& seen : addresses) duplicate = duplicate || seen == *ip;
    if (duplicate) {
      r.problems().error(item.at, item.key, fmt::format("'{}' is listed twice", item.value));
      continue;
    }
    addresses.push_back(*ip);
  }
  out.listen = std::move(addresses);
}

void read_ports(TableReader& r, DaemonSettings& out) {
  auto ike_port = r.integer("ike_port", 1, 65535);
  auto natt_port = r.integer("natt_port", 1, 65535);
  if (ike_port) out.ike_port = static_cast<uint16_t>(*ike_port);
  if (natt_port) out.natt_port = static_cast<uint16_t>(*natt_port);
  if (out.ike_port == out.natt_port && (ike_port || natt_port)) {
    r.error(natt_port ? "natt_port" : "ike_port",
            fmt::format("ike_port and natt_port must differ (both are {}; the defaults are 500 and 4500)",
                        out.ike_port));
  }
}

void read_retransmit(TableReader& r, DaemonSettings& out) {
  if (auto keep_alive = r.duration("keep_alive")) out.keep_alive = *keep_alive;  // "0s": no NAT keepalives
  if (auto timeout = r.duration("retransmit_timeout")) {
    if (timeout->count() <= 0) {
      r.error("retransmit_timeout", "retransmit_timeout must be longer than zero (default \"4s\")");
    } else {
      out.retransmit.timeout = *timeout;
    }
  }
  if (auto base = r.number("retransmit_base")) {
    if (!(*base >= 1.0) || *base > 100.0) {
      r.error(
          "retransmit_base",
          fmt::format("retransmit_base must be 1.0..100 (each retransmit waits base times longer than the "
                      "previous; default 1.8), got {}",
                      *base));
    } else {
      out.retransmit.base = *base;
    }
  }
  if (auto tries = r.integer("retransmit_tries", 0, kMaxRetransmitTries)) {
    out.retransmit.tries = static_cast<uint32_t>(*tries);
  }
}

void read_data_plane(TableReader& r, DaemonSettings& out) {
  if (auto mode = r.string("data_plane")) {
    if (*mode == "tun") {
      out.data_plane = DataPlaneMode::tun;
    } else if (*mode == "none") {
      out.data_plane = DataPlaneMode::none;
    } else {
      r.error("data_plane",
              fmt::format("data_plane must be \"tun\" (the ESP data plane behind tun_device, the "
                          "default) or \"none\" (CHILD_SAs are negotiated but carry no traffic), "
                          "got '{}'",
                          *mode));
    }
  }
  if (auto name = r.string("tun_device")) {
    const bool valid =
        !name->empty() && name->size() < 16 && name->find_first_of("/ \t:") == std::string::npos;
    if (!valid) {
      r.error("tun_device", fmt::format("'{}' is not a network device name (1..15 characters, no '/', ':' or "
                                        "spaces; default \"tern0\")",
                                        *name));
    } else {
      out.tun_device = *name;
    }
  }
  if (auto mtu = r.integer("tun_mtu", 576, 9000)) out.tun_mtu = static_cast<uint32_t>(*mtu);
  // An IP datagram size. Real paths want 576 and up (RFC 7383 §2.5.1); 200 is
  // the floor because an IPv6 fragment of 200 with the largest ICV still
  // carries some 60 octets of payloads (tests use such small sizes).
  if (auto size = r.integer("fragment_size", 200, 65535)) out.fragment_size = static_cast<uint32_t>(*size);
  // Cookies (RFC 7296 §2.6, ike/cookie.h): half-open IKE SAs in all and per
  // peer IP before IKE_SA_INIT is answered with N(COOKIE); 0: always.
  if (auto n = r.integer("cookie_threshold", 0, 1'000'000)) out.cookie_threshold = static_cast<uint32_t>(*n);
  if (auto n = r.integer("cookie_threshold_ip", 0, 1'000'000))
    out.cookie_threshold_ip = static_cast<uint32_t>(*n);
  // Worker threads, one Endpoint each, IKE SAs sharded by SPI (docs/ternd.md
  // "Workers"); absent or "auto": one per online CPU, which ternd counts
  // when it starts (left unset here).
  if (r.is_string("workers")) {
    if (const std::optional<std::string> word = r.string("workers"); word && *word != "auto") {
      r.error("workers", fmt::format("workers must be \"auto\" (the default: one per online CPU) or "
                                     "1..{} threads, got \"{}\"",
                                     kMaxWorkers, *word));
    }
  } else if (auto n = r.integer("workers", std::numeric_limits<int64_t>::min(),
                                std::numeric_limits<int64_t>::max())) {
    if (*n < 1 || *n > kMaxWorkers) {
      r.error("workers", fmt::format("workers must be 1..{} threads or \"auto\" (the default: one per "
                                     "online CPU; 1 runs everything on the event loop thread), got {}",
                                     kMaxWorkers, *n));
    } else {
      out.workers = static_cast<uint32_t>(*n);
    }
  }
  if (auto window = r.integer("replay_window", 0, 1 << 20)) {
    if (*window % 64 != 0) {
      r.error("replay_window",
              fmt::format("replay_window must be a multiple of 64 packets (or 0: off), got {}", *window));
    } else {
      out.replay_window = static_cast<uint32_t>(*window);
    }
  }
}

}  // namespace

DaemonSettings read_daemon(const toml::table* daemon, Problems& problems) {
  DaemonSettings out;
  out.listen = {ike::Address::ipv4({0, 0, 0, 0}, 0)};
  if (daemon == nullptr) return out;
  TableReader r{*daemon, "daemon", "daemon", TableKind::table, problems};
  r.allow_only(kDaemonKeys);
  read_paths(r, out);
  read_listen(r, out);
  read_ports(r, out);
  read_retransmit(r, out);
  if (auto level = r.choice("log_level", kLogLevels)) out.log_level = kLogLevelValues[*level];
  read_data_plane(r, out);
  return out;
}

}  // namespace tern::config

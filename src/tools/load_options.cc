#include "tools/load_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "config/ip_syntax.h"

namespace tern::tools {
namespace {

Error bad(std::string_view option, std::string_view value, std::string_view allowed) {
  return Error::drop(Errc::invalid_syntax, fmt::format("{} '{}': expected {}", option, value, allowed));
}

Result<uint64_t> parse_count(std::string_view option, std::string_view value, uint64_t min, uint64_t max) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || n < min || n > max)
    return fail(bad(option, value, fmt::format("an integer {}..{}", min, max)));
  return n;
}

Result<Duration> parse_positive_duration(std::string_view option, std::string_view value) {
  std::optional<Duration> d = parse_duration(value);
  if (!d || *d <= Duration::zero()) return fail(bad(option, value, "a duration > 0 such as 30s, 500ms, 2m"));
  return *d;
}

// "198.51.100.2", "198.51.100.2:500", "[2001:db8::2]:500"
Result<ike::Address> parse_ip_port(std::string_view option, std::string_view value, uint16_t default_port) {
  std::string_view ip = value;
  std::optional<std::string_view> port;
  if (!value.empty() && value.front() == '[') {
    const size_t close = value.find(']');
    if (close == std::string_view::npos) return fail(bad(option, value, "IP[:PORT], [IPv6]:PORT"));
    ip = value.substr(1, close - 1);
    if (close + 1 < value.size()) {
      if (value[close + 1] != ':') return fail(bad(option, value, "IP[:PORT], [IPv6]:PORT"));
      port = value.substr(close + 2);
    }
  } else if (std::count(value.begin(), value.end(), ':') == 1) {
    const size_t colon = value.find(':');
    ip = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  std::optional<ike::Address> address = config::parse_ip(ip);
  if (!address) return fail(bad(option, value, "an IP literal, optionally with :PORT"));
  address->port = default_port;
  if (port) {
    Result<uint64_t> p = parse_count(option, *port, 0, 65535);
    if (!p) return fail(p.error());
    address->port = static_cast<uint16_t>(*p);
  }
  return *address;
}

// A TOML basic string: quotes and backslashes escaped (values come from the
// command line, the file is ours).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string host_ts(const ike::Address& a) {
  return config::ip_to_string(a) + (a.family == ike::AddressFamily::ipv4 ? "/32" : "/128");
}

}  // namespace

std::string load_usage() {
  return "usage: tern-load --target IP[:PORT] --local IP[:PORT][,IP[:PORT]...] [options]\n"
         "  --count N              setups to start in all (default 1000)\n"
         "  --concurrency N        setups in flight at once (default 100)\n"
         "  --rate R               setups started per second (default 0: as fast as concurrency allows)\n"
         "  --duration D           start nothing after D (default 60s); the run ends at most --timeout "
         "later\n"
         "  --timeout D            a setup (or its Delete) not done by then fails (default 10s)\n"
         "  --delete               delete each IKE SA once its CHILD_SA is up\n"
         "  --suite S              IKE proposal (default aes128gcm16-prfsha256-x25519)\n"
         "  --esp S                ESP proposal (default aes128gcm16)\n"
         "  --auth psk|pubkey      (default psk)\n"
         "  --psk SECRET           (default tern-load-psk)\n"
         "  --cert F --key F --cacert F   our certificate and key, the responder's CA (auth pubkey)\n"
         "  --local-id ID --remote-id ID  (default: the IPs, or the certificate subject and %any)\n"
         "  --local-ts TS --remote-ts TS  (default: the two IKE addresses, /32 or /128)\n"
         "  --target-natt-port P   (default 4500)  --local-natt-port P (default 4500; 0: any)\n"
         "  --retransmit-timeout D (default 1s)  --retransmit-tries N (default 3)\n"
         "  --json                 print the report as JSON\n";
}

Result<LoadOptions> parse_load_options(std::span<const std::string_view> args) {
  LoadOptions o;
  bool have_target = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view opt = args[i];
    if (opt == "--help" || opt == "-h") {
      o.help = true;
      return o;
    }
    if (opt == "--delete") {
      o.delete_after = true;
      continue;
    }
    if (opt == "--json") {
      o.json = true;
      continue;
    }
    if (i + 1 >= args.size() || !opt.starts_with("--"))
      return fail(Errc::invalid_syntax, opt.starts_with("--")
                                            ? fmt::format("{}: missing its value", opt)
                                            : fmt::format("unexpected argument '{}' (see --help)", opt));
    const std::string_view v = args[++i];
    if (opt == "--target") {
      Result<ike::Address> a = parse_ip_port(opt, v, 500);
      if (!a) return fail(a.error());
      o.target = *a;
      have_target = true;
    } else if (opt == "--local") {
      o.locals.clear();
      size_t start = 0;
      while (start <= v.size()) {
        const size_t comma = std::min(v.find(',', start), v.size());
        Result<ike::Address> a = parse_ip_port(opt, v.substr(start, comma - start), 500);
        if (!a) return fail(a.error());
        o.locals.push_back(*a);
        start = comma + 1;
      }
    } else if (opt == "--count") {
      Result<uint64_t> n = parse_count(opt, v, 1, 100'000'000);
      if (!n) return fail(n.error());
      o.count = *n;
    } else if (opt == "--concurrency") {
      Result<uint64_t> n = parse_count(opt, v, 1, 1'000'000);
      if (!n) return fail(n.error());
      o.concurrency = static_cast<uint32_t>(*n);
    } else if (opt == "--rate") {
      double r = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), r);
      if (ec != std::errc{} || end != v.data() + v.size() || !std::isfinite(r) || r < 0)
        return fail(bad(opt, v, "setups per second >= 0 (0: unlimited)"));
      o.rate = r;
    } else if (opt == "--duration" || opt == "--timeout" || opt == "--retransmit-timeout") {
      Result<Duration> d = parse_positive_duration(opt, v);
      if (!d) return fail(d.error());
      (opt == "--duration" ? o.duration : opt == "--timeout" ? o.timeout : o.retransmit_timeout) = *d;
    } else if (opt == "--retransmit-tries") {
      Result<uint64_t> n = parse_count(opt, v, 0, 20);
      if (!n) return fail(n.error());
      o.retransmit_tries = static_cast<uint32_t>(*n);
    } else if (opt == "--target-natt-port" || opt == "--local-natt-port") {
      Result<uint64_t> n = parse_count(opt, v, opt == "--target-natt-port" ? 1 : 0, 65535);
      if (!n) return fail(n.error());
      (opt == "--target-natt-port" ? o.target_natt_port : o.local_natt_port) = static_cast<uint16_t>(*n);
    } else if (opt == "--auth") {
      if (v != "psk" && v != "pubkey") return fail(bad(opt, v, "psk or pubkey"));
      o.auth = v;
    } else if (opt == "--suite") {
      o.suite = v;
    } else if (opt == "--esp") {
      o.esp = v;
    } else if (opt == "--psk") {
      if (v.empty()) return fail(bad(opt, v, "a non-empty secret"));
      o.psk = v;
    } else if (opt == "--local-id") {
      o.local_id = v;
    } else if (opt == "--remote-id") {
      o.remote_id = v;
    } else if (opt == "--cert") {
      o.cert = v;
    } else if (opt == "--key") {
      o.key = v;
    } else if (opt == "--cacert") {
      o.cacerts.emplace_back(v);
    } else if (opt == "--local-ts") {
      o.local_ts = v;
    } else if (opt == "--remote-ts") {
      o.remote_ts = v;
    } else {
      return fail(Errc::invalid_syntax, fmt::format("unknown option '{}' (see --help)", opt));
    }
  }
  if (!have_target) return fail(Errc::invalid_syntax, "--target is required (the responder's IP)");
  if (o.locals.empty()) return fail(Errc::invalid_syntax, "--local is required (our source IP)");
  for (const ike::Address& l : o.locals) {
    if (l.family != o.target.family)
      return fail(Errc::invalid_syntax, fmt::format("--local {} and --target {}: not the same address family",
                                                    l.to_string(), o.target.to_string()));
  }
  if (o.auth == "pubkey" && (o.cert.empty() || o.key.empty() || o.cacerts.empty()))
    return fail(Errc::invalid_syntax, "--auth pubkey needs --cert, --key and --cacert");
  if (o.auth == "psk" && (!o.cert.empty() || !o.key.empty() || !o.cacerts.empty()))
    return fail(Errc::invalid_syntax, "--cert, --key and --cacert go with --auth pubkey");
  return o;
}

std::string connection_toml(const LoadOptions& o) {
  std::string out = fmt::format(
      "# written by tern-load\n[daemon]\ncontrol_socket = \"/nonexistent/tern-load.sock\"\n"
      "retransmit_timeout = {}\nretransmit_tries = {}\nkeep_alive = \"0s\"\n",
      quoted(format_duration(o.retransmit_timeout)), o.retransmit_tries);
  for (size_t i = 0; i < o.locals.size(); ++i) {
    const ike::Address& local = o.locals[i];
    out += fmt::format(
        "\n[[connection]]\nname = \"load{}\"\nlocal_addrs = [{}]\nremote_addrs = [{}]\nproposals = [{}]\n"
        "dpd_delay = \"0s\"\nrekey_time = \"0s\"\n",
        i, quoted(config::ip_to_string(local)), quoted(config::ip_to_string(o.target)), quoted(o.suite));
    out += fmt::format("  [connection.local]\n  auth = {}\n", quoted(o.auth));
    if (!o.local_id.empty()) out += fmt::format("  id = {}\n", quoted(o.local_id));
    if (o.auth == "pubkey") out += fmt::format("  cert = {}\n  key = {}\n", quoted(o.cert), quoted(o.key));
    out += fmt::format("  [connection.remote]\n  auth = {}\n", quoted(o.auth));
    if (!o.remote_id.empty()) out += fmt::format("  id = {}\n", quoted(o.remote_id));
    if (o.auth == "pubkey") {
      std::string list;
      for (const std::string& ca : o.cacerts) list += (list.empty() ? "" : ", ") + quoted(ca);
      out += fmt::format("  cacerts = [{}]\n", list);
    }
    out += fmt::format(
        "  [[connection.child]]\n  name = \"net\"\n  local_ts = [{}]\n  remote_ts = [{}]\n  esp_proposals = "
        "[{}]\n"
        "  rekey_time = \"0s\"\n",
        quoted(o.local_ts.empty() ? host_ts(local) : o.local_ts),
        quoted(o.remote_ts.empty() ? host_ts(o.target) : o.remote_ts), quoted(o.esp));
  }
  if (o.auth == "psk")
    out += fmt::format("\n[[secret]]\ntype = \"psk\"\nids = [\"%any\"]\nsecret = {}\n", quoted(o.psk));
  return out;
}

}  // namespace tern::tools

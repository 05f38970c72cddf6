// [[connection]] -> ParsedConnection (see connection_section.h).
#include "config/connection_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "config/child_section.h"
#include "config/ip_syntax.h"
#include "config/lifetimes.h"
#include "config/peer_section.h"
#include "config/proposal_keywords.h"

namespace tern::config {
namespace {

constexpr std::string_view kConnectionKeys[] = {
    "name",         "local_addrs", "remote_addrs",  "proposals",  "rekey_time", "reauth_time",
    "rand_time",    "over_time",   "dpd_delay",     "dpd_action", "mobike",     "encap",
    "start_action", "window_size", "fragmentation", "local",      "remote",     "child"};
constexpr Reserved kConnectionReserved[] = {
    {"version", "is not needed: tern speaks IKEv2 only"},
    {"local_port", "is not supported: IKE runs on daemon.ike_port (and natt_port after a NAT)"},
    {"remote_port", "is not supported: IKE runs on daemon.ike_port (and natt_port after a NAT)"},
    {"children", "is swanctl.conf syntax; write each CHILD_SA as a [[connection.child]] table"},
    {"vips", "is not supported yet (no configuration payloads)"},
    {"pools", "is not supported yet (no configuration payloads)"},
};

constexpr std::string_view kDefaultProposals[] = {"aes128gcm16-prfsha256-x25519", "aes256-sha256-modp2048"};
constexpr std::string_view kDpdActions[] = {"clear", "restart", "trap"};
constexpr ike::DpdAction kDpdActionValues[] = {ike::DpdAction::clear, ike::DpdAction::restart,
                                               ike::DpdAction::trap};
constexpr std::string_view kStartActions[] = {"none", "start", "trap"};
constexpr std::string_view kFragmentation[] = {"yes", "accept", "no", "force"};
constexpr ike::Fragmentation kFragmentationValues[] = {ike::Fragmentation::yes, ike::Fragmentation::accept,
                                                       ike::Fragmentation::no};

// SA payload Proposal Num is one octet.
constexpr size_t kMaxProposals = 255;

std::optional<ike::Address> read_address(TableReader& r, std::string_view key, std::string_view example,
                                         std::optional<uint8_t>* prefix_len = nullptr) {
  auto items = r.strings(key);
  if (!items) {
    if (!r.has(key)) {
      r.missing(key, fmt::format("this build needs exactly one literal IP address, e.g. {} = [\"{}\"]", key,
                                 example));
    }
    return std::nullopt;
  }
  if (items->size() != 1) {
    r.error(key,
            fmt::format("this build needs exactly one literal IP address in {} (the engine matches exact "
                        "addresses), got {}",
                        key, items->size()));
    return std::nullopt;
  }
  const StringItem& item = items->front();
  if (item.value == "%any" || item.value == "%any4" || item.value == "%any6") {
    r.problems().error(
        item.at, item.key,
        fmt::format("'{}' is not supported yet: this build needs one literal IP address (the engine "
                    "matches exact addresses)",
                    item.value));
    return std::nullopt;
  }
  auto ip = parse_ip(item.value);
  if (!ip && prefix_len != nullptr && item.value.find('/') != std::string_view::npos) {
    // remote_addrs = ["198.18.0.0/15"]: a responder-only connection for any peer in the range.
    const std::string_view text = item.value;
    const size_t slash = text.find('/');
    auto network = parse_ip(text.substr(0, slash));
    const std::string_view bits = text.substr(slash + 1);
    unsigned len = 0;
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), len);
    const unsigned max_len = network && network->family == ike::AddressFamily::ipv6 ? 128 : 32;
    if (!network || ec != std::errc{} || end != bits.data() + bits.size() || bits.empty() || len > max_len) {
      r.problems().error(item.at, item.key,
                         fmt::format("'{}' is neither an IP address nor a prefix ADDRESS/LENGTH "
                                     "(e.g. \"198.18.0.0/15\", \"2001:db8::/32\")",
                                     item.value));
      return std::nullopt;
    }
    ike::Address masked = network->masked(static_cast<uint8_t>(len));
    if (!(masked == *network)) {
      r.problems().error(
          item.at, item.key,
          fmt::format("'{}' has host bits set: the prefix is {}/{}", item.value, ip_to_string(masked), len));
      return std::nullopt;
    }
    *prefix_len = static_cast<uint8_t>(len);
    return network;
  }
  if (!ip) {
    r.problems().error(
        item.at, item.key,
        fmt::format("'{}' is not an IP address: this build needs one literal IP address (no DNS "
                    "names, subnets or ranges)",
                    item.value));
  }
  return ip;
}

std::vector<crypto::IkeSuite> read_proposals(TableReader& r) {
  std::vector<crypto::IkeSuite> suites;
  auto items = r.strings("proposals");
  if (!items) {
    if (!r.has("proposals")) {
      for (std::string_view text : kDefaultProposals) {
        auto parsed = parse_ike_proposal(text);
        TERN_ASSERT(parsed.has_value());
        suites.insert(suites.end(), parsed->begin(), parsed->end());
      }
    }
    return suites;
  }
  if (items->empty()) {
    r.error("proposals", fmt::format("proposals is empty; leave it out for the defaults ({}, {})",
                                     kDefaultProposals[0], kDefaultProposals[1]));
  }
  for (const StringItem& item : *items) {
    auto parsed = parse_ike_proposal(item.value);
    if (!parsed) {
      r.problems().error(item.at, item.key, parsed.error());
      continue;
    }
    suites.insert(suites.end(), parsed->begin(), parsed->end());
  }
  if (suites.size() > kMaxProposals) {
    r.error("proposals", fmt::format("proposals expand to {} suites; at most {} fit in one SA payload",
                                     suites.size(), kMaxProposals));
  }
  return suites;
}

void read_liveness(TableReader& r, ike::ConnectionConfig& out) {
  if (auto delay = r.duration("dpd_delay")) out.dpd_delay = *delay;
  if (auto action = r.choice("dpd_action", kDpdActions)) out.dpd_action = kDpdActionValues[*action];
  if (auto mobike = r.boolean("mobike")) out.mobike = *mobike;
  if (auto encap = r.boolean("encap")) out.force_encap = *encap;
  if (auto window = r.integer("window_size", 1, 64)) out.window_size = static_cast<uint32_t>(*window);
}

// IKE fragmentation (RFC 7383): true/false, or swanctl.conf's keywords.
void read_fragmentation(TableReader& r, ike::ConnectionConfig& out) {
  if (r.is_boolean("fragmentation")) {
    if (auto on = r.boolean("fragmentation"))
      out.fragmentation = *on ? ike::Fragmentation::yes : ike::Fragmentation::no;
    return;
  }
  auto choice = r.choice("fragmentation", kFragmentation);
  if (!choice) return;
  if (*choice == 3) {
    r.error("fragmentation",
            "fragmentation = \"force\" is IKEv1-only in swanctl.conf; in IKEv2 IKE_SA_INIT is never "
            "fragmented (RFC 7383 §2.4), so use \"yes\" (fragment when the peer supports it)");
    return;
  }
  out.fragmentation = kFragmentationValues[*choice];
}

StartAction read_start_action(TableReader& r) {
  auto action = r.choice("start_action", kStartActions);
  if (!action) return StartAction::none;
  if (*action == 1) return StartAction::start;
  if (*action == 2) return StartAction::trap;
  return StartAction::none;
}

bool wildcard(const ike::Address& a) {
  return std::all_of(a.ip.begin(), a.ip.end(), [](uint8_t b) { return b == 0; });
}

// A local address ternd does not bind cannot receive the connection's IKE traffic.
void check_listened(TableReader& r, const ike::Address& local, const DaemonSettings& daemon) {
  for (const ike::Address& l : daemon.listen) {
    if (l.family == local.family && (wildcard(l) || l.same_ip(local))) return;
  }
  r.warn("local_addrs",
         fmt::format("{} is not covered by daemon.listen; ternd will not receive this connection's "
                     "IKE messages (add \"{}\" or \"{}\" to daemon.listen)",
                     ip_to_string(local), ip_to_string(local),
                     local.family == ike::AddressFamily::ipv4 ? "0.0.0.0" : "::"));
}

// A connection for a range of peers answers only: there is no one address to
// start an IKE SA with, so nothing may make it initiate.
void check_responder_only(TableReader& r, uint8_t prefix_len, ParsedConnection& out) {
  ike::ConnectionConfig& c = out.engine;
  c.remote_prefix = prefix_len;
  const std::string why =
      fmt::format("remote_addrs is a prefix ({}/{}): this connection only answers peers in it, so it cannot",
                  ip_to_string(c.remote), prefix_len);
  if (out.start_action != StartAction::none)
    r.error("start_action", why + " start or trap (use start_action = \"none\")");
  if (c.dpd_action != ike::DpdAction::clear && c.dpd_delay.count() > 0)
    r.error("dpd_action", why + " restart a dead peer's IKE SA (use dpd_action = \"clear\")");
  if (c.ike_lifetimes.reauth_time.count() > 0)
    r.error("reauth_time", why + " reauthenticate (leave reauth_time out; rekey_time works)");
}

}  // namespace

ParsedConnection read_connection(const toml::table& table, size_t index, const DaemonSettings& daemon,
                                 Problems& problems) {
  ParsedConnection out;
  out.path = fmt::format("connection[{}]", index);
  out.at = where_of(table);
  TableReader r{table, out.path, "connection", TableKind::array_element, problems};
  r.allow_only(kConnectionKeys, kConnectionReserved);
  ike::ConnectionConfig& c = out.engine;

  if (auto name = r.string("name")) {
    out.name_at = r.at("name");
    if (auto bad = check_name(*name, "connection name")) {
      r.error("name", *bad);
    } else {
      out.name = *name;
      c.name = *name;
    }
  } else if (!r.has("name")) {
    r.missing("name", "e.g. name = \"site-b\"; ternctl and the logs use it");
  }

  auto local = read_address(r, "local_addrs", "192.0.2.1");
  std::optional<uint8_t> remote_prefix;
  auto remote = read_address(r, "remote_addrs", "192.0.2.2", &remote_prefix);
  if (local && remote && local->family != remote->family) {
    r.error("remote_addrs",
            fmt::format("local_addrs is {} but remote_addrs is {}: the address families must agree",
                        ip_to_string(*local), ip_to_string(*remote)));
  }
  if (local) {
    c.local = local->with_port(daemon.ike_port);
    check_listened(r, *local, daemon);
  }
  if (remote) c.remote = remote->with_port(daemon.ike_port);

  c.proposals = read_proposals(r);
  c.ike_lifetimes = read_ike_lifetimes(r);
  read_liveness(r, c);
  read_fragmentation(r, c);
  out.start_action = read_start_action(r);
  c.retransmit = daemon.retransmit;

  PeerSettings me = read_peer(r, Side::local, local);
  PeerSettings peer = read_peer(r, Side::remote, remote);
  if (me.id) c.local_id = *me.id;
  if (peer.id) c.remote_id = *peer.id;
  // Mixed methods are fine (e.g. we sign, the peer uses the PSK): a PSK is needed if either side uses one.
  out.needs_psk =
      (me.psk || peer.psk) && (me.psk || me.pubkey) && (peer.psk || peer.pubkey) && me.id && peer.id;
  c.local_auth = me.pubkey ? ike::AuthKind::pubkey : ike::AuthKind::psk;
  c.remote_auth = peer.pubkey ? ike::AuthKind::pubkey : ike::AuthKind::psk;
  c.credentials = me.credentials;
  c.trust = peer.trust;
  out.certificates = std::move(me.certificates);
  out.certificates.insert(out.certificates.end(), peer.certificates.begin(), peer.certificates.end());
  out.crl_files = std::move(peer.crl_files);
  if (me.pubkey || peer.pubkey) out.files_digest = me.files_digest + peer.files_digest;

  read_child(r, local, remote, c);
  if (remote_prefix) check_responder_only(r, *remote_prefix, out);
  if (daemon.data_plane == DataPlaneMode::none) {
    // A trap is a route into the data plane that waits for traffic.
    const std::string why = "[daemon] data_plane = \"none\": no traffic reaches ternd, so it cannot";
    if (out.start_action == StartAction::trap)
      r.error("start_action", why + " trap it (use \"start\" or \"none\", or the \"tun\" data plane)");
    if (c.dpd_action == ike::DpdAction::trap && c.dpd_delay.count() > 0)
      r.error("dpd_action", why + " trap a dead peer's traffic (use \"clear\" or \"restart\")");
  }
  return out;
}

}  // namespace tern::config

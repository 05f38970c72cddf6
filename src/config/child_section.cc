// [[connection.child]] -> the ChildConfigs of a ConnectionConfig (see child_section.h).
#include "config/child_section.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/lifetimes.h"
#include "config/proposal_keywords.h"
#include "config/ts_syntax.h"

namespace tern::config {
namespace {

constexpr std::string_view kChildKeys[] = {"name",        "local_ts",   "remote_ts",     "esp_proposals",
                                           "mode",        "rekey_time", "life_time",     "rand_time",
                                           "rekey_bytes", "life_bytes", "rekey_packets", "life_packets"};
constexpr Reserved kChildReserved[] = {
    {"start_action", "is set on the [[connection]] in tern (it starts every child of the connection)"},
    {"dpd_action", "is set on the [[connection]] in tern (it applies to every child of the connection)"},
    {"close_action", "is not supported yet"},
    {"updown", "is not supported: tern runs no scripts"},
    {"ipcomp", "is not supported (no IPComp)"},
};

constexpr std::string_view kDefaultEspProposals[] = {"aes128gcm16", "aes256gcm16"};
constexpr std::string_view kModes[] = {"tunnel", "transport"};

std::vector<ike::EspSuite> read_esp_proposals(TableReader& r) {
  std::vector<ike::EspSuite> suites;
  auto items = r.strings("esp_proposals");
  if (!items) {
    if (!r.has("esp_proposals")) {
      for (std::string_view text : kDefaultEspProposals) {
        auto parsed = parse_esp_proposal(text);
        TERN_ASSERT(parsed.has_value());
        suites.insert(suites.end(), parsed->begin(), parsed->end());
      }
    }
    return suites;
  }
  if (items->empty()) {
    r.error("esp_proposals",
            "esp_proposals is empty; leave it out for the defaults (aes128gcm16, aes256gcm16)");
  }
  for (const StringItem& item : *items) {
    auto parsed = parse_esp_proposal(item.value);
    if (!parsed) {
      r.problems().error(item.at, item.key, parsed.error());
      continue;
    }
    suites.insert(suites.end(), parsed->begin(), parsed->end());
  }
  return suites;
}

std::vector<wire::TrafficSelector> read_selectors(TableReader& r, std::string_view key,
                                                  const std::optional<ike::Address>& fallback) {
  std::vector<wire::TrafficSelector> out;
  auto items = r.strings(key);
  if (!items) {
    if (!r.has(key) && fallback) out.push_back(host_selector(*fallback));
    return out;
  }
  if (items->empty()) {
    r.error(key, fmt::format("{} is empty; leave it out to use the IKE address, or list subnets such as "
                             "\"10.1.0.0/24\"",
                             key));
  }
  for (const StringItem& item : *items) {
    auto ts = parse_traffic_selector(item.value);
    if (!ts) {
      r.problems().error(item.at, item.key, ts.error());
      continue;
    }
    out.push_back(std::move(*ts));
  }
  return out;
}

// True when it read a valid name.
bool read_one_child(TableReader& r, const std::optional<ike::Address>& local,
                    const std::optional<ike::Address>& remote, ike::ChildConfig& out) {
  r.allow_only(kChildKeys, kChildReserved);
  bool named = false;
  if (auto name = r.string("name")) {
    if (auto bad = check_name(*name, "child name")) {
      r.error("name", *bad);
    } else {
      out.name = *name;
      named = true;
    }
  } else if (!r.has("name")) {
    r.missing("name", "e.g. name = \"net\"; ternctl up CONN/CHILD uses it");
  }
  out.esp_proposals = read_esp_proposals(r);
  out.local_ts = read_selectors(r, "local_ts", local);
  out.remote_ts = read_selectors(r, "remote_ts", remote);
  if (auto mode = r.choice("mode", kModes))
    out.mode = *mode == 0 ? ike::ChildMode::tunnel : ike::ChildMode::transport;
  out.limits = read_child_lifetimes(r);
  return named;
}

}  // namespace

std::optional<std::string> check_name(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-');
  }
  if (ok) return std::nullopt;
  return fmt::format("{} '{}' must be 1..64 characters of letters, digits, '.', '_' and '-'", what, name);
}

void read_child(TableReader& connection, const std::optional<ike::Address>& local,
                const std::optional<ike::Address>& remote, ike::ConnectionConfig& out) {
  std::vector<const toml::table*> children = connection.tables("child");
  if (children.empty()) {
    if (!connection.has("child")) {
      connection.missing(
          "child",
          "a [[connection.child]] with a name; the first child is made in IKE_AUTH, any further one "
          "with its own CREATE_CHILD_SA");
    }
    return;
  }
  std::vector<ike::ChildConfig> read;
  for (size_t i = 0; i < children.size(); ++i) {
    TableReader r{*children[i], fmt::format("{}[{}]", connection.key("child"), i),
                  connection.header_of("child"), TableKind::array_element, connection.problems()};
    ike::ChildConfig child;
    const bool named = read_one_child(r, local, remote, child);
    const bool repeated = std::any_of(
        read.begin(), read.end(), [&](const ike::ChildConfig& other) { return other.name == child.name; });
    if (named && repeated) {
      r.error("name", fmt::format("a second child named '{}' in connection '{}': child names must be unique "
                                  "within a connection (ternctl up/down/rekey CONN/CHILD names one)",
                                  child.name, out.name));
    }
    read.push_back(std::move(child));
  }
  out.children = std::move(read);
}

}  // namespace tern::config

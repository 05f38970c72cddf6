// See stats_json.h.
#include "control/stats_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "control/json_fields.h"

namespace tern::control {
namespace {

using ike::EndpointCounters;

struct CounterField {
  std::string_view name;
  uint64_t EndpointCounters::*member;
};

#define TERN_COUNTER(name)         \
  CounterField {                   \
#name, &EndpointCounters::name \
  }
constexpr std::array kCounterFields = {
    TERN_COUNTER(datagrams_received),
    TERN_COUNTER(dropped_malformed),
    TERN_COUNTER(dropped_no_sa),
    TERN_COUNTER(dropped_no_connection),
    TERN_COUNTER(dropped_bad_message_id),
    TERN_COUNTER(dropped_undecodable),
    TERN_COUNTER(dropped_retransmit_mismatch),
    TERN_COUNTER(dropped_no_sa_response),
    TERN_COUNTER(invalid_ike_spi_sent),
    TERN_COUNTER(invalid_ike_spi_rate_limited),
    TERN_COUNTER(invalid_major_version_sent),
    TERN_COUNTER(unsupported_critical_payload_sent),
    TERN_COUNTER(error_answers_rate_limited),
    TERN_COUNTER(cookies_sent),
    TERN_COUNTER(cookies_accepted),
    TERN_COUNTER(cookies_rejected),
    TERN_COUNTER(cookie_retries),
    TERN_COUNTER(cookies_withheld),
    TERN_COUNTER(responder_ike_sas_created),
    TERN_COUNTER(dh_computations),
    TERN_COUNTER(unverified_answers_withheld),
    TERN_COUNTER(unverified_octets_received),
    TERN_COUNTER(unverified_octets_sent),
    TERN_COUNTER(ike_sa_init_refused),
    TERN_COUNTER(malformed_requests_answered),
    TERN_COUNTER(dropped_request_in_wrong_state),
    TERN_COUNTER(create_child_sa_refused),
    TERN_COUNTER(child_sas_additional_created),
    TERN_COUNTER(child_sas_additional_failed),
    TERN_COUNTER(child_sas_additional_answered),
    TERN_COUNTER(invalid_spi_reported),
    TERN_COUNTER(delete_unknown_spi),
    TERN_COUNTER(liveness_checks_sent),
    TERN_COUNTER(peers_not_responding),
    TERN_COUNTER(initial_contact_replaced),
    TERN_COUNTER(retransmits_sent),
    TERN_COUNTER(cached_responses_sent),
    TERN_COUNTER(ike_sas_established),
    TERN_COUNTER(authentication_failures),
    TERN_COUNTER(ike_sas_destroyed),
    TERN_COUNTER(child_sas_installed),
    TERN_COUNTER(child_sas_removed),
    TERN_COUNTER(child_soft_limits),
    TERN_COUNTER(child_hard_limits),
    TERN_COUNTER(child_rekeys_started),
    TERN_COUNTER(child_rekeys_completed),
    TERN_COUNTER(child_rekeys_failed),
    TERN_COUNTER(child_rekeys_answered),
    TERN_COUNTER(child_rekeys_refused),
    TERN_COUNTER(child_rekeys_postponed),
    TERN_COUNTER(child_rekeys_refused_closing),
    TERN_COUNTER(child_rekey_collisions),
    TERN_COUNTER(child_rekey_collisions_lost),
    TERN_COUNTER(ike_rekeys_started),
    TERN_COUNTER(ike_rekeys_completed),
    TERN_COUNTER(ike_rekeys_failed),
    TERN_COUNTER(ike_rekeys_answered),
    TERN_COUNTER(ike_rekeys_refused),
    TERN_COUNTER(ike_rekey_collisions),
    TERN_COUNTER(ike_reauths_started),
    TERN_COUNTER(ike_reauths_completed),
    TERN_COUNTER(ike_sas_expired),
    TERN_COUNTER(ike_sas_cert_expired),
    TERN_COUNTER(cert_expiry_reauths),
    TERN_COUNTER(cert_expiry_deletes),
    TERN_COUNTER(nat_keepalives_sent),
    TERN_COUNTER(nat_mapping_changes),
    TERN_COUNTER(esp_source_changes),
    TERN_COUNTER(esp_source_changes_ignored),
    TERN_COUNTER(nat_mapping_updates_sent),
    TERN_COUNTER(dpd_restarts),
    TERN_COUNTER(peer_restarts_suspected),
    TERN_COUNTER(child_rekeys_failed_pfs),
    TERN_COUNTER(child_pfs_mismatches_predicted),
    TERN_COUNTER(peer_rekeys_refused_pfs),
    TERN_COUNTER(ike_messages_fragmented),
    TERN_COUNTER(ike_fragments_sent),
    TERN_COUNTER(ike_fragments_received),
    TERN_COUNTER(ike_fragments_accepted),
    TERN_COUNTER(ike_fragments_duplicate),
    TERN_COUNTER(ike_fragments_invalid),
    TERN_COUNTER(ike_fragments_unexpected),
    TERN_COUNTER(ike_fragments_ignored),
    TERN_COUNTER(ike_messages_reassembled),
    TERN_COUNTER(ike_reassembly_dropped),
    TERN_COUNTER(mobike_updates_sent),
    TERN_COUNTER(mobike_updates_completed),
    TERN_COUNTER(mobike_updates_failed),
    TERN_COUNTER(mobike_updates_followed),
    TERN_COUNTER(mobike_updates_refused),
    TERN_COUNTER(mobike_updates_ignored),
};
#undef TERN_COUNTER

// A counter added to EndpointCounters must be added above, or `ternctl stats`
// would silently not show it.
static_assert(sizeof(EndpointCounters) == kCounterFields.size() * sizeof(uint64_t),
              "EndpointCounters changed: list every field in kCounterFields");

// Name column wide enough for every name in `stats`' object `key`.
size_t name_width(const nlohmann::json& object) {
  size_t width = 0;
  if (object.is_object())
    for (const auto& [name, value] : object.items()) width = std::max(width, name.size());
  return width;
}

void render_section(std::string& out, std::string_view title, const nlohmann::json* object,
                    std::string_view empty) {
  out += fmt::format("{}:\n", title);
  if (object == nullptr || !object->is_object() || object->empty()) {
    out += fmt::format("  {}\n", empty);
    return;
  }
  const size_t width = name_width(*object);
  for (const auto& [name, value] : object->items())
    out += fmt::format("  {:<{}}  {}\n", name, width, field_text(*object, name));
}

}  // namespace

nlohmann::json stats_json(const EndpointCounters& counters,
                          const std::map<std::string, uint64_t>& teardown_reasons) {
  nlohmann::json by_name = nlohmann::json::object();
  for (const CounterField& f : kCounterFields) by_name[std::string(f.name)] = counters.*f.member;
  nlohmann::json reasons = nlohmann::json::object();
  for (const auto& [reason, count] : teardown_reasons) reasons[reason] = count;
  return {{"counters", std::move(by_name)}, {"teardown_reasons", std::move(reasons)}};
}

void add_counters(ike::EndpointCounters& sum, const ike::EndpointCounters& more) {
  for (const CounterField& f : kCounterFields) sum.*f.member += more.*f.member;
}

std::vector<std::string_view> counter_names() {
  std::vector<std::string_view> names;
  for (const CounterField& f : kCounterFields) names.push_back(f.name);
  return names;
}

std::string render_stats(const nlohmann::json& stats) {
  std::string out;
  render_section(out, "counters", field(stats, "counters"), "(none)");
  render_section(out, "teardown reasons", field(stats, "teardown_reasons"), "(no IKE SA went down)");
  // Whatever else ternd adds (its own counters, a gauge): objects as sections, the rest as lines.
  if (!stats.is_object()) return out;
  for (const auto& [key, value] : stats.items()) {
    if (key == "counters" || key == "teardown_reasons") continue;
    if (value.is_object())
      render_section(out, key, &value, "(none)");
    else
      out += fmt::format("{}: {}\n", key, field_text(stats, key));
  }
  return out;
}

}  // namespace tern::control

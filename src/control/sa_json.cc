// See sa_json.h.
#include "control/sa_json.h"

#include <fmt/format.h>

#include "control/ts_text.h"
#include "wire/ts_payload.h"

namespace tern::control {
namespace {

nlohmann::json selectors_json(const std::vector<wire::TrafficSelector>& selectors) {
  nlohmann::json out = nlohmann::json::array();
  for (const wire::TrafficSelector& ts : selectors) out.push_back(ts_text(ts));
  return out;
}

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

std::string ike_proposal_text(const crypto::IkeSuite& suite) {
  return suite.to_string();
}

std::string spi_hex(uint64_t ike_spi) {
  return fmt::format("{:016x}", ike_spi);
}

std::string spi_hex(uint32_t esp_spi) {
  return fmt::format("{:08x}", esp_spi);
}

nlohmann::json child_sa_json(const ike::ChildSa& child) {
  return {
      {"name", child.name},
      {"state", child.deleting ? "DELETING" : "INSTALLED"},
      {"spi_in", spi_hex(child.spi_in)},
      {"spi_out", spi_hex(child.spi_out)},
      {"mode", child.mode == ike::ChildMode::tunnel ? "TUNNEL" : "TRANSPORT"},
      {"encap", child.encap},
      {"proposal", child.suite.to_string()},
      {"local_ts", selectors_json(child.local_ts)},
      {"remote_ts", selectors_json(child.remote_ts)},
      // Why its rekeys fail or will fail (the peers disagree about PFS); null: none known.
      {"rekey_problem", text_or_null(child.rekey_problem)},
      // Not measured: the ESP data plane does not count yet. Never fake zeros.
      {"bytes_in", nullptr},
      {"bytes_out", nullptr},
      {"packets_in", nullptr},
      {"packets_out", nullptr},
  };
}

nlohmann::json ike_sa_json(const ike::IkeSaStatus& sa, const WallClock& clock) {
  TERN_ASSERT(clock.format != nullptr);
  nlohmann::json children = nlohmann::json::array();
  for (const ike::ChildSa& child : sa.children) children.push_back(child_sa_json(child));
  return {
      {"id", static_cast<uint64_t>(sa.id)},
      {"name", sa.connection},
      {"state", ike::to_string(sa.state)},
      {"initiator", sa.initiator},
      {"local_addr", wire::ip_address_to_string(sa.local.ip_bytes())},
      {"local_port", sa.local.port},
      {"remote_addr", wire::ip_address_to_string(sa.remote.ip_bytes())},
      {"remote_port", sa.remote.port},
      {"local_id", text_or_null(sa.local_id)},
      {"remote_id", text_or_null(sa.remote_id)},
      {"spi_i", spi_hex(sa.spi_i)},
      {"spi_r", spi_hex(sa.spi_r)},
      {"proposal", sa.suite ? nlohmann::json(ike_proposal_text(*sa.suite)) : nlohmann::json(nullptr)},
      {"established_at",
       sa.established_at ? nlohmann::json(clock.format(*sa.established_at)) : nlohmann::json(nullptr)},
      {"nat_detected", sa.nat_detected},
      {"children", std::move(children)},
  };
}

nlohmann::json list_sas_json(const std::vector<ike::IkeSaStatus>& sas, const WallClock& clock) {
  nlohmann::json out = nlohmann::json::array();
  for (const ike::IkeSaStatus& sa : sas) out.push_back(ike_sa_json(sa, clock));
  return out;
}

}  // namespace tern::control

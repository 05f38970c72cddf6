// See status_table.h.
#include "control/status_table.h"

#include <fmt/format.h>

#include "control/json_fields.h"

namespace tern::control {
namespace {

using nlohmann::json;

// "192.0.2.1:500", "[2001:db8::1]:500"
std::string endpoint_text(const json& sa, std::string_view addr_key, std::string_view port_key) {
  std::string addr = field_text(sa, addr_key);
  if (addr.find(':') != std::string::npos) addr = "[" + addr + "]";
  return addr + ":" + field_text(sa, port_key);
}

std::string join(const json& array) {
  std::string out;
  for (const json& item : array)
    out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : "-");
  return out.empty() ? "-" : out;
}

std::string traffic_text(const json& child) {
  // null: the data plane does not count (yet); never shown as zero.
  const json* bytes_in = field(child, "bytes_in");
  if (bytes_in == nullptr || !bytes_in->is_number()) return "not measured";
  return fmt::format("in {} bytes, {} packets; out {} bytes, {} packets", field_text(child, "bytes_in"),
                     field_text(child, "packets_in"), field_text(child, "bytes_out"),
                     field_text(child, "packets_out"));
}

void render_child(std::string& out, const json& child) {
  std::string flags = field_text(child, "state") + ", " + field_text(child, "mode");
  if (field_true(child, "encap")) flags += ", UDP-encapsulated";
  out += fmt::format("  {}: {}\n", field_text(child, "name"), flags);
  out += fmt::format("    SPIs:      {}_i {}_o\n", field_text(child, "spi_in"), field_text(child, "spi_out"));
  out += fmt::format("    ESP:       {}\n", field_text(child, "proposal"));
  out += fmt::format("    local_ts:  {}\n", join(field_array(child, "local_ts")));
  out += fmt::format("    remote_ts: {}\n", join(field_array(child, "remote_ts")));
  out += fmt::format("    traffic:   {}\n", traffic_text(child));
  const std::string problem = field_text(child, "rekey_problem", "");
  if (!problem.empty()) out += fmt::format("    rekeying:  FAILS: {}\n", problem);
}

void render_ike_sa(std::string& out, const json& sa) {
  std::string head =
      fmt::format("{}[{}]: {}", field_text(sa, "name"), field_text(sa, "id"), field_text(sa, "state"));
  std::string established = field_text(sa, "established_at", "");
  if (!established.empty()) head += " since " + established;
  head += field_true(sa, "initiator") ? ", initiator" : ", responder";
  if (field_true(sa, "nat_detected")) head += ", NAT detected";
  out += head + "\n";
  out += fmt::format("  local:  {} {}\n", endpoint_text(sa, "local_addr", "local_port"),
                     field_text(sa, "local_id"));
  out += fmt::format("  remote: {} {}\n", endpoint_text(sa, "remote_addr", "remote_port"),
                     field_text(sa, "remote_id", "(not authenticated yet)"));
  // strongSwan's convention: '*' marks our own SPI.
  const bool initiator = field_true(sa, "initiator");
  out += fmt::format("  SPIs:   {}_i{} {}_r{}\n", field_text(sa, "spi_i"), initiator ? "*" : "",
                     field_text(sa, "spi_r"), initiator ? "" : "*");
  out += fmt::format("  IKE:    {}\n", field_text(sa, "proposal", "(not negotiated yet)"));
  for (const json& child : field_array(sa, "children")) render_child(out, child);
}

}  // namespace

std::string render_status(const json& list_sas) {
  if (!list_sas.is_array()) return "list-sas answer is not a list of IKE SAs\n";
  if (list_sas.empty()) return "no IKE SAs\n";
  std::string out;
  for (const json& sa : list_sas) render_ike_sa(out, sa);
  return out;
}

}  // namespace tern::control

#include "tools/exchange_report.h"

#include <fmt/format.h>

namespace tern::tools {

namespace {

std::string endpoint_string(const UdpEndpoint& e) {
  return fmt::format("{}.{}.{}.{}:{}", e.ipv4[0], e.ipv4[1], e.ipv4[2], e.ipv4[3], e.port);
}

std::vector<std::string> names(const std::vector<wire::PayloadType>& types) {
  std::vector<std::string> out;
  out.reserve(types.size());
  for (wire::PayloadType t : types) out.push_back(wire::to_string(t));
  return out;
}

std::vector<int> numbers(const std::vector<wire::PayloadType>& types) {
  std::vector<int> out;
  out.reserve(types.size());
  for (wire::PayloadType t : types) out.push_back(static_cast<int>(t));
  return out;
}

nlohmann::json notifies_json(const std::vector<wire::NotifyPayload>& notifies) {
  nlohmann::json out = nlohmann::json::array();
  for (const wire::NotifyPayload& n : notifies) {
    out.push_back({{"type", static_cast<int>(n.type)},
                   {"type_name", wire::to_string(n.type)},
                   {"data", to_hex(n.data)}});
  }
  return out;
}

nlohmann::json transforms_json(const crypto::IkeSuite& suite) {
  return {{"encr", static_cast<int>(suite.encr)},
          {"key_bits", suite.encr_key_bits},
          {"prf", static_cast<int>(suite.prf)},
          {"integ", static_cast<int>(suite.integ)},
          {"ke", static_cast<int>(suite.ke)}};
}

std::string id_data(const wire::IdPayload& id) {
  return std::string(id.data.begin(), id.data.end());
}

nlohmann::json id_json(const wire::IdPayload& id) {
  return {
      {"type", static_cast<int>(id.type)}, {"type_name", wire::to_string(id.type)}, {"data", id_data(id)}};
}

// "SA, KE, Nonce, N(NAT_DETECTION_SOURCE_IP), ..." or "SK {IDi, AUTH, SA, TSi, TSr}"
std::string payload_list(const ScriptedMessageSummary& m) {
  std::string out;
  size_t notify = 0;
  for (wire::PayloadType t : m.payloads) {
    if (!out.empty()) out += ", ";
    if (t == wire::PayloadType::Notify && notify < m.notifies.size()) {
      out += "N(" + wire::to_string(m.notifies[notify++].type) + ")";
      continue;
    }
    out += wire::to_string(t);
    if (t == wire::PayloadType::SK) out += " {" + fmt::format("{}", fmt::join(names(m.inner), ", ")) + "}";
  }
  return out;
}

}  // namespace

nlohmann::json exchange_json(std::string_view suite_name, const ScriptedExchange& exchange) {
  const ScriptedExchangeSummary& s = exchange.summary;
  nlohmann::json messages = nlohmann::json::array();
  for (size_t i = 0; i < s.messages.size(); ++i) {
    const ScriptedMessageSummary& m = s.messages[i];
    const ScriptedDatagram& d = exchange.datagrams[i];
    messages.push_back({{"step", d.step},
                        {"src", endpoint_string(d.src)},
                        {"dst", endpoint_string(d.dst)},
                        {"exchange", static_cast<int>(m.exchange)},
                        {"exchange_name", wire::to_string(m.exchange)},
                        {"message_id", m.message_id},
                        {"response", m.response},
                        {"initiator", m.initiator_flag},
                        {"length", m.length},
                        {"payloads", numbers(m.payloads)},
                        {"payload_names", names(m.payloads)},
                        {"inner", numbers(m.inner)},
                        {"inner_names", names(m.inner)},
                        {"notifies", notifies_json(m.notifies)}});
  }
  return {{"suite", suite_name},
          {"suite_detail", s.suite.to_string()},
          {"ike_transforms", transforms_json(s.suite)},
          {"spi_i", fmt::format("{:016x}", s.spi_i)},
          {"spi_r", fmt::format("{:016x}", s.spi_r)},
          {"messages", messages},
          {"nonce_i", to_hex(s.nonce_i)},
          {"nonce_r", to_hex(s.nonce_r)},
          {"ke_group", static_cast<int>(s.ke_group)},
          {"ke_group_name", wire::to_string(s.ke_group)},
          {"ke_i", to_hex(s.ke_i)},
          {"ke_r", to_hex(s.ke_r)},
          {"id_i", id_json(s.id_i)},
          {"id_r", id_json(s.id_r)},
          {"auth_method", static_cast<int>(s.auth_method)},
          {"esp_spi_i", fmt::format("{:08x}", s.esp_spi_i)},
          {"esp_spi_r", fmt::format("{:08x}", s.esp_spi_r)},
          {"ts_i", s.ts_i},
          {"ts_r", s.ts_r},
          {"nat_detected", s.nat_detected}};
}

std::string exchange_text(std::string_view suite_name, const ScriptedExchange& exchange) {
  const ScriptedExchangeSummary& s = exchange.summary;
  std::string out = fmt::format("tern scripted IKEv2 exchange (codec + crypto, not the daemon)\n");
  out += fmt::format("  suite        {} ({})\n", suite_name, s.suite.to_string());
  out += fmt::format("  IKE SPIs     SPIi {:016x}  SPIr {:016x}\n", s.spi_i, s.spi_r);
  for (size_t i = 0; i < s.messages.size(); ++i) {
    const ScriptedMessageSummary& m = s.messages[i];
    const ScriptedDatagram& d = exchange.datagrams[i];
    out += fmt::format("  {} -> {}  {} {} (message ID {}, {} octets): HDR, {}\n", endpoint_string(d.src),
                       endpoint_string(d.dst), wire::to_string(m.exchange),
                       m.response ? "response" : "request", m.message_id, m.length, payload_list(m));
  }
  out += fmt::format("  KE           {} ({} octets each way), g^ir equal on both sides\n",
                     wire::to_string(s.ke_group), s.ke_i.size());
  out += fmt::format("  nonces       Ni {}...  Nr {}... ({} octets)\n", to_hex(ByteView{s.nonce_i}.first(8)),
                     to_hex(ByteView{s.nonce_r}.first(8)), s.nonce_i.size());
  out += fmt::format("  NAT          {}\n",
                     s.nat_detected ? "NAT detected" : "no NAT detected (NAT-D hashes match)");
  out += fmt::format("  identities   IDi {}  IDr {}, AUTH {} verified by both sides\n", s.id_i.to_string(),
                     s.id_r.to_string(), wire::to_string(s.auth_method));
  out += fmt::format("  Child SA     ESP aes128gcm16, SPIs {:08x} (initiator in) / {:08x} (responder in)\n",
                     s.esp_spi_i, s.esp_spi_r);
  out += fmt::format("               TSi {}\n               TSr {}\n", s.ts_i, s.ts_r);
  return out;
}

}  // namespace tern::tools

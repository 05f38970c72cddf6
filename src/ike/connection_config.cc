// EspSuite and Identity helpers (see connection_config.h).
#include "ike/connection_config.h"

#include <fmt/format.h>

#include "crypto/distinguished_name.h"

namespace tern::ike {

std::string EspSuite::to_string() const {
  std::string out = fmt::format("{}_{}", wire::to_string(encr), encr_key_bits);
  if (integ != wire::IntegId::NONE) out += "/" + wire::to_string(integ);
  out += "/" + wire::to_string(esn);
  if (ke != wire::KeGroup::NONE) out += "/" + wire::to_string(ke);
  return out;
}

Identity Identity::fqdn(std::string_view name) {
  ByteView b = as_bytes(name);
  return {wire::IdType::ID_FQDN, Bytes(b.begin(), b.end()), false};
}

Identity Identity::rfc822(std::string_view address) {
  ByteView b = as_bytes(address);
  return {wire::IdType::ID_RFC822_ADDR, Bytes(b.begin(), b.end()), false};
}

Identity Identity::ipv4(const std::array<uint8_t, 4>& octets) {
  return {wire::IdType::ID_IPV4_ADDR, Bytes(octets.begin(), octets.end()), false};
}

Identity Identity::ipv6(const std::array<uint8_t, 16>& octets) {
  return {wire::IdType::ID_IPV6_ADDR, Bytes(octets.begin(), octets.end()), false};
}

Identity Identity::key_id(ByteView opaque) {
  return {wire::IdType::ID_KEY_ID, Bytes(opaque.begin(), opaque.end()), false};
}

Identity Identity::dn(ByteView der) {
  return {wire::IdType::ID_DER_ASN1_DN, Bytes(der.begin(), der.end()), false};
}

Identity Identity::match_any() {
  return {wire::IdType::ID_FQDN, {}, true};
}

bool Identity::matches(const wire::IdPayload& received) const {
  if (any) return true;
  if (received.type != type) return false;
  if (type == wire::IdType::ID_DER_ASN1_DN) return crypto::dn_equal(received.data, data);
  return equal(received.data, data);
}

std::string Identity::to_string() const {
  if (any) return "%any";
  return id_text(payload());
}

std::string id_text(const wire::IdPayload& id) {
  if (id.type == wire::IdType::ID_DER_ASN1_DN) return crypto::dn_to_text(id.data);
  return id.to_string();
}

std::string_view to_string(AuthKind kind) {
  return kind == AuthKind::pubkey ? "pubkey" : "psk";
}

const ChildConfig* ConnectionConfig::find_child(std::string_view child_name) const {
  for (const ChildConfig& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

const ChildConfig& ConnectionConfig::child_or_first(std::string_view child_name) const {
  const ChildConfig* child = find_child(child_name);
  return child != nullptr ? *child : children.front();
}

std::string_view to_string(DpdAction action) {
  switch (action) {
    case DpdAction::clear: return "clear";
    case DpdAction::restart: return "restart";
    case DpdAction::trap: return "trap";
  }
  return "unknown";
}

std::string_view to_string(Fragmentation fragmentation) {
  switch (fragmentation) {
    case Fragmentation::no: return "no";
    case Fragmentation::accept: return "accept";
    case Fragmentation::yes: return "yes";
  }
  return "unknown";
}

}  // namespace tern::ike

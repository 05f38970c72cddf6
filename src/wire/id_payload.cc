#include "wire/id_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"
#include "wire/ts_payload.h"

namespace tern::wire {

namespace {

// Names from the network may hold anything; keep log lines printable.
std::string printable(ByteView text) {
  std::string out;
  out.reserve(text.size());
  for (uint8_t c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace

Result<IdPayload> IdPayload::parse(ByteView body) {
  ByteReader r{body, "ID payload"};
  auto type = r.u8("ID Type");
  if (!type) return as_invalid_syntax(type.error());
  if (auto reserved = r.skip(3, "RESERVED"); !reserved) return as_invalid_syntax(reserved.error());

  IdPayload id;
  id.type = static_cast<IdType>(*type);
  ByteView data = r.rest();
  id.data.assign(data.begin(), data.end());

  switch (id.type) {
    case IdType::ID_IPV4_ADDR:
      if (data.size() != 4) {
        return invalid_syntax(fmt::format("ID payload: ID_IPV4_ADDR needs 4 octets, got {}", data.size()));
      }
      break;
    case IdType::ID_IPV6_ADDR:
      if (data.size() != 16) {
        return invalid_syntax(fmt::format("ID payload: ID_IPV6_ADDR needs 16 octets, got {}", data.size()));
      }
      break;
    case IdType::ID_FQDN:
    case IdType::ID_RFC822_ADDR:
    case IdType::ID_DER_ASN1_DN:
    case IdType::ID_DER_ASN1_GN:
    case IdType::ID_KEY_ID:
      if (data.empty()) {
        return invalid_syntax(
            fmt::format("ID payload: {} with empty Identification Data", wire::to_string(id.type)));
      }
      break;
    case IdType::ID_NULL:  // RFC 7619 §3: the data is empty; anything else is ignored by policy.
    default: break;
  }
  return id;
}

void IdPayload::build(ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(type));
  w.zeros(3);  // RESERVED
  w.bytes(data);
}

std::string IdPayload::to_string() const {
  switch (type) {
    case IdType::ID_IPV4_ADDR: return "ipv4:" + ip_address_to_string(data);
    case IdType::ID_IPV6_ADDR: return "ipv6:" + ip_address_to_string(data);
    case IdType::ID_FQDN: return "fqdn:" + printable(data);
    case IdType::ID_RFC822_ADDR: return "rfc822:" + printable(data);
    case IdType::ID_DER_ASN1_DN: return "dn:" + to_hex(data);
    case IdType::ID_DER_ASN1_GN: return "gn:" + to_hex(data);
    case IdType::ID_KEY_ID: return "keyid:" + to_hex(data);
    case IdType::ID_NULL: return "null";
  }
  return wire::to_string(type) + ":" + to_hex(data);
}

}  // namespace tern::wire

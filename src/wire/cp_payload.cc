#include "wire/cp_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {
constexpr uint16_t kReservedBit = 0x8000;  // the R bit in front of Attribute Type
}  // namespace

Result<CpPayload> CpPayload::parse(ByteView body) {
  ByteReader r{body, "CP payload"};
  auto type = r.u8("CFG Type");
  if (!type) return as_invalid_syntax(type.error());
  if (auto reserved = r.skip(3, "RESERVED"); !reserved) return as_invalid_syntax(reserved.error());

  CpPayload cp;
  cp.type = static_cast<CfgType>(*type);
  while (!r.empty()) {
    size_t index = cp.attributes.size() + 1;
    if (r.remaining() < 4) {
      return as_invalid_syntax(Error::drop(
          Errc::truncated,
          fmt::format("CP payload: attribute {}: header needs 4 octets, {} left", index, r.remaining())));
    }
    uint16_t type_field = *r.u16("Attribute Type");
    uint16_t length = *r.u16("Length");
    if (length > r.remaining()) {
      return as_invalid_syntax(Error::drop(
          Errc::truncated,
          fmt::format("CP payload: attribute {}: Length {}, {} octets left", index, length, r.remaining())));
    }
    ByteView value = *r.take(length, "Value");
    cp.attributes.push_back(
        {static_cast<uint16_t>(type_field & ~kReservedBit), Bytes(value.begin(), value.end())});
  }
  return cp;
}

void CpPayload::build(ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(type));
  w.zeros(3);  // RESERVED
  for (const CfgAttribute& attribute : attributes) {
    if (attribute.value.size() > 0xffff) TERN_BUG("CP payload: attribute value longer than 65535 octets");
    w.u16(static_cast<uint16_t>(attribute.type & ~kReservedBit));
    w.u16(static_cast<uint16_t>(attribute.value.size()));
    w.bytes(attribute.value);
  }
}

}  // namespace tern::wire

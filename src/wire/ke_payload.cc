#include "wire/ke_payload.h"

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

Result<KePayload> KePayload::parse(ByteView body) {
  ByteReader r{body, "KE payload"};
  auto group = r.u16("Diffie-Hellman Group Num");
  if (!group) return as_invalid_syntax(group.error());
  if (auto reserved = r.skip(2, "RESERVED"); !reserved) return as_invalid_syntax(reserved.error());
  if (*group == 0) return invalid_syntax("KE payload: Diffie-Hellman Group Num 0");
  ByteView data = r.rest();
  if (data.empty()) return invalid_syntax("KE payload: no Key Exchange Data");
  KePayload ke;
  ke.group = static_cast<KeGroup>(*group);
  ke.data.assign(data.begin(), data.end());
  return ke;
}

void KePayload::build(ByteWriter& w) const {
  w.u16(static_cast<uint16_t>(group));
  w.u16(0);  // RESERVED
  w.bytes(data);
}

}  // namespace tern::wire

#include "wire/unknown_payload.h"

namespace tern::wire {

Result<UnknownPayload> UnknownPayload::parse(ByteView body) {
  return UnknownPayload{Bytes(body.begin(), body.end())};
}

void UnknownPayload::build(ByteWriter& w) const {
  w.bytes(body);
}

}  // namespace tern::wire

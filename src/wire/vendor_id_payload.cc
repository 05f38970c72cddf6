#include "wire/vendor_id_payload.h"

namespace tern::wire {

Result<VendorIdPayload> VendorIdPayload::parse(ByteView body) {
  return VendorIdPayload{Bytes(body.begin(), body.end())};
}

void VendorIdPayload::build(ByteWriter& w) const {
  w.bytes(id);
}

}  // namespace tern::wire

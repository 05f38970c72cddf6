#include "wire/nonce_payload.h"

#include <fmt/format.h>

#include "wire/codec_error.h"

namespace tern::wire {

Result<NoncePayload> NoncePayload::parse(ByteView body) {
  if (body.size() < kMinNonceSize || body.size() > kMaxNonceSize) {
    return invalid_syntax(
        fmt::format("Nonce payload: {} octets, must be {}..{}", body.size(), kMinNonceSize, kMaxNonceSize));
  }
  return NoncePayload{Bytes(body.begin(), body.end())};
}

void NoncePayload::build(ByteWriter& w) const {
  w.bytes(data);
}

}  // namespace tern::wire

#include "wire/sk_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

Result<SkPayload> SkPayload::parse(ByteView body) {
  return SkPayload{Bytes(body.begin(), body.end()), PayloadType::NONE};
}

void SkPayload::build(ByteWriter& w) const {
  w.bytes(encrypted);
}

Result<SkfPayload> SkfPayload::parse(ByteView body) {
  ByteReader r{body, "SKF payload"};
  auto number = r.u16("Fragment Number");
  if (!number) return as_invalid_syntax(number.error());
  auto total = r.u16("Total Fragments");
  if (!total) return as_invalid_syntax(total.error());
  if (*total == 0) return invalid_syntax("SKF payload: Total Fragments 0");
  if (*number == 0 || *number > *total) {
    return invalid_syntax(fmt::format("SKF payload: Fragment Number {} of {}", *number, *total));
  }
  ByteView encrypted = r.rest();
  return SkfPayload{*number, *total, Bytes(encrypted.begin(), encrypted.end()), PayloadType::NONE};
}

void SkfPayload::build(ByteWriter& w) const {
  w.u16(fragment_number);
  w.u16(total_fragments);
  w.bytes(encrypted);
}

}  // namespace tern::wire

#include "wire/eap_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {
// RFC 3748 §4 Codes.
constexpr uint8_t kRequest = 1, kResponse = 2, kSuccess = 3, kFailure = 4;
constexpr size_t kEapHeaderSize = 4;  // Code, Identifier, Length
}  // namespace

Result<EapPayload> EapPayload::parse(ByteView body) {
  ByteReader r{body, "EAP payload"};
  auto code = r.u8("Code");
  if (!code) return as_invalid_syntax(code.error());
  if (auto identifier = r.skip(1, "Identifier"); !identifier) return as_invalid_syntax(identifier.error());
  auto length = r.u16("Length");
  if (!length) return as_invalid_syntax(length.error());

  if (*length != body.size()) {
    return as_invalid_syntax(Error::drop(
        Errc::bad_length,
        fmt::format("EAP payload: EAP Length {} but the message has {} octets", *length, body.size())));
  }
  switch (*code) {
    case kRequest:
    case kResponse:
      if (body.size() == kEapHeaderSize) {
        return invalid_syntax(
            fmt::format("EAP payload: {} without a Type octet", *code == kRequest ? "Request" : "Response"));
      }
      break;
    case kSuccess:
    case kFailure:
      if (body.size() != kEapHeaderSize) {
        return invalid_syntax(fmt::format("EAP payload: {} of {} octets, RFC 3748 §4.2 says 4",
                                          *code == kSuccess ? "Success" : "Failure", body.size()));
      }
      break;
    default: return invalid_syntax(fmt::format("EAP payload: Code {} is not 1..4", *code));
  }
  return EapPayload{Bytes(body.begin(), body.end())};
}

void EapPayload::build(ByteWriter& w) const {
  w.bytes(message);
}

}  // namespace tern::wire

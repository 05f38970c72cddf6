#include "wire/message.h"

#include "base/encode_exact.h"

namespace tern::wire {

namespace {

constexpr size_t kIkeLengthOffset = 24;     // Length, the last field of the IKE header
constexpr size_t kPayloadLengthOffset = 2;  // Payload Length in a generic payload header

// `spare`: capacity for octets the caller appends (the sealed SK body).
Bytes build_header_and_payloads(const Message& message, size_t spare = 0) {
  return encode_exact(
      [&](ByteWriter& w) {
        IkeHeader header = message.header;
        header.next_payload = message.payloads.empty() ? PayloadType::NONE : message.payloads.front().type;
        build_header(header, w);
        encode_payload_chain(message.payloads, w);
      },
      spare);
}

void patch_ike_length(Bytes& out, size_t total) {
  if (total > 0xffffffffu) TERN_BUG("IKE message longer than 2^32 octets");
  ByteWriter{out}.patch_u32(kIkeLengthOffset, static_cast<uint32_t>(total));
}

}  // namespace

Result<Message> parse_message(ByteView datagram) {
  auto header = parse_header(datagram);
  if (!header) return fail(std::move(header).error());
  auto payloads = parse_payload_chain(header->next_payload, datagram.subspan(kIkeHeaderSize));
  if (!payloads) return fail(std::move(payloads).error());
  return Message{*header, std::move(*payloads)};
}

Result<IkeHeader> peek_header(ByteView datagram) {
  return parse_header(datagram);
}

Bytes build_message(const Message& message) {
  Bytes out = build_header_and_payloads(message);
  patch_ike_length(out, out.size());
  return out;
}

Bytes build_message_prefix(const Message& message, size_t encrypted_size) {
  if (message.payloads.empty()) TERN_BUG("build_message_prefix: no SK/SKF payload");
  const Payload& last = message.payloads.back();
  size_t fixed_body = 0;  // octets of the SK/SKF body written before the encrypted ones
  if (const auto* sk = std::get_if<SkPayload>(&last.body)) {
    TERN_ASSERT(sk->encrypted.empty());
  } else if (const auto* skf = std::get_if<SkfPayload>(&last.body)) {
    TERN_ASSERT(skf->encrypted.empty());
    fixed_body = kSkfFragmentFieldsSize;
  } else {
    TERN_BUG("build_message_prefix: the last payload is not SK or SKF");
  }
  Bytes out = build_header_and_payloads(message, encrypted_size);
  size_t last_header_at = out.size() - fixed_body - kPayloadHeaderSize;
  ByteWriter{out}.patch_length16(last_header_at + kPayloadLengthOffset,
                                 kPayloadHeaderSize + fixed_body + encrypted_size);
  patch_ike_length(out, out.size() + encrypted_size);
  return out;
}

}  // namespace tern::wire

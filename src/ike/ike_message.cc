// Between IkeMessage and datagram bytes: header, SK seal/open, payload rules
// (see ike_message.h).
#include "ike/ike_message.h"

#include "base/encode_exact.h"
#include "ike/fragmenter.h"
#include "ike/ike_sa.h"
#include "ike/sk_seal.h"
#include "wire/payload_rules.h"

namespace tern::ike {

void IkeMessage::add_notify(wire::NotifyType type, Bytes data) {
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::NONE;
  n.type = type;
  n.data = std::move(data);
  add(wire::PayloadType::Notify, std::move(n));
}

const wire::NotifyPayload* IkeMessage::find_error_notify() const {
  for (const wire::Payload& p : payloads) {
    if (const auto* n = std::get_if<wire::NotifyPayload>(&p.body); n && wire::is_error_notify(n->type))
      return n;
  }
  return nullptr;
}

namespace {

constexpr size_t kIkeLengthOffset = 24;  // Length, the last field of the IKE header (RFC 7296 §3.1)

wire::IkeHeader header_for(const IkeSa& sa, const IkeMessage& msg) {
  wire::IkeHeader header;
  header.spi_i = sa.spi_i;
  header.spi_r = sa.spi_r;
  header.exchange = msg.exchange;
  header.message_id = msg.message_id;
  header.flags = static_cast<uint8_t>((sa.is_initiator() ? wire::kFlagInitiator : 0) |
                                      (msg.response ? wire::kFlagResponse : 0));
  return header;
}

IkeMessage message_for(const wire::IkeHeader& h) {
  IkeMessage msg;
  msg.exchange = h.exchange;
  msg.response = h.is_response();
  msg.message_id = h.message_id;
  msg.spi_i = h.spi_i;
  msg.spi_r = h.spi_r;
  return msg;
}

// The payload rules for an authentic plaintext (`inner` from SK or from
// reassembled SKF fragments), and the `malformed` exception for requests.
Result<IkeMessage> finish_decode(IkeMessage msg, std::span<const wire::Payload> outer,
                                 Result<std::vector<wire::Payload>> inner) {
  const wire::Direction direction = msg.response ? wire::Direction::response : wire::Direction::request;
  Result<void> ok = inner ? wire::check_payload_rules(msg.exchange, direction, outer, *inner)
                          : Result<void>(fail(inner.error()));
  if (!ok) {
    // open_message fails without a notify (drop) until the ICV has verified;
    // an error that names a notify comes from the authentic plaintext. Only
    // requests are answered (§2.21.3); a bad response is dropped.
    if (msg.response || !ok.error().notify) return fail(ok.error());
    msg.malformed = ok.error();
    return msg;
  }
  msg.payloads = std::move(*inner);
  return msg;
}

}  // namespace

Bytes encode_message(const IkeSa& sa, const IkeMessage& msg, crypto::Random& random) {
  const wire::IkeHeader header = header_for(sa, msg);
  if (msg.exchange == wire::ExchangeType::IKE_SA_INIT) {
    // As wire::build_message, without copying the payloads into a wire::Message.
    Bytes out = encode_exact([&](ByteWriter& w) {
      wire::IkeHeader h = header;
      h.next_payload = msg.payloads.empty() ? wire::PayloadType::NONE : msg.payloads.front().type;
      wire::build_header(h, w);
      wire::encode_payload_chain(msg.payloads, w);
    });
    if (out.size() > 0xffffffffu) TERN_BUG("IKE message longer than 2^32 octets");
    ByteWriter{out}.patch_u32(kIkeLengthOffset, static_cast<uint32_t>(out.size()));
    return out;
  }
  TERN_ASSERT(sa.sk_out != nullptr);
  return seal_message(header, {}, msg.payloads, *sa.sk_out, random);
}

std::vector<Bytes> encode_datagrams(const IkeSa& sa, const IkeMessage& msg, crypto::Random& random,
                                    std::optional<size_t> max_size) {
  if (max_size && msg.exchange != wire::ExchangeType::IKE_SA_INIT) {
    TERN_ASSERT(sa.sk_out != nullptr);
    const size_t whole = sk_message_size(wire::encode_inner_chain(msg.payloads).bytes.size(), *sa.sk_out);
    if (whole > *max_size)
      return seal_fragments(header_for(sa, msg), msg.payloads, *max_size, *sa.sk_out, random);
  }
  std::vector<Bytes> one;
  one.push_back(encode_message(sa, msg, random));
  return one;
}

Result<IkeMessage> decode_reassembled(const wire::Message& fragment, wire::PayloadType first_inner,
                                      ByteView chain) {
  return finish_decode(message_for(fragment.header), fragment.payloads,
                       wire::parse_payload_chain(first_inner, chain));
}

Result<IkeMessage> decode_message(const IkeSa& sa, ByteView datagram, const wire::Message& parsed) {
  const wire::IkeHeader& h = parsed.header;
  IkeMessage msg = message_for(h);
  const wire::Direction direction = msg.response ? wire::Direction::response : wire::Direction::request;

  if (h.exchange == wire::ExchangeType::IKE_SA_INIT) {
    if (auto ok = wire::check_payload_rules(h.exchange, direction, parsed.payloads, {}); !ok)
      return fail(ok.error());
    msg.payloads = parsed.payloads;
    return msg;
  }
  if (sa.sk_in == nullptr)
    return fail(Errc::unexpected_payload, "encrypted message before IKE_SA_INIT completed");
  if (parsed.payloads.empty() || parsed.payloads.back().type != wire::PayloadType::SK) {
    // Rules first: they name what is wrong (no SK; an SKF goes to the task manager's reassembly).
    if (auto ok = wire::check_payload_rules(h.exchange, direction, parsed.payloads, {}); !ok)
      return fail(ok.error());
    return fail(Errc::unsupported, "an SKF fragment is reassembled, not decoded alone");
  }
  return finish_decode(std::move(msg), parsed.payloads, open_message(datagram, parsed, *sa.sk_in));
}

}  // namespace tern::ike

#include "wire/payload.h"

#include <fmt/format.h>

#include <string>

#include "base/byte_reader.h"
#include "base/encode_exact.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {

template <typename T>
Result<PayloadBody> parse_as(ByteView body) {
  auto parsed = T::parse(body);
  if (!parsed) return fail(std::move(parsed).error());
  return PayloadBody{std::in_place_type<T>, std::move(*parsed)};
}

// The body parser for a known type; UnknownPayload otherwise.
Result<PayloadBody> parse_body(PayloadType type, ByteView body) {
  switch (type) {
    case PayloadType::SA: return parse_as<SaPayload>(body);
    case PayloadType::KE: return parse_as<KePayload>(body);
    case PayloadType::IDi:
    case PayloadType::IDr: return parse_as<IdPayload>(body);
    case PayloadType::CERT: return parse_as<CertPayload>(body);
    case PayloadType::CERTREQ: return parse_as<CertReqPayload>(body);
    case PayloadType::AUTH: return parse_as<AuthPayload>(body);
    case PayloadType::Nonce: return parse_as<NoncePayload>(body);
    case PayloadType::Notify: return parse_as<NotifyPayload>(body);
    case PayloadType::Delete: return parse_as<DeletePayload>(body);
    case PayloadType::VendorID: return parse_as<VendorIdPayload>(body);
    case PayloadType::TSi:
    case PayloadType::TSr: return parse_as<TsPayload>(body);
    case PayloadType::SK: return parse_as<SkPayload>(body);
    case PayloadType::CP: return parse_as<CpPayload>(body);
    case PayloadType::EAP: return parse_as<EapPayload>(body);
    case PayloadType::SKF: return parse_as<SkfPayload>(body);
    default: return parse_as<UnknownPayload>(body);
  }
}

Unexpected<Error> malformed(Errc code, std::string detail) {
  return as_invalid_syntax(Error::drop(code, std::move(detail)));
}

bool is_encrypted_container(PayloadType type) {
  return type == PayloadType::SK || type == PayloadType::SKF;
}

}  // namespace

bool is_known_payload(PayloadType type) {
  switch (type) {
    case PayloadType::SA:
    case PayloadType::KE:
    case PayloadType::IDi:
    case PayloadType::IDr:
    case PayloadType::CERT:
    case PayloadType::CERTREQ:
    case PayloadType::AUTH:
    case PayloadType::Nonce:
    case PayloadType::Notify:
    case PayloadType::Delete:
    case PayloadType::VendorID:
    case PayloadType::TSi:
    case PayloadType::TSr:
    case PayloadType::SK:
    case PayloadType::CP:
    case PayloadType::EAP:
    case PayloadType::SKF: return true;
    default: return false;
  }
}

bool body_matches_type(PayloadType type, const PayloadBody& body) {
  switch (type) {
    case PayloadType::SA: return std::holds_alternative<SaPayload>(body);
    case PayloadType::KE: return std::holds_alternative<KePayload>(body);
    case PayloadType::IDi:
    case PayloadType::IDr: return std::holds_alternative<IdPayload>(body);
    case PayloadType::CERT: return std::holds_alternative<CertPayload>(body);
    case PayloadType::CERTREQ: return std::holds_alternative<CertReqPayload>(body);
    case PayloadType::AUTH: return std::holds_alternative<AuthPayload>(body);
    case PayloadType::Nonce: return std::holds_alternative<NoncePayload>(body);
    case PayloadType::Notify: return std::holds_alternative<NotifyPayload>(body);
    case PayloadType::Delete: return std::holds_alternative<DeletePayload>(body);
    case PayloadType::VendorID: return std::holds_alternative<VendorIdPayload>(body);
    case PayloadType::TSi:
    case PayloadType::TSr: return std::holds_alternative<TsPayload>(body);
    case PayloadType::SK: return std::holds_alternative<SkPayload>(body);
    case PayloadType::CP: return std::holds_alternative<CpPayload>(body);
    case PayloadType::EAP: return std::holds_alternative<EapPayload>(body);
    case PayloadType::SKF: return std::holds_alternative<SkfPayload>(body);
    default: return std::holds_alternative<UnknownPayload>(body);
  }
}

namespace {

// How many payloads the chain holds as far as its generic headers tell (at
// most kMaxPayloads; parse_payload_chain checks every header itself): the
// payload vector is allocated once, not grown payload by payload.
size_t count_chain(ByteView bytes) {
  size_t n = 0;
  size_t at = 0;
  while (n < kMaxPayloads && at + kPayloadHeaderSize <= bytes.size()) {
    ++n;
    const size_t length = static_cast<size_t>(bytes[at + 2]) << 8 | bytes[at + 3];
    if (bytes[at] == static_cast<uint8_t>(PayloadType::NONE) || length < kPayloadHeaderSize) break;
    at += length;
  }
  return n;
}

}  // namespace

Result<std::vector<Payload>> parse_payload_chain(PayloadType first, ByteView bytes) {
  std::vector<Payload> payloads;
  if (first != PayloadType::NONE) payloads.reserve(count_chain(bytes));
  ByteReader r{bytes, "payload chain"};
  PayloadType type = first;
  while (type != PayloadType::NONE) {
    size_t index = payloads.size() + 1;
    if (payloads.size() == kMaxPayloads) {
      return malformed(Errc::too_many, fmt::format("more than {} payloads", kMaxPayloads));
    }
    // Bounds first: the generic header and the Payload Length.
    if (r.remaining() < kPayloadHeaderSize) {
      return malformed(Errc::truncated,
                       fmt::format("payload {} ({}): generic header needs {} octets, {} left", index,
                                   to_string(type), kPayloadHeaderSize, r.remaining()));
    }
    auto next = static_cast<PayloadType>(*r.u8("Next Payload"));
    bool critical = (*r.u8("C/RESERVED") & kPayloadCritical) != 0;
    uint16_t length = *r.u16("Payload Length");
    if (length < kPayloadHeaderSize) {
      return malformed(Errc::bad_length, fmt::format("payload {} ({}): Payload Length {} < {}", index,
                                                     to_string(type), length, kPayloadHeaderSize));
    }
    if (length - kPayloadHeaderSize > r.remaining()) {
      return malformed(Errc::truncated,
                       fmt::format("payload {} ({}): Payload Length {} but only {} octets left", index,
                                   to_string(type), length, r.remaining() + kPayloadHeaderSize));
    }
    ByteView body = *r.take(length - kPayloadHeaderSize, "payload body");

    // Meaning second.
    if (!is_known_payload(type) && critical) {
      Error e = Error::answer(Errc::unsupported_critical_payload,
                              notify_number(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD),
                              fmt::format("payload {}: unknown payload type {} with the Critical bit set",
                                          index, static_cast<unsigned>(type)));
      e.notify_data = {static_cast<uint8_t>(type)};
      return fail(std::move(e));
    }
    auto parsed = parse_body(type, body);
    if (!parsed) {
      Error e = std::move(parsed).error();
      if (!e.notify) e.notify = notify_number(NotifyType::INVALID_SYNTAX);
      return fail(std::move(e));
    }
    Payload& p = payloads.emplace_back(Payload{type, critical, std::move(*parsed)});

    if (is_encrypted_container(type)) {
      // §3.14: SK's Next Payload is the first inner payload, and SK is last.
      if (auto* sk = std::get_if<SkPayload>(&p.body)) sk->first_inner = next;
      if (auto* skf = std::get_if<SkfPayload>(&p.body)) skf->first_inner = next;
      if (!r.empty()) {
        return invalid_syntax(fmt::format("payload {} ({}) must be the last payload, but {} octets follow",
                                          index, to_string(type), r.remaining()));
      }
      return payloads;
    }
    type = next;
  }
  if (!r.empty()) {
    return malformed(Errc::bad_length, fmt::format("{} octets after the last payload", r.remaining()));
  }
  return payloads;
}

void write_payload_header(ByteWriter& w, PayloadType next_payload, bool critical, size_t body_size) {
  w.u8(static_cast<uint8_t>(next_payload));
  w.u8(critical ? kPayloadCritical : 0);
  size_t length = kPayloadHeaderSize + body_size;
  if (length > 0xffff) TERN_BUG("payload longer than 65535 octets");
  w.u16(static_cast<uint16_t>(length));
}

void encode_payload_chain(std::span<const Payload> payloads, ByteWriter& w) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& p = payloads[i];
    if (!body_matches_type(p.type, p.body)) {
      TERN_BUG("payload body does not match its type " + to_string(p.type));
    }
    bool last = i + 1 == payloads.size();
    PayloadType next = last ? PayloadType::NONE : payloads[i + 1].type;
    if (const auto* sk = std::get_if<SkPayload>(&p.body)) {
      TERN_ASSERT(last);
      next = sk->first_inner;
    } else if (const auto* skf = std::get_if<SkfPayload>(&p.body)) {
      TERN_ASSERT(last);
      next = skf->first_inner;
    }
    size_t start = w.size();
    w.u8(static_cast<uint8_t>(next));
    w.u8(p.critical ? kPayloadCritical : 0);
    size_t length_at = w.placeholder_u16();
    std::visit([&w](const auto& body) { body.build(w); }, p.body);
    w.patch_length16(length_at, w.size() - start);
  }
}

InnerChain encode_inner_chain(std::span<const Payload> inner) {
  InnerChain chain;
  for (const Payload& p : inner) {
    if (is_encrypted_container(p.type)) TERN_BUG("SK/SKF payload inside an SK payload");
  }
  if (inner.empty()) return chain;
  chain.first = inner.front().type;
  chain.bytes = encode_exact([&](ByteWriter& w) { encode_payload_chain(inner, w); });
  return chain;
}

const Payload* find_payload(std::span<const Payload> payloads, PayloadType type) {
  for (const Payload& p : payloads) {
    if (p.type == type) return &p;
  }
  return nullptr;
}

const NotifyPayload* find_notify(std::span<const Payload> payloads, NotifyType type) {
  for (const Payload& p : payloads) {
    const auto* n = std::get_if<NotifyPayload>(&p.body);
    if (n != nullptr && n->type == type) return n;
  }
  return nullptr;
}

size_t count_payloads(std::span<const Payload> payloads, PayloadType type) {
  size_t n = 0;
  for (const Payload& p : payloads) n += p.type == type ? 1 : 0;
  return n;
}

}  // namespace tern::wire

// Unprotected error answers (see unprotected_error.h).
#include "ike/unprotected_error.h"

#include "base/byte_reader.h"
#include "wire/message.h"
#include "wire/notify_payload.h"

namespace tern::ike {

std::optional<Bytes> unprotected_error_answer(ByteView message, const Error& error) {
  if (!error.notify || message.size() < wire::kIkeHeaderSize) return std::nullopt;
  const auto notify = static_cast<wire::NotifyType>(*error.notify);
  // The fields we answer with, read directly: parse_header refuses a higher
  // major version before it hands the header out.
  ByteReader r{message.first(wire::kIkeHeaderSize), "IKE header"};
  wire::IkeHeader request;
  request.spi_i = *r.u64("IKE SA Initiator's SPI");
  request.spi_r = *r.u64("IKE SA Responder's SPI");
  (void)r.u8("Next Payload");
  (void)r.u8("Version");
  request.exchange = static_cast<wire::ExchangeType>(*r.u8("Exchange Type"));
  request.flags = *r.u8("Flags");
  request.message_id = *r.u32("Message ID");
  if (request.is_response() || request.spi_i == 0) return std::nullopt;
  if (notify == wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD) {
    const bool new_ike_sa_init = request.exchange == wire::ExchangeType::IKE_SA_INIT &&
                                 request.is_initiator() && request.spi_r == 0 && request.message_id == 0;
    if (!new_ike_sa_init) return std::nullopt;
  } else if (notify != wire::NotifyType::INVALID_MAJOR_VERSION) {
    return std::nullopt;
  }
  wire::IkeHeader header = request;  // version 2.0: the closest we speak (§2.5)
  header.major_version = 2;
  header.minor_version = 0;
  header.flags =
      static_cast<uint8_t>(wire::kFlagResponse | (request.is_initiator() ? 0 : wire::kFlagInitiator));
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::NONE;
  n.type = notify;
  if (notify == wire::NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD) n.data = error.notify_data;
  Bytes answer =
      wire::build_message(wire::Message{header, {{wire::PayloadType::Notify, false, std::move(n)}}});
  // Never more octets to an unverified source than it sent us (no amplification).
  if (answer.size() > message.size()) return std::nullopt;
  return answer;
}

}  // namespace tern::ike

// INVALID_IKE_SPI answers outside an IKE SA, rate-limited (see invalid_ike_spi.h).
#include "ike/invalid_ike_spi.h"

#include "wire/message.h"
#include "wire/notify_payload.h"

namespace tern::ike {

Bytes build_invalid_ike_spi(const wire::IkeHeader& request) {
  wire::IkeHeader header = request;
  // A response; the I flag says whether WE are the original initiator, which
  // is the opposite of what the request claimed for its sender.
  header.flags =
      static_cast<uint8_t>(wire::kFlagResponse | (request.is_initiator() ? 0 : wire::kFlagInitiator));
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::NONE;
  n.type = wire::NotifyType::INVALID_IKE_SPI;
  return wire::build_message(wire::Message{header, {{wire::PayloadType::Notify, false, std::move(n)}}});
}

bool RateLimiter::allow(Timestamp now) {
  if (per_second_ == 0) return false;
  if (now >= window_start_ + seconds(1)) {
    window_start_ = now;
    used_ = 0;
  }
  if (used_ >= per_second_) return false;
  ++used_;
  return true;
}

}  // namespace tern::ike

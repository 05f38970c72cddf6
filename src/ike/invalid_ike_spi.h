// The one message tern sends outside any IKE SA: the answer to a request that
// names an IKE SPI we do not know (RFC 7296 §1.5, §2.21.4), usually because
// we restarted and the peer still holds an IKE SA with us.
//
//   HDR(SPIs, Message ID, exchange of the request; R=1), SK {...}  -->
//                          <--  HDR(same SPIs and Message ID; R=1), N(INVALID_IKE_SPI)
//
// Unprotected (there are no keys), so it can be forged and the receiver must
// not change any state because of it (tern's task manager drops it: it cannot
// be opened). Sent at most EndpointConfig::invalid_ike_spi_per_second times a
// second (RateLimiter); responses with unknown SPIs are never answered.
//
// Who calls it: the Endpoint, for a request that no IKE SA claims. Cannot fail.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/time.h"
#include "wire/header.h"

namespace tern::ike {

// The INVALID_IKE_SPI answer to `request` (its header), without any non-ESP marker.
Bytes build_invalid_ike_spi(const wire::IkeHeader& request);

// At most `per_second` events in each one-second window (0: none at all).
class RateLimiter {
 public:
  explicit RateLimiter(uint32_t per_second) : per_second_(per_second) {}
  // True, and counts it, if one more is allowed at `now`.
  bool allow(Timestamp now);

 private:
  uint32_t per_second_;
  Timestamp window_start_{};
  uint32_t used_ = 0;
};

}  // namespace tern::ike

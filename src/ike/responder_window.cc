// The responder's window and response cache (see responder_window.h).
#include "ike/responder_window.h"

namespace tern::ike {

ResponderWindow::Verdict ResponderWindow::classify(uint32_t message_id, ByteView request,
                                                   uint32_t window) const {
  if (auto it = answered_.find(message_id); it != answered_.end())
    return crypto::sha256({request}) == it->second.request ? Verdict::resend_cached : Verdict::mismatch;
  if (message_id < next_) return Verdict::outside;
  if (uint64_t{message_id} >= uint64_t{next_} + window) return Verdict::outside;
  return Verdict::process;
}

void ResponderWindow::answered(uint32_t message_id, ByteView request, std::vector<Bytes> response,
                               uint32_t window) {
  answered_.insert_or_assign(message_id, Answer{crypto::sha256({request}), std::move(response)});
  if (message_id > highest_ || answered_.size() == 1) highest_ = message_id;
  while (answered_.contains(next_)) ++next_;
  // §2.3: forget a response once a request at or beyond its ID plus the window came.
  for (auto it = answered_.begin(); it != answered_.end() && uint64_t{it->first} + window <= highest_;)
    it = answered_.erase(it);
}

}  // namespace tern::ike

// The responder's window and response cache (see responder_window.h).
#include "ike/responder_window.h"

#include <algorithm>

#include "base/error.h"

namespace tern::ike {

ResponderWindow::RequestDigest ResponderWindow::digest(ByteView request) {
  const crypto::Sha256Digest full = crypto::sha256({request});
  RequestDigest prefix;
  std::copy_n(full.begin(), prefix.size(), prefix.begin());
  return prefix;
}

const ResponderWindow::Answer* ResponderWindow::find(uint32_t message_id) const {
  for (const Answer& a : answered_) {
    if (a.message_id == message_id) return &a;
  }
  return nullptr;
}

ResponderWindow::Verdict ResponderWindow::classify(uint32_t message_id, ByteView request,
                                                   uint32_t window) const {
  if (const Answer* a = find(message_id))
    return digest(request) == a->request ? Verdict::resend_cached : Verdict::mismatch;
  if (message_id < next_) return Verdict::outside;
  if (uint64_t{message_id} >= uint64_t{next_} + window) return Verdict::outside;
  return Verdict::process;
}

std::vector<Bytes> ResponderWindow::cached_datagrams(uint32_t message_id) const {
  const Answer* a = find(message_id);
  if (a == nullptr) TERN_BUG("ResponderWindow: no cached answer for this Message ID");
  std::vector<Bytes> out;
  out.reserve(1 + (a->fragments ? a->fragments->size() : 0));
  out.push_back(a->response);
  if (a->fragments) out.insert(out.end(), a->fragments->begin(), a->fragments->end());
  return out;
}

const Bytes& ResponderWindow::cached_response(uint32_t message_id) const {
  const Answer* a = find(message_id);
  if (a == nullptr) TERN_BUG("ResponderWindow: no cached answer for this Message ID");
  return a->response;
}

void ResponderWindow::forget_old(uint32_t highest, uint32_t window, std::optional<uint32_t> keep) {
  std::erase_if(answered_, [&](const Answer& a) {
    return a.message_id != keep && uint64_t{a.message_id} + window <= highest;
  });
}

void ResponderWindow::answered(uint32_t message_id, ByteView request, std::vector<Bytes> response,
                               uint32_t window) {
  if (response.empty()) TERN_BUG("ResponderWindow: an answer without a datagram");
  const bool only =
      answered_.empty() || (answered_.size() == 1 && answered_.front().message_id == message_id);
  const uint32_t highest = message_id > highest_ || only ? message_id : highest_;
  // §2.3: forget a response once a request at or beyond its ID plus the
  // window came. Done before the new answer goes in, so that with a window
  // of 1 the vector holds one entry and never reallocates.
  forget_old(highest, window, message_id);
  Answer answer{message_id, digest(request), std::move(response.front()), {}};
  answer.response.shrink_to_fit();  // kept until the next request: no spare capacity
  if (response.size() > 1) {
    std::vector<Bytes>& fragments = answer.fragments.emplace(std::make_move_iterator(response.begin() + 1),
                                                             std::make_move_iterator(response.end()));
    for (Bytes& fragment : fragments) fragment.shrink_to_fit();
  }
  auto at = std::lower_bound(answered_.begin(), answered_.end(), message_id,
                             [](const Answer& a, uint32_t id) { return a.message_id < id; });
  if (at != answered_.end() && at->message_id == message_id) {
    *at = std::move(answer);
  } else {
    answered_.insert(at, std::move(answer));
  }
  highest_ = highest;
  while (is_cached(next_)) ++next_;
  forget_old(highest_, window, std::nullopt);
}

}  // namespace tern::ike

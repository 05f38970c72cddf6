// N(SET_WINDOW_SIZE) (see set_window_size.h).
#include "ike/set_window_size.h"

namespace tern::ike {

void add_set_window_size(IkeMessage& msg, uint32_t window) {
  if (window <= 1) return;
  msg.add_notify(wire::NotifyType::SET_WINDOW_SIZE,
                 Bytes{static_cast<uint8_t>(window >> 24), static_cast<uint8_t>(window >> 16),
                       static_cast<uint8_t>(window >> 8), static_cast<uint8_t>(window)});
}

std::optional<uint32_t> read_set_window_size(const IkeMessage& msg) {
  const wire::NotifyPayload* n = msg.find_notify(wire::NotifyType::SET_WINDOW_SIZE);
  if (n == nullptr || n->data.size() != 4) return std::nullopt;
  const uint32_t window = (uint32_t{n->data[0]} << 24) | (uint32_t{n->data[1]} << 16) |
                          (uint32_t{n->data[2]} << 8) | uint32_t{n->data[3]};
  if (window == 0) return std::nullopt;
  return window;
}

}  // namespace tern::ike

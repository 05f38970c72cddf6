// See held_esp.h.
#include "daemon/held_esp.h"

#include <algorithm>

namespace tern::daemon {

size_t HeldEsp::hold(uint32_t spi, ByteView esp) {
  if (esp.size() > kMaxOctets) return 1;
  size_t dropped = 0;
  if (packets_.size() >= kMaxPackets) {
    packets_.pop_front();
    dropped = 1;
  }
  packets_.push_back(Packet{spi, generation_, Bytes(esp.begin(), esp.end())});
  return dropped;
}

std::vector<Bytes> HeldEsp::take(uint32_t spi) {
  std::vector<Bytes> taken;
  if (packets_.empty()) return taken;
  for (Packet& p : packets_)
    if (p.spi == spi) taken.push_back(std::move(p.bytes));
  if (!taken.empty()) std::erase_if(packets_, [&](const Packet& p) { return p.spi == spi; });
  return taken;
}

size_t HeldEsp::age() {
  const size_t before = packets_.size();
  std::erase_if(packets_, [&](const Packet& p) { return p.generation != generation_; });
  ++generation_;
  return before - packets_.size();
}

}  // namespace tern::daemon

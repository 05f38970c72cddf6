// Receive-side coalescing towards the TUN device (the reverse of tun_offload's
// segmentation): decapsulated TCP segments that continue each other — same
// flow, next sequence number, same size, only ACK (PSH on the last) — are
// joined into one super-packet written with a virtio-net GSO header, so the
// kernel takes ~40 segments in one write and one trip through its stack.
// Anything else (other protocols, IP options, fragments, SYN/FIN/RST, a gap)
// is written as it came, in order relative to its own flow.
//
// Who calls it: the data plane adds each decapsulated packet and flushes at
// the end of every receive batch. Pure bytes in, (header, packet) out:
// nothing here touches a file descriptor. Nothing fails: a packet that cannot
// be coalesced is passed through unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/bytes.h"
#include "io/tun_offload.h"

namespace tern::io {

class TunGro {
 public:
  using Write = std::function<void(const VnetHeader& header, ByteView packet)>;
  static constexpr size_t kFlows = 8;             // open super-packets at once
  static constexpr size_t kMaxSize = 65535 - 60;  // below the IPv4 Total Length limit

  explicit TunGro(Write write);

  // Takes a copy of `packet` (a complete IP packet).
  void add(ByteView packet);
  // Writes everything held, in order.
  void flush();

  uint64_t coalesced() const { return coalesced_; }  // segments joined into a super-packet

 private:
  struct Flow {
    bool v4 = true;
    std::array<uint8_t, 36> key{};  // addresses and ports
    size_t l4 = 0;                  // IP header length
    size_t headers = 0;             // IP + TCP header length
    size_t size = 0;                // octets in buffer
    size_t gso_size = 0;            // payload of the first segment
    size_t segments = 0;
    uint32_t next_seq = 0;
    bool closed = false;        // a short or PSH segment ended it
    uint8_t* buffer = nullptr;  // one of pool_
  };

  bool try_append(Flow& flow, ByteView packet, size_t l4, size_t headers);
  void start(Flow& flow, ByteView packet, size_t l4, size_t headers, bool coalescable);
  void emit(Flow& flow);

  Write write_;
  std::vector<Flow> flows_;                              // in arrival order of their first segment
  std::array<std::unique_ptr<uint8_t[]>, kFlows> pool_;  // allocated once
  uint64_t coalesced_ = 0;
};

}  // namespace tern::io

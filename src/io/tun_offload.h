// TCP segmentation offload on the TUN device (IFF_VNET_HDR + TUNSETOFFLOAD):
// the kernel hands tern one TCP "super-packet" of up to 64 KiB with a
// virtio-net header instead of ~45 MTU-sized packets, which saves a read
// and a wake-up per packet on the hot path; tern cuts it into the segments
// the kernel would have sent (RFC 793 sequence numbers, IPv4 identification,
// checksums) before encrypting each one. The header also says when a packet's
// checksum is still to be completed (NEEDS_CSUM): finish_checksum does that.
//
// Pure functions over bytes (no syscalls): io/tun_device parses the header,
// the data plane calls segment(). How it fails: a header or packet that does
// not describe a TCP/IP packet tern can segment gives an Error (the packet is
// dropped and counted); never reads or writes outside the given buffers.
#pragma once

#include <cstdint>
#include <functional>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::io {

// struct virtio_net_hdr, decoded (10 octets, native byte order).
struct VnetHeader {
  static constexpr size_t kSize = 10;
  static constexpr uint8_t kNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
  enum GsoType : uint8_t { none = 0, tcpv4 = 1, udp = 3, tcpv6 = 4 };

  uint8_t flags = 0;
  uint8_t gso_type = none;  // without the ECN bit (0x80)
  uint16_t hdr_len = 0;
  uint16_t gso_size = 0;
  uint16_t csum_start = 0;
  uint16_t csum_offset = 0;

  static VnetHeader decode(ByteView octets);  // octets.size() >= kSize
  void encode(uint8_t out[kSize]) const;
};

// Completes a partial checksum: the ones' complement sum of packet[csum_start..]
// folded into the 16-bit field at csum_start + csum_offset (which holds the
// pseudo-header sum, as the kernel leaves it).
Result<void> finish_checksum(MutableByteView packet, const VnetHeader& header);

// Cuts a TSO super-packet into segments of at most header.gso_size payload
// octets, each a complete IPv4/IPv6 TCP packet with correct lengths and
// checksums, written one after another into `scratch` and passed to `emit`.
// Errc::too_many when `scratch` cannot hold them.
Result<void> segment(ByteView packet, const VnetHeader& header, MutableByteView scratch,
                     const std::function<void(ByteView segment)>& emit);

// The same, but each segment is written where `place(size)` says (a view of
// exactly `size` octets; an empty view stops with Errc::too_many) before it
// is passed to `emit`. The data plane places segments straight at the
// payload offset of an ESP slot, so they are encrypted in place and never
// copied again.
using SegmentPlace = std::function<MutableByteView(size_t size)>;
Result<void> segment_into(ByteView packet, const VnetHeader& header, const SegmentPlace& place,
                          const std::function<void(ByteView segment)>& emit);

}  // namespace tern::io

// UDP segmentation offload for the data plane's ESP-in-UDP (RFC 3948):
// send side UDP_SEGMENT (Linux 4.18), receive side UDP_GRO (Linux 5.0).
//
// Sending: the ESP packets of one TSO super-packet are ~45 datagrams of one
// size to one peer. With UDP_SEGMENT they go down the stack as one 64 KiB
// datagram that is cut into the wire datagrams at the device (or in software
// just before it): one trip through UDP/IP/netfilter/routing instead of 45.
// The receiving socket with UDP_GRO gets such a run back as one buffer plus
// the segment size, and `for_each_segment` gives back the original datagrams
// octet for octet, so nothing above this file can tell the difference.
//
// Who calls it: udp_socket (send_batch, drain). `gso_run` is pure and unit
// tested; the other functions are thin system-call wrappers. How it fails:
// `send_gso` returns the errno when the kernel refused the first message
// (EIO: the route's device cannot offload UDP checksums; the caller then
// falls back to plain sendmmsg for good).
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <optional>
#include <span>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"

namespace tern::io {

// At most this many segments in one UDP_SEGMENT send (the kernel's
// UDP_MAX_SEGMENTS was 64 before Linux 6.5).
inline constexpr size_t kGsoMaxSegments = 64;
// At most this many octets of UDP payload in one send (IP Total Length).
inline constexpr size_t kGsoMaxBytes = 65535 - 40 - 8;

// How many packets from the front of `packets` can travel as one GSO send:
// all of the first one's size except the last, which may be shorter, within
// kGsoMaxSegments and kGsoMaxBytes. At least 1 when `packets` is not empty.
size_t gso_run(std::span<const ByteView> packets);

struct GsoSendResult {
  size_t sent = 0;  // datagrams the kernel took
  int error = 0;    // errno of the first refused message; 0 when all were sent
};

// Sends `packets` to `remote` as runs of UDP_SEGMENT messages (one sendmmsg
// for up to kGsoMaxSegments runs), with the source address `local` when
// `set_source`.
GsoSendResult send_gso(int fd, const ike::Address& local, bool set_source, const ike::Address& remote,
                       std::span<const ByteView> packets);

// Asks the kernel to deliver coalesced runs of datagrams (UDP_GRO). False
// when the kernel does not know the option (then nothing is coalesced).
bool enable_udp_gro(int fd);

// The segment size of a received message's UDP_GRO control message, if the
// datagram is a coalesced run.
std::optional<size_t> gro_segment_size(msghdr& msg);

// Calls `f(MutableByteView)` for each original datagram of a received
// buffer: segments of `segment_size` octets, the last possibly shorter.
template <typename F>
void for_each_segment(MutableByteView data, std::optional<size_t> segment_size, F&& f) {
  if (!segment_size || *segment_size == 0 || *segment_size >= data.size()) {
    f(data);
    return;
  }
  for (size_t at = 0; at < data.size(); at += *segment_size)
    f(data.subspan(at, std::min(*segment_size, data.size() - at)));
}

}  // namespace tern::io

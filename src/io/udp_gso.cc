#include "io/udp_gso.h"

#include <netinet/in.h>
#include <netinet/udp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "io/pktinfo.h"
#include "io/socket_address.h"

namespace tern::io {

size_t gso_run(std::span<const ByteView> packets) {
  if (packets.empty()) return 0;
  const size_t size = packets[0].size();
  size_t n = 1;
  size_t bytes = size;
  while (n < packets.size() && n < kGsoMaxSegments) {
    const size_t next = packets[n].size();
    if (next > size || bytes + next > kGsoMaxBytes) break;
    bytes += next;
    ++n;
    if (next < size) break;  // a shorter one ends the run
  }
  return n;
}

GsoSendResult send_gso(int fd, const ike::Address& local, bool set_source, const ike::Address& remote,
                       std::span<const ByteView> packets) {
  constexpr size_t kMessages = 16;  // runs per sendmmsg
  constexpr size_t kControl = kPktinfoSpace + CMSG_SPACE(sizeof(uint16_t));
  const SockAddr to = to_sockaddr(remote);
  std::array<mmsghdr, kMessages> messages{};
  std::array<size_t, kMessages> segments{};
  alignas(cmsghdr) std::array<std::array<uint8_t, kControl>, kMessages> control{};
  std::array<iovec, kGsoMaxSegments * kMessages> iov{};

  GsoSendResult result;
  size_t at = 0;
  while (at < packets.size()) {
    size_t m = 0;
    size_t used_iov = 0;
    size_t next = at;
    for (; m < kMessages && next < packets.size(); ++m) {
      const size_t run = gso_run(packets.subspan(next));
      for (size_t i = 0; i < run; ++i) {
        const ByteView p = packets[next + i];
        iov[used_iov + i] = {const_cast<uint8_t*>(p.data()), p.size()};
      }
      msghdr& h = messages[m].msg_hdr;
      h = msghdr{};
      h.msg_name = const_cast<sockaddr*>(to.get());
      h.msg_namelen = to.length;
      h.msg_iov = &iov[used_iov];
      h.msg_iovlen = run;
      h.msg_control = control[m].data();
      h.msg_controllen = 0;
      if (set_source) set_source_address(h, local);
      if (run > 1) {
        auto* c = reinterpret_cast<cmsghdr*>(control[m].data() + h.msg_controllen);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        const auto segment_size = static_cast<uint16_t>(packets[next].size());
        std::memcpy(CMSG_DATA(c), &segment_size, sizeof segment_size);
        h.msg_controllen += CMSG_SPACE(sizeof(uint16_t));
      }
      if (h.msg_controllen == 0) h.msg_control = nullptr;
      segments[m] = run;
      used_iov += run;
      next += run;
    }
    const int r = ::sendmmsg(fd, messages.data(), static_cast<unsigned>(m), MSG_DONTWAIT);
    if (r <= 0) {
      result.error = r < 0 ? errno : EIO;
      return result;
    }
    for (int i = 0; i < r; ++i) {
      result.sent += segments[static_cast<size_t>(i)];
      at += segments[static_cast<size_t>(i)];
    }
    if (static_cast<size_t>(r) < m) {
      result.error = EAGAIN;  // the socket buffer is full: the rest is dropped
      return result;
    }
  }
  return result;
}

bool enable_udp_gro(int fd) {
  const int one = 1;
  return ::setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one) == 0;
}

std::optional<size_t> gro_segment_size(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int size = 0;
      std::memcpy(&size, CMSG_DATA(c), sizeof size);
      if (size > 0) return static_cast<size_t>(size);
    }
  }
  return std::nullopt;
}

}  // namespace tern::io

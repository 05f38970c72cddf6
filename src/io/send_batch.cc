#include "io/send_batch.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "io/pktinfo.h"
#include "io/socket_address.h"

namespace tern::io {

Result<size_t> send_batch(int fd, const ike::Address& local, bool set_source, const ike::Address& remote,
                          std::span<const ByteView> packets) {
  constexpr size_t kMax = 64;
  const SockAddr to = to_sockaddr(remote);
  alignas(cmsghdr) uint8_t control[kPktinfoSpace]{};
  std::array<mmsghdr, kMax> messages{};
  std::array<iovec, kMax> iov{};
  size_t sent = 0;
  while (sent < packets.size()) {
    const size_t n = std::min(kMax, packets.size() - sent);
    for (size_t i = 0; i < n; ++i) {
      const ByteView p = packets[sent + i];
      iov[i] = {const_cast<uint8_t*>(p.data()), p.size()};
      msghdr& m = messages[i].msg_hdr;
      m = msghdr{};
      m.msg_name = const_cast<sockaddr*>(to.get());
      m.msg_namelen = to.length;
      m.msg_iov = &iov[i];
      m.msg_iovlen = 1;
      if (set_source) {
        m.msg_control = control;  // the same source for every message
        set_source_address(m, local);
      }
    }
    const int r = ::sendmmsg(fd, messages.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    if (r <= 0) {
      if (sent > 0) return sent;
      return fail(Errc::io_error, fmt::format("cannot send {} datagrams to {}: {}", packets.size(),
                                              remote.to_string(), std::strerror(errno)));
    }
    sent += static_cast<size_t>(r);
  }
  return sent;
}

}  // namespace tern::io

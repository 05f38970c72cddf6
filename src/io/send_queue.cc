#include "io/send_queue.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "io/pktinfo.h"
#include "io/socket_address.h"

namespace tern::io {

void SendQueue::add(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  entries_.push_back(Entry{local, remote, octets_.size(), bytes.size()});
  octets_.insert(octets_.end(), bytes.begin(), bytes.end());
}

void SendQueue::flush(int fd, bool wildcard_socket, const ErrorHook& on_error) {
  constexpr size_t kMax = 64;
  struct Slot {
    SockAddr to;
    iovec iov;
    alignas(cmsghdr) uint8_t control[kPktinfoSpace];
  };
  std::array<Slot, kMax> slots;
  std::array<mmsghdr, kMax> messages{};
  size_t done = 0;
  while (done < entries_.size()) {
    const size_t n = std::min(kMax, entries_.size() - done);
    for (size_t i = 0; i < n; ++i) {
      const Entry& e = entries_[done + i];
      Slot& s = slots[i];
      s.to = to_sockaddr(e.remote);
      s.iov = {octets_.data() + e.offset, e.length};
      msghdr& m = messages[i].msg_hdr;
      m = msghdr{};
      m.msg_name = const_cast<sockaddr*>(s.to.get());
      m.msg_namelen = s.to.length;
      m.msg_iov = &s.iov;
      m.msg_iovlen = 1;
      if (wildcard_socket && !is_wildcard(e.local)) {  // choose the source address
        std::memset(s.control, 0, sizeof s.control);
        m.msg_control = s.control;
        set_source_address(m, e.local);
      }
    }
    const int r = ::sendmmsg(fd, messages.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    if (r > 0) {
      done += static_cast<size_t>(r);
      continue;
    }
    // The first of the n was refused: report it, go on with the next.
    const Entry& e = entries_[done];
    if (on_error)
      on_error(Error{Errc::io_error, std::nullopt,
                     fmt::format("cannot send {} octets to {}: {}", e.length, e.remote.to_string(),
                                 std::strerror(errno))});
    ++done;
  }
  entries_.clear();
  octets_.clear();
}

}  // namespace tern::io

#include "io/esp_socket.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/pktinfo.h"
#include "io/socket_address.h"

namespace tern::io {
namespace {

constexpr int kMaxPerWakeup = 64;

}  // namespace

Result<std::unique_ptr<EspSocket>> EspSocket::open(asio::io_context& io, ike::AddressFamily family) {
  const bool v4 = family == ike::AddressFamily::ipv4;
  const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
  if (fd < 0)
    return fail(Errc::io_error, fmt::format("cannot open a raw ESP socket ({}): {}", v4 ? "IPv4" : "IPv6",
                                            std::strerror(errno)));
  if (!v4) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  }
  return std::unique_ptr<EspSocket>(new EspSocket(io, fd, family));
}

EspSocket::EspSocket(asio::io_context& io, int fd, ike::AddressFamily family)
    : descriptor_(io, fd), family_(family), buffer_(65536) {}

void EspSocket::start(EspHandler handler) {
  handler_ = std::move(handler);
  wait();
}

void EspSocket::wait() {
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const asio::error_code& ec) {
    if (ec) return;
    drain();
    wait();
  });
}

void EspSocket::drain() {
  for (int n = 0; n < kMaxPerWakeup; ++n) {
    sockaddr_storage from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) uint8_t control[128];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t got = ::recvmsg(descriptor_.native_handle(), &msg, MSG_DONTWAIT);
    if (got < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++receive_errors_;
      return;
    }
    std::optional<ike::Address> remote = from_sockaddr(from);
    if (!remote) continue;
    size_t size = static_cast<size_t>(got);
    uint8_t* start = buffer_.data();
    ike::Address local = remote->with_port(0);
    local.ip = {};
    if (family_ == ike::AddressFamily::ipv4) {
      if (size < 20 || (start[0] >> 4) != 4 || static_cast<size_t>(start[0] & 0x0f) * 4 > size) {
        ++receive_errors_;
        continue;
      }
      const size_t ihl = static_cast<size_t>(start[0] & 0x0f) * 4;
      std::memcpy(local.ip.data(), start + 16, 4);
      start += ihl;
      size -= ihl;
    } else {
        read_destination_address(msg, local);
    }
    handler_(local, remote->with_port(0), MutableByteView(start, size));
  }
}

Result<void> EspSocket::send(const ike::Address& local, const ike::Address& remote, ByteView esp_packet) {
  const SockAddr to = to_sockaddr(remote.with_port(0));
  iovec iov{const_cast<uint8_t*>(esp_packet.data()), esp_packet.size()};
  alignas(cmsghdr) uint8_t control[kPktinfoSpace]{};
  msghdr msg{};
  msg.msg_name = const_cast<sockaddr*>(to.get());
  msg.msg_namelen = to.length;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!is_wildcard(local)) {
    msg.msg_control = control;
    set_source_address(msg, local);
  }
  if (::sendmsg(descriptor_.native_handle(), &msg, MSG_DONTWAIT) < 0)
    return fail(Errc::io_error, fmt::format("cannot send ESP to {}: {}", remote.to_string(), std::strerror(errno)));
  return {};
}

}  // namespace tern::io

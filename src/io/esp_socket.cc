#include "io/esp_socket.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/pktinfo.h"
#include "io/send_batch.h"
#include "io/socket_address.h"
#include "io/transport_routing.h"

namespace tern::io {

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
  enlarge_buffers(fd);
  (void)::setsockopt(fd, SOL_SOCKET, SO_MARK, &kSocketMark, sizeof kSocketMark);  // io/transport_routing.h
  return std::unique_ptr<EspSocket>(new EspSocket(io, fd, family));
}

EspSocket::EspSocket(asio::io_context& io, int fd, ike::AddressFamily family)
    : descriptor_(io, fd), family_(family), batch_(kBatch) {}

void EspSocket::start(EspHandler handler) {
  handler_ = std::move(handler);
  wait();
}

void EspSocket::wait() {
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const asio::error_code& ec) {
    if (ec) return;
    drain();
    if (drained_) drained_();
    wait();
  });
}

void EspSocket::drain() {
  for (int round = 0; round < kMaxRounds; ++round) {
    const size_t n = batch_.receive(descriptor_.native_handle());
    for (size_t i = 0; i < n; ++i) {
      std::optional<ike::Address> remote = from_sockaddr(batch_.sender(i));
      if (!remote || batch_.truncated(i)) {
        ++receive_errors_;
        continue;
      }
      MutableByteView packet = batch_.datagram(i);
      ike::Address local = remote->with_port(0);
      local.ip = {};
      if (family_ == ike::AddressFamily::ipv4) {
        // IPv4 raw sockets deliver the IP header too.
        if (packet.size() < 20 || (packet[0] >> 4) != 4 ||
            static_cast<size_t>(packet[0] & 0x0f) * 4 > packet.size()) {
          ++receive_errors_;
          continue;
        }
        const size_t ihl = static_cast<size_t>(packet[0] & 0x0f) * 4;
        std::memcpy(local.ip.data(), packet.data() + 16, 4);
        packet = packet.subspan(ihl);
      } else {
        read_destination_address(batch_.header(i), local);
      }
      handler_(local, remote->with_port(0), packet);
    }
    if (n < kBatch) return;
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
    return fail(Errc::io_error,
                fmt::format("cannot send ESP to {}: {}", remote.to_string(), std::strerror(errno)));
  return {};
}

}  // namespace tern::io

namespace tern::io {

Result<size_t> EspSocket::send_batch(const ike::Address& local, const ike::Address& remote,
                                     std::span<const ByteView> packets) {
  return io::send_batch(descriptor_.native_handle(), local, !is_wildcard(local), remote.with_port(0),
                        packets);
}

}  // namespace tern::io

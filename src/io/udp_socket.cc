#include "io/udp_socket.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "io/pktinfo.h"
#include "io/send_batch.h"
#include "io/socket_address.h"
#include "io/transport_routing.h"
#include "io/udp_gso.h"

namespace tern::io {
namespace {

Error errno_error(std::string_view what, const ike::Address& address) {
  return Error{Errc::io_error, std::nullopt,
               fmt::format("{} {}: {}", what, address.to_string(), std::strerror(errno))};
}

// Whether a plain bind (no SO_REUSEPORT) to `bind` works, i.e. no other
// process holds the port; the probe socket is closed again at once.
Result<void> probe_exclusive(const ike::Address& bind) {
  const int fd =
      ::socket(bind.family == ike::AddressFamily::ipv4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(errno_error("cannot create a UDP socket for", bind));
  const int one = 1;
  if (bind.family != ike::AddressFamily::ipv4)
    (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  const SockAddr sa = to_sockaddr(bind);
  Result<void> out;
  if (::bind(fd, sa.get(), sa.length) != 0) out = fail(errno_error("cannot bind", bind));
  ::close(fd);
  return out;
}

}  // namespace

Result<std::unique_ptr<UdpSocket>> UdpSocket::open(asio::io_context& io, const ike::Address& bind,
                                                   Sharing sharing) {
  if (sharing == Sharing::first_of_group) {
    if (Result<void> free = probe_exclusive(bind); !free) return fail(free.error());
  }
  const bool v4 = bind.family == ike::AddressFamily::ipv4;
  const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(errno_error("cannot create a UDP socket for", bind));
  const int one = 1;
  // No SO_REUSEADDR: on UDP it would let a second daemon bind the same port
  // and silently share (steal) its datagrams. SO_REUSEPORT only for a group
  // of our own sockets (Sharing).
  bool ok = true;
  if (sharing != Sharing::exclusive) ok = ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0;
  if (v4) {
    ok = ok && ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0;
  } else {
    ok = ok && ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == 0;
    ok = ok && ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) == 0;
  }
  if (!ok) {
    Error e = errno_error("cannot set socket options on", bind);
    ::close(fd);
    return fail(std::move(e));
  }
  const SockAddr sa = to_sockaddr(bind);
  if (::bind(fd, sa.get(), sa.length) != 0) {
    Error e = errno_error("cannot bind", bind);
    ::close(fd);
    return fail(std::move(e));
  }
  enlarge_buffers(fd);  // the NAT-T socket carries ESP in UDP
  (void)::setsockopt(fd, SOL_SOCKET, SO_MARK, &kSocketMark, sizeof kSocketMark);  // io/transport_routing.h
  std::unique_ptr<UdpSocket> socket(new UdpSocket(io, fd, bind));
  // Coalesced runs of ESP datagrams (io/udp_gso.h); drain() splits them, so
  // IKE messages on the same port are unaffected.
  socket->gro_ = enable_udp_gro(fd);
  return socket;
}

UdpSocket::UdpSocket(asio::io_context& io, int fd, ike::Address bound)
    : descriptor_(io, fd), bound_(bound), wildcard_(is_wildcard(bound)), batch_(kBatch) {}

Result<void> UdpSocket::attach_steering(const std::vector<sock_filter>& program) {
  sock_fprog fprog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
  if (::setsockopt(descriptor_.native_handle(), SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog, sizeof fprog) !=
      0)
    return fail(errno_error("cannot attach the steering program (SO_ATTACH_REUSEPORT_CBPF) to", bound_));
  return {};
}

UdpSocket* socket_for(const std::vector<std::unique_ptr<UdpSocket>>& sockets, const ike::Address& local) {
  UdpSocket* best = nullptr;
  for (const auto& socket : sockets) {
    const ike::Address& b = socket->bound();
    if (b.port != local.port || b.family != local.family) continue;
    if (b.same_ip(local)) return socket.get();
    if (socket->wildcard() && best == nullptr) best = socket.get();
  }
  return best;
}

void UdpSocket::start(DatagramHandler handler) {
  handler_ = std::move(handler);
  wait();
}

void UdpSocket::wait() {
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const asio::error_code& ec) {
    if (ec) return;  // cancelled: the socket is closing
    drain();
    if (drained_) drained_();
    wait();
  });
}

void UdpSocket::drain() {
  draining_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  for (int round = 0; round < kMaxRounds; ++round) {
    const size_t n = batch_.receive(descriptor_.native_handle());
    for (size_t i = 0; i < n; ++i) {
      if (batch_.truncated(i)) {
        ++receive_errors_;
        continue;
      }
      std::optional<ike::Address> remote = from_sockaddr(batch_.sender(i));
      if (!remote) continue;
      ike::Address local = bound_;
      read_destination_address(batch_.header(i), local);
      const std::optional<size_t> segment_size = gro_ ? gro_segment_size(batch_.header(i)) : std::nullopt;
      if (segment_size) ++gro_runs_;
      for_each_segment(batch_.datagram(i), segment_size,
                       [&](MutableByteView datagram) { handler_(local, *remote, datagram); });
    }
    flush_held();
    if (n < kBatch) break;  // drained
  }
  draining_.store(std::thread::id{}, std::memory_order_relaxed);
}

void UdpSocket::flush_held() {
  if (!held_.empty()) held_.flush(descriptor_.native_handle(), wildcard_, send_error_);
}

Result<void> UdpSocket::send(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  if (draining_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    held_.add(local, remote, bytes);  // sent with the rest of this batch's answers
    return {};
  }
  const SockAddr to = to_sockaddr(remote);
  iovec iov{const_cast<uint8_t*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) uint8_t control[kPktinfoSpace]{};
  msghdr msg{};
  msg.msg_name = const_cast<sockaddr*>(to.get());
  msg.msg_namelen = to.length;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (wildcard_ && !is_wildcard(local)) {  // choose the source address
    msg.msg_control = control;
    set_source_address(msg, local);
  }
  if (::sendmsg(descriptor_.native_handle(), &msg, MSG_DONTWAIT) < 0)
    return fail(errno_error(fmt::format("cannot send {} octets to", bytes.size()), remote));
  return {};
}

}  // namespace tern::io

namespace tern::io {

Result<size_t> UdpSocket::send_batch(const ike::Address& local, const ike::Address& remote,
                                     std::span<const ByteView> packets) {
  const bool set_source = wildcard_ && !is_wildcard(local);
  size_t sent = 0;
  if (gso_ && packets.size() > 1) {
    const GsoSendResult r = send_gso(descriptor_.native_handle(), local, set_source, remote, packets);
    ++gso_sends_;
    sent = r.sent;
    if (r.error == 0 || r.error == EAGAIN || r.error == ENOBUFS) {
      if (sent == 0)
        return fail(Errc::io_error, fmt::format("cannot send {} datagrams to {}: {}", packets.size(),
                                                remote.to_string(), std::strerror(r.error)));
      return sent;
    }
    // EIO (no checksum offload on the way), EINVAL (a segment above the path
    // MTU), ...: the kernel cannot segment for us on this path; plain
    // sendmmsg from now on.
    gso_ = false;
    TERN_LOG(LogLevel::warning, "io",
             "UDP segmentation offload towards {} refused ({}); sending datagram by datagram",
             remote.to_string(), std::strerror(r.error));
  }
  Result<size_t> rest =
      io::send_batch(descriptor_.native_handle(), local, set_source, remote, packets.subspan(sent));
  if (!rest) return sent > 0 ? Result<size_t>(sent) : rest;
  return sent + *rest;
}

}  // namespace tern::io

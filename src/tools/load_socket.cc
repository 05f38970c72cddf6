#include "tools/load_socket.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "io/socket_address.h"

namespace tern::tools {
namespace {

constexpr int kBufferBytes = 8 << 20;
constexpr size_t kBatch = 64;
constexpr size_t kMaxPerCall = 1024;  // datagrams per receive(): others wait for the next round
constexpr size_t kDatagramMax = 65536;

}  // namespace

Result<std::unique_ptr<LoadSocket>> LoadSocket::open(const ike::Address& bind) {
  const int domain = bind.family == ike::AddressFamily::ipv4 ? AF_INET : AF_INET6;
  const int fd = ::socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return fail(Errc::io_error, fmt::format("socket for {}: {}", bind.to_string(), std::strerror(errno)));
  int size = kBufferBytes;
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  const io::SockAddr addr = io::to_sockaddr(bind);
  if (::bind(fd, addr.get(), addr.length) != 0) {
    const int err = errno;
    ::close(fd);
    return fail(Errc::io_error, fmt::format("bind {}: {}", bind.to_string(), std::strerror(err)));
  }
  sockaddr_storage got{};
  socklen_t len = sizeof got;
  ike::Address bound = bind;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &len) == 0) {
    if (std::optional<ike::Address> a = io::from_sockaddr(got)) bound = *a;
  }
  return std::unique_ptr<LoadSocket>(new LoadSocket(fd, bound));
}

LoadSocket::~LoadSocket() {
  ::close(fd_);
}

bool LoadSocket::send(const ike::Address& remote, ByteView bytes) {
  const io::SockAddr addr = io::to_sockaddr(remote);
  return ::sendto(fd_, bytes.data(), bytes.size(), 0, addr.get(), addr.length) ==
         static_cast<ssize_t>(bytes.size());
}

size_t LoadSocket::receive(const std::function<void(const ike::Address& from, ByteView bytes)>& on) {
  static thread_local std::vector<uint8_t> buffers(kBatch * kDatagramMax);
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iovs{};
  std::array<sockaddr_storage, kBatch> from{};
  size_t total = 0;
  while (total < kMaxPerCall) {
    for (size_t i = 0; i < kBatch; ++i) {
      iovs[i] = iovec{buffers.data() + i * kDatagramMax, kDatagramMax};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    const int n = ::recvmmsg(fd_, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      std::optional<ike::Address> source = io::from_sockaddr(from[k]);
      if (!source) continue;
      on(*source, ByteView(buffers.data() + k * kDatagramMax, msgs[k].msg_len));
    }
    total += static_cast<size_t>(n);
    if (static_cast<size_t>(n) < kBatch) break;
  }
  return total;
}

}  // namespace tern::tools

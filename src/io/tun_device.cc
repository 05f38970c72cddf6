#include "io/tun_device.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/netlink.h"

namespace tern::io {
namespace {

constexpr int kMaxPerWakeup = 64;

}  // namespace

Result<std::unique_ptr<TunDevice>> TunDevice::open(asio::io_context& io, const std::string& name,
                                                   uint32_t mtu) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return fail(Errc::io_error,
                fmt::format("TUN device name '{}' must be 1..{} characters", name, IFNAMSIZ - 1));
  const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(Errc::io_error, fmt::format("cannot open /dev/net/tun: {}", std::strerror(errno)));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
    const int e = errno;
    ::close(fd);
    return fail(Errc::io_error, fmt::format("cannot create TUN device {}: {}", name, std::strerror(e)));
  }
  const unsigned offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
  if (::ioctl(fd, TUNSETOFFLOAD, offloads) != 0) {
    const int e = errno;
    ::close(fd);
    return fail(Errc::io_error,
                fmt::format("cannot enable offloads on TUN device {}: {}", name, std::strerror(e)));
  }
  const int ifindex = static_cast<int>(::if_nametoindex(name.c_str()));
  if (ifindex == 0) {
    ::close(fd);
    return fail(Errc::io_error, fmt::format("TUN device {} has no interface index", name));
  }
  if (Result<void> up = netlink::set_link_up(ifindex, mtu); !up) {
    ::close(fd);
    return fail(up.error());
  }
  return std::unique_ptr<TunDevice>(new TunDevice(io, fd, name, ifindex, mtu));
}

TunDevice::TunDevice(asio::io_context& io, int fd, std::string name, int ifindex, uint32_t mtu)
    : descriptor_(io, fd),
      name_(std::move(name)),
      ifindex_(ifindex),
      mtu_(mtu),
      buffer_(VnetHeader::kSize + 65536) {}

void TunDevice::start(PacketHandler handler) {
  handler_ = std::move(handler);
  wait();
}

void TunDevice::wait() {
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const asio::error_code& ec) {
    if (ec) return;
    drain();
    wait();
  });
}

void TunDevice::drain() {
  for (int n = 0; n < kMaxPerWakeup; ++n) {
    const ssize_t got = ::read(descriptor_.native_handle(), buffer_.data(), buffer_.size());
    if (got < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++read_errors_;
      return;
    }
    if (static_cast<size_t>(got) <= VnetHeader::kSize) {
      ++read_errors_;
      continue;
    }
    const VnetHeader header = VnetHeader::decode(ByteView(buffer_.data(), VnetHeader::kSize));
    handler_(header, MutableByteView(buffer_.data() + VnetHeader::kSize,
                                     static_cast<size_t>(got) - VnetHeader::kSize));
  }
}

Result<void> TunDevice::write(ByteView packet) {
  return write(VnetHeader{}, packet);  // a complete packet, checksum done
}

Result<void> TunDevice::write(const VnetHeader& header, ByteView packet) {
  uint8_t encoded[VnetHeader::kSize];
  header.encode(encoded);
  iovec iov[2] = {{encoded, sizeof encoded}, {const_cast<uint8_t*>(packet.data()), packet.size()}};
  const ssize_t n = ::writev(descriptor_.native_handle(), iov, 2);
  if (n < 0) return fail(Errc::io_error, fmt::format("write to {}: {}", name_, std::strerror(errno)));
  return {};
}

}  // namespace tern::io

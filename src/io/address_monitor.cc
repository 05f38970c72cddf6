// rtnetlink address and route events -> the list of usable local addresses
// (see address_monitor.h).
#include "io/address_monitor.h"

#include <fmt/format.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "io/socket_address.h"

namespace tern::io {

Result<std::unique_ptr<AddressMonitor>> AddressMonitor::open(asio::io_context& io, std::string tun_device,
                                                             Handler handler) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return fail(Errc::io_error, fmt::format("netlink socket: {}", std::strerror(errno)));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    const int e = errno;
    ::close(fd);
    return fail(Errc::io_error, fmt::format("netlink address/route events: bind: {}", std::strerror(e)));
  }
  std::unique_ptr<AddressMonitor> m(new AddressMonitor(io, fd, std::move(tun_device), std::move(handler)));
  m->wait();
  return m;
}

AddressMonitor::AddressMonitor(asio::io_context& io, int fd, std::string tun_device, Handler handler)
    : descriptor_(io, fd), settle_(io), tun_device_(std::move(tun_device)), handler_(std::move(handler)) {}

std::vector<ike::Address> AddressMonitor::addresses() const {
  std::vector<ike::Address> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    const int family = a->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    if (a->ifa_name != nullptr && tun_device_ == a->ifa_name) continue;
    sockaddr_storage storage{};
    std::memcpy(&storage, a->ifa_addr, family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    if (std::optional<ike::Address> address = from_sockaddr(storage)) out.push_back(address->with_port(0));
  }
  ::freeifaddrs(list);
  return out;
}

void AddressMonitor::wait() {
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const asio::error_code& ec) {
    if (ec) return;  // closed
    drain();
    wait();
  });
}

void AddressMonitor::drain() {
  std::array<char, 16384> buffer{};
  bool relevant = false;
  for (;;) {
    const ssize_t n = ::recv(descriptor_.native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      relevant = true;  // ENOBUFS: events were lost; read the list again
      break;
    }
    // The messages of one datagram, each nlmsg_len long (aligned to 4).
    size_t offset = 0;
    const auto total = static_cast<size_t>(n);
    while (offset + sizeof(nlmsghdr) <= total) {
      nlmsghdr h{};
      std::memcpy(&h, buffer.data() + offset, sizeof h);
      if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > total - offset) break;
      if (h.nlmsg_type == RTM_NEWADDR || h.nlmsg_type == RTM_DELADDR || h.nlmsg_type == RTM_NEWROUTE ||
          h.nlmsg_type == RTM_DELROUTE)
        relevant = true;
      offset += (h.nlmsg_len + 3u) & ~size_t{3};
    }
  }
  if (relevant) changed();
}

void AddressMonitor::changed() {
  if (change_hook_) change_hook_();
  settle_.expires_after(kSettle);  // a burst (address, then its routes) is reported once
  settle_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;  // re-armed
    handler_(addresses());
  });
}

}  // namespace tern::io

#include "io/pktinfo.h"

#include <netinet/in.h>

#include <cstring>
#include <utility>

namespace tern::io {

static_assert(CMSG_SPACE(sizeof(in6_pktinfo)) <= kPktinfoSpace);

void set_source_address(msghdr& msg, const ike::Address& local) {
  cmsghdr* c = reinterpret_cast<cmsghdr*>(msg.msg_control);
  if (local.family == ike::AddressFamily::ipv4) {
    in_pktinfo info{};
    std::memcpy(&info.ipi_spec_dst, local.ip.data(), 4);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
    msg.msg_controllen = CMSG_SPACE(sizeof info);
  } else {
    in6_pktinfo info{};
    std::memcpy(&info.ipi6_addr, local.ip.data(), 16);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
    msg.msg_controllen = CMSG_SPACE(sizeof info);
  }
}

void enlarge_buffers(int fd) {
  constexpr int kBytes = 8 * 1024 * 1024;
  for (auto [force, plain] : {std::pair{SO_RCVBUFFORCE, SO_RCVBUF}, std::pair{SO_SNDBUFFORCE, SO_SNDBUF}}) {
    if (::setsockopt(fd, SOL_SOCKET, force, &kBytes, sizeof kBytes) != 0)
      ::setsockopt(fd, SOL_SOCKET, plain, &kBytes, sizeof kBytes);
  }
}

void read_destination_address(msghdr& msg, ike::Address& local) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::memcpy(local.ip.data(), &info.ipi_addr, 4);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::memcpy(local.ip.data(), &info.ipi6_addr, 16);
    }
  }
}

}  // namespace tern::io

#include "io/netlink.h"

#include <fmt/format.h>
#include <ifaddrs.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "io/socket_address.h"

namespace tern::io::netlink {
namespace {

// One request: header, fixed part, attributes; sent and acknowledged.
class Request {
 public:
  Request(uint16_t type, uint16_t flags) {
    header()->nlmsg_type = type;
    header()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    header()->nlmsg_len = NLMSG_LENGTH(0);
  }
  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buffer_.data()); }
  template <typename T>
  T* body() {
    header()->nlmsg_len = NLMSG_LENGTH(sizeof(T));
    return reinterpret_cast<T*>(NLMSG_DATA(header()));
  }
  void attribute(uint16_t type, const void* data, size_t size) {
    const size_t offset = NLMSG_ALIGN(header()->nlmsg_len);
    rtattr* rta = reinterpret_cast<rtattr*>(buffer_.data() + offset);
    rta->rta_type = type;
    rta->rta_len = static_cast<uint16_t>(RTA_LENGTH(size));
    std::memcpy(RTA_DATA(rta), data, size);
    header()->nlmsg_len = static_cast<uint32_t>(offset + RTA_ALIGN(rta->rta_len));
  }
  template <typename T>
  void attribute(uint16_t type, T value) {
    attribute(type, &value, sizeof value);
  }

  // Sends and waits for the acknowledgement; the errno the kernel returned.
  int transact() {
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return errno;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    header()->nlmsg_seq = 1;
    int result = 0;
    if (::sendto(fd, buffer_.data(), header()->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
      result = errno;
    } else {
      std::array<uint8_t, 4096> reply{};
      const ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
      if (n < 0) {
        result = errno;
      } else {
        const nlmsghdr* h = reinterpret_cast<const nlmsghdr*>(reply.data());
        if (NLMSG_OK(h, static_cast<uint32_t>(n)) && h->nlmsg_type == NLMSG_ERROR) {
          const nlmsgerr* err = reinterpret_cast<const nlmsgerr*>(NLMSG_DATA(h));
          result = -err->error;
        }
      }
    }
    ::close(fd);
    return result;
  }

 private:
  alignas(nlmsghdr) std::array<uint8_t, 512> buffer_{};
};

std::string ifname(int ifindex) {
  char name[IF_NAMESIZE] = {};
  return ::if_indextoname(static_cast<unsigned>(ifindex), name) != nullptr ? std::string(name)
                                                                           : fmt::format("#{}", ifindex);
}

Result<void> route(uint16_t type, uint16_t flags, int ifindex, const Route& entry,
                   const std::optional<ike::Address>& src) {
  const Prefix& destination = entry.destination;
  Request r(type, flags);
  rtmsg* rt = r.body<rtmsg>();
  const bool v4 = destination.address.family == ike::AddressFamily::ipv4;
  rt->rtm_family = v4 ? AF_INET : AF_INET6;
  rt->rtm_dst_len = destination.length;
  // Table ids above 255 only fit the RTA_TABLE attribute.
  rt->rtm_table =
      entry.table < 256 ? static_cast<uint8_t>(entry.table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
  rt->rtm_protocol = RTPROT_STATIC;
  rt->rtm_scope = RT_SCOPE_LINK;
  rt->rtm_type = RTN_UNICAST;
  r.attribute(RTA_TABLE, entry.table);
  r.attribute(RTA_DST, destination.address.ip.data(), v4 ? 4 : 16);
  r.attribute(RTA_OIF, static_cast<uint32_t>(ifindex));
  if (src && src->family == destination.address.family) r.attribute(RTA_PREFSRC, src->ip.data(), v4 ? 4 : 16);
  if (const int e = r.transact(); e != 0)
    return fail(Errc::io_error,
                fmt::format("cannot {} route {} dev {}: {}", type == RTM_NEWROUTE ? "add" : "delete",
                            entry.to_string(), ifname(ifindex), std::strerror(e)));
  return {};
}

// RTM_NEWRULE / RTM_DELRULE for "not fwmark MARK lookup TABLE" (what
// `ip rule add not fwmark MARK table TABLE priority PRIORITY` sends).
int rule(uint16_t type, uint16_t flags, const NotFwmarkRule& wanted) {
  Request r(type, flags);
  fib_rule_hdr* frh = r.body<fib_rule_hdr>();
  frh->family = wanted.family == ike::AddressFamily::ipv4 ? AF_INET : AF_INET6;
  frh->table =
      wanted.table < 256 ? static_cast<uint8_t>(wanted.table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
  frh->action = FR_ACT_TO_TBL;
  frh->flags = FIB_RULE_INVERT;
  r.attribute(FRA_PRIORITY, wanted.priority);
  r.attribute(FRA_FWMARK, wanted.mark);
  r.attribute(FRA_FWMASK, uint32_t{0xffffffff});
  r.attribute(FRA_TABLE, wanted.table);
  return r.transact();
}

}  // namespace

std::string Prefix::to_string() const {
  std::string ip = address.to_string();  // "a.b.c.d:port" or "[v6]:port"
  ip = ip.substr(0, ip.rfind(':'));
  if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
  return fmt::format("{}/{}", ip, length);
}

std::string Route::to_string() const {
  if (table == kMainTable) return destination.to_string();
  return fmt::format("{} table {}", destination.to_string(), table);
}

std::string NotFwmarkRule::to_string() const {
  return fmt::format("{} rule {}: not fwmark {:#x} lookup {}",
                     family == ike::AddressFamily::ipv4 ? "IPv4" : "IPv6", priority, mark, table);
}

Result<void> set_link_up(int ifindex, uint32_t mtu) {
  Request r(RTM_NEWLINK, 0);
  ifinfomsg* info = r.body<ifinfomsg>();
  info->ifi_family = AF_UNSPEC;
  info->ifi_index = ifindex;
  info->ifi_flags = IFF_UP;
  info->ifi_change = IFF_UP;
  r.attribute(IFLA_MTU, mtu);
  if (const int e = r.transact(); e != 0)
    return fail(Errc::io_error,
                fmt::format("cannot bring {} up with MTU {}: {}", ifname(ifindex), mtu, std::strerror(e)));
  return {};
}

Result<void> add_route(int ifindex, const Route& destination, const std::optional<ike::Address>& src) {
  return route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, ifindex, destination, src);
}

Result<void> delete_route(int ifindex, const Route& destination) {
  return route(RTM_DELROUTE, 0, ifindex, destination, std::nullopt);
}

Result<void> add_rule(const NotFwmarkRule& r) {
  const int e = rule(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, r);
  if (e != 0 && e != EEXIST)
    return fail(Errc::io_error, fmt::format("cannot add {}: {}", r.to_string(), std::strerror(e)));
  return {};
}

Result<void> delete_rule(const NotFwmarkRule& r) {
  if (const int e = rule(RTM_DELRULE, 0, r); e != 0)
    return fail(Errc::io_error, fmt::format("cannot delete {}: {}", r.to_string(), std::strerror(e)));
  return {};
}

std::vector<ike::Address> local_addresses() {
  std::vector<ike::Address> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    if (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6) continue;
    sockaddr_storage storage{};
    std::memcpy(&storage, a->ifa_addr,
                a->ifa_addr->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    if (std::optional<ike::Address> address = from_sockaddr(storage)) out.push_back(*address);
  }
  ::freeifaddrs(list);
  return out;
}

}  // namespace tern::io::netlink

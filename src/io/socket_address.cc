#include "io/socket_address.h"

#include <algorithm>
#include <cstring>

namespace tern::io {

SockAddr to_sockaddr(const ike::Address& address) {
  SockAddr out;
  if (address.family == ike::AddressFamily::ipv4) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(address.port);
    std::memcpy(&sin.sin_addr, address.ip.data(), 4);
    std::memcpy(&out.storage, &sin, sizeof sin);
    out.length = sizeof sin;
  } else {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(address.port);
    std::memcpy(&sin6.sin6_addr, address.ip.data(), 16);
    std::memcpy(&out.storage, &sin6, sizeof sin6);
    out.length = sizeof sin6;
  }
  return out;
}

std::optional<ike::Address> from_sockaddr(const sockaddr_storage& storage) {
  if (storage.ss_family == AF_INET) {
    sockaddr_in sin{};
    std::memcpy(&sin, &storage, sizeof sin);
    std::array<uint8_t, 4> ip{};
    std::memcpy(ip.data(), &sin.sin_addr, 4);
    return ike::Address::ipv4(ip, ntohs(sin.sin_port));
  }
  if (storage.ss_family == AF_INET6) {
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, &storage, sizeof sin6);
    std::array<uint8_t, 16> ip{};
    std::memcpy(ip.data(), &sin6.sin6_addr, 16);
    return ike::Address::ipv6(ip, ntohs(sin6.sin6_port));
  }
  return std::nullopt;
}

bool is_wildcard(const ike::Address& address) {
  const ByteView ip = address.ip_bytes();
  return std::all_of(ip.begin(), ip.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace tern::io

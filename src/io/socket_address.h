// ike::Address <-> the kernel's sockaddr, and IP literal parsing for io/ and
// the daemon. Fails only on a sockaddr of another family (nullopt).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>

#include "ike/address.h"

namespace tern::io {

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

SockAddr to_sockaddr(const ike::Address& address);
std::optional<ike::Address> from_sockaddr(const sockaddr_storage& storage);
// True for 0.0.0.0 and ::.
bool is_wildcard(const ike::Address& address);

}  // namespace tern::io

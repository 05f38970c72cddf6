// sendmmsg(2) of several datagrams to one destination, with the source
// address chosen by IP_PKTINFO when `set_source` — the shared batch path of
// udp_socket and esp_socket. Returns how many the kernel took, or an Error
// (errno text) when it took none.
#pragma once

#include <span>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"

namespace tern::io {

Result<size_t> send_batch(int fd, const ike::Address& local, bool set_source, const ike::Address& remote,
                          std::span<const ByteView> packets);

}  // namespace tern::io

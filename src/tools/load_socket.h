// tern-load's UDP sockets: one non-blocking socket per local (address,
// port), plain POSIX, datagrams received in batches (recvmmsg). All IKE SAs
// of a local address share its sockets: the IKE SPIs in each header say which
// SA a datagram belongs to, so no per-SA port is needed.
//
// How it fails: open() returns Errc::io_error naming the address and the
// system error; send() reports failure as false (the caller counts it).
#pragma once

#include <functional>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"

namespace tern::tools {

class LoadSocket {
 public:
  static Result<std::unique_ptr<LoadSocket>> open(const ike::Address& bind);
  ~LoadSocket();
  LoadSocket(const LoadSocket&) = delete;
  LoadSocket& operator=(const LoadSocket&) = delete;

  int fd() const { return fd_; }
  const ike::Address& bound() const { return bound_; }  // with the port the kernel chose
  bool send(const ike::Address& remote, ByteView bytes);
  // Reads what is queued (up to a bound per call); calls `on` per datagram
  // with its source. Returns how many were read.
  size_t receive(const std::function<void(const ike::Address& from, ByteView bytes)>& on);

 private:
  LoadSocket(int fd, ike::Address bound) : fd_(fd), bound_(bound) {}
  int fd_;
  ike::Address bound_;
};

}  // namespace tern::tools

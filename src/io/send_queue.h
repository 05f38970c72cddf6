// Datagrams held back while a UdpSocket hands a received batch to the
// daemon, then sent together with one sendmmsg(2) per up to 64: each IKE
// response otherwise costs its own sendmsg, and under load recvmmsg brings
// ~30 requests per call (perf trace of the control-plane benchmark: 3
// sendmsg per setup with --delete before this).
//
// Unlike io::send_batch (one destination), every datagram here has its own
// source and destination. The queue copies the octets (the engine's buffer
// is gone by the time it is flushed).
//
// Who calls it: UdpSocket only (udp_socket.cc), on the thread that drains it.
// How it fails: flush() reports each datagram the kernel refused through
// `on_error` (errno text naming the destination) and goes on with the next.
#pragma once

#include <functional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"

namespace tern::io {

class SendQueue {
 public:
  using ErrorHook = std::function<void(const Error&)>;

  void add(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  // Sends everything queued on `fd` (source addresses by IP_PKTINFO when
  // `set_source`) and empties the queue.
  void flush(int fd, bool wildcard_socket, const ErrorHook& on_error);

 private:
  struct Entry {
    ike::Address local;
    ike::Address remote;
    size_t offset;  // into octets_
    size_t length;
  };
  std::vector<Entry> entries_;
  std::vector<uint8_t> octets_;  // every queued datagram, back to back; capacity reused
};

}  // namespace tern::io

// recvmmsg(2) into a set of reusable slots: up to `count` datagrams per
// system call, each with its sender and its control messages (IP_PKTINFO).
// Slots are 64 KiB so that no IKE message or ESP packet is ever truncated;
// the memory is allocated once and left untouched (uninitialised) until the
// kernel writes into it. Used by udp_socket and esp_socket; the caller owns
// the datagrams until the next receive().
#pragma once

#include <sys/socket.h>

#include <memory>
#include <vector>

#include "base/bytes.h"

namespace tern::io {

class RecvBatch {
 public:
  static constexpr size_t kSlotSize = 65536;
  explicit RecvBatch(size_t count);

  // Receives without blocking; how many datagrams arrived (0 when none, or
  // on an error, counted in errors()).
  size_t receive(int fd);

  MutableByteView datagram(size_t i) { return {slot(i), messages_[i].msg_len}; }
  const sockaddr_storage& sender(size_t i) const { return senders_[i]; }
  msghdr& header(size_t i) { return messages_[i].msg_hdr; }
  bool truncated(size_t i) const { return (messages_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0; }
  uint64_t errors() const { return errors_; }

 private:
  static constexpr size_t kControlSize = 128;
  uint8_t* slot(size_t i) { return buffer_.get() + i * kSlotSize; }

  size_t count_;
  std::unique_ptr<uint8_t[]> buffer_;
  std::vector<mmsghdr> messages_;
  std::vector<iovec> iov_;
  std::vector<sockaddr_storage> senders_;
  std::vector<uint8_t> control_;
  uint64_t errors_ = 0;
};

}  // namespace tern::io

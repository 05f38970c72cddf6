#include "io/recv_batch.h"

#include <cerrno>

namespace tern::io {

RecvBatch::RecvBatch(size_t count)
    : count_(count),
      buffer_(new uint8_t[count * kSlotSize]),
      messages_(count),
      iov_(count),
      senders_(count),
      control_(count * kControlSize) {}

size_t RecvBatch::receive(int fd) {
  for (size_t i = 0; i < count_; ++i) {
    iov_[i] = {slot(i), kSlotSize};
    msghdr& m = messages_[i].msg_hdr;
    m = msghdr{};
    m.msg_name = &senders_[i];
    m.msg_namelen = sizeof(sockaddr_storage);
    m.msg_iov = &iov_[i];
    m.msg_iovlen = 1;
    m.msg_control = control_.data() + i * kControlSize;
    m.msg_controllen = kControlSize;
  }
  const int n = ::recvmmsg(fd, messages_.data(), static_cast<unsigned>(count_), MSG_DONTWAIT, nullptr);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++errors_;
    return 0;
  }
  return static_cast<size_t>(n);
}

}  // namespace tern::io

// SendQueue: datagrams held while a received batch is handled, then sent with
// sendmmsg(2), each to its own destination; a datagram the kernel refuses is
// reported and the rest still go out. Real UDP sockets on the loopback
// address (no namespace needed).
#include "io/send_queue.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "io/socket_address.h"

namespace tern::io {
namespace {

const ike::Address kLoopback = ike::Address::ipv4({127, 0, 0, 1}, 0);

// A UDP socket bound to 127.0.0.1 on a port the kernel picks.
struct Udp {
  Udp() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    const SockAddr sa = to_sockaddr(kLoopback);
    EXPECT_EQ(::bind(fd, sa.get(), sa.length), 0);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length), 0);
    address = *from_sockaddr(bound);
  }
  ~Udp() { ::close(fd); }
  Udp(const Udp&) = delete;
  Udp& operator=(const Udp&) = delete;

  // The next datagram waiting, or "" when there is none.
  std::string receive() const {
    char buffer[2048];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    return n < 0 ? std::string() : std::string(buffer, static_cast<size_t>(n));
  }

  int fd = -1;
  ike::Address address;
};

ByteView view(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(SendQueue, DatagramsGoToTheirOwnDestinationsInOrderOnFlush) {
  Udp sender, a, b;
  SendQueue queue;
  const std::string first = "IKE_SA_INIT response", second = "IKE_AUTH response", third = "INFORMATIONAL";
  queue.add(sender.address, a.address, view(first));
  queue.add(sender.address, b.address, view(second));
  queue.add(sender.address, a.address, view(third));
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(a.receive(), "");  // held until the flush

  std::vector<std::string> errors;
  queue.flush(sender.fd, /*wildcard_socket=*/false, [&](const Error& e) { errors.push_back(e.detail); });

  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(a.receive(), first);
  EXPECT_EQ(a.receive(), third);
  EXPECT_EQ(b.receive(), second);
}

TEST(SendQueue, ARefusedDatagramIsReportedAndTheOthersStillGo) {
  Udp sender, a;
  SendQueue queue;
  // An IPv6 destination on an IPv4 socket: sendmmsg refuses that message.
  const ike::Address v6 =
      ike::Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 500);
  queue.add(sender.address, a.address, view("before"));
  queue.add(sender.address, v6, view("refused"));
  queue.add(sender.address, a.address, view("after"));

  std::vector<std::string> errors;
  queue.flush(sender.fd, false, [&](const Error& e) { errors.push_back(e.detail); });

  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("cannot send 7 octets to [2001:db8::1]:500"), std::string::npos) << errors[0];
  EXPECT_EQ(a.receive(), "before");
  EXPECT_EQ(a.receive(), "after");
  EXPECT_TRUE(queue.empty());
}

TEST(SendQueue, MoreThanOneSendmmsgWorthAllArrive) {
  Udp sender, a;
  SendQueue queue;
  for (int i = 0; i < 100; ++i) queue.add(sender.address, a.address, view(std::to_string(i)));
  queue.flush(sender.fd, false, nullptr);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.receive(), std::to_string(i));
  EXPECT_EQ(a.receive(), "");
}

}  // namespace
}  // namespace tern::io

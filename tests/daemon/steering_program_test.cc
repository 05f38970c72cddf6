// The kernel's half of the worker rule (daemon/steering_program.h): the
// classic BPF program on each SO_REUSEPORT group must pick the socket of the
// worker that shard_for_datagram names (index 1 + worker), and the loop's
// socket (index 0) for ESP in UDP and for anything too short to be IKE.
// Two ways: an interpreter of the instructions the program uses, run on
// crafted datagrams against shard_for_datagram; and the real kernel, a group
// of sockets on 127.0.0.1 with the program attached.
#include "daemon/steering_program.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "daemon/shard_dispatch.h"
#include "ike/shard_spi.h"

namespace tern::daemon {
namespace {

constexpr uint8_t kInitiator = 0x08;
constexpr uint8_t kResponse = 0x20;
constexpr uint8_t kIkeSaInit = 34, kIkeAuth = 35, kInformational = 37;

// HDR(SPIi, SPIr, Next Payload, Version, Exchange Type, Flags, Message ID, Length) and `body` octets.
Bytes ike_header(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flags, size_t body = 0) {
  Bytes b(28 + body, 0x2c);
  for (size_t i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(spi_i >> (56 - 8 * i));
    b[8 + i] = static_cast<uint8_t>(spi_r >> (56 - 8 * i));
  }
  b[16] = 33;  // SA
  b[17] = 0x20;
  b[18] = exchange;
  b[19] = flags;
  for (size_t i = 20; i < 28; ++i) b[i] = 0;
  b[27] = static_cast<uint8_t>(b.size());
  return b;
}

// On port 4500: the non-ESP marker, then the IKE message (RFC 3948 §2.2).
Bytes with_marker(const Bytes& ike) {
  Bytes b(4 + ike.size(), 0);
  for (size_t i = 0; i < ike.size(); ++i) b[4 + i] = ike[i];
  return b;
}

// ESP in UDP: SPI, Sequence Number, then ciphertext.
Bytes esp(uint32_t spi) {
  Bytes b(64, 0x5a);
  for (size_t i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(spi >> (24 - 8 * i));
  return b;
}

uint32_t load(const Bytes& p, uint32_t at, uint32_t size, bool& out_of_bounds) {
  if (at + size > p.size()) {
    out_of_bounds = true;
    return 0;
  }
  uint32_t v = 0;
  for (uint32_t i = 0; i < size; ++i) v = (v << 8) | p[at + i];
  return v;
}

// Classic BPF (the subset steering_program emits), as the kernel runs it on a
// UDP payload: a load beyond the end ends the program with 0.
uint32_t run(const std::vector<sock_filter>& program, const Bytes& payload) {
  uint32_t a = 0, x = 0;
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& f = program[pc];
    bool oob = false;
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS: a = load(payload, f.k, 4, oob); break;
      case BPF_LD | BPF_B | BPF_ABS: a = load(payload, f.k, 1, oob); break;
      case BPF_LD | BPF_W | BPF_LEN: a = static_cast<uint32_t>(payload.size()); break;
      case BPF_MISC | BPF_TAX: x = a; break;
      case BPF_ALU | BPF_OR | BPF_X: a |= x; break;
      case BPF_ALU | BPF_XOR | BPF_X: a ^= x; break;
      case BPF_ALU | BPF_RSH | BPF_K: a >>= f.k; break;
      case BPF_ALU | BPF_MOD | BPF_K: a %= f.k; break;
      case BPF_ALU | BPF_ADD | BPF_K: a += f.k; break;
      case BPF_JMP | BPF_JA: pc += f.k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: pc += a == f.k ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGE | BPF_K: pc += a >= f.k ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f.k) != 0 ? f.jt : f.jf; break;
      case BPF_RET | BPF_K: return f.k;
      case BPF_RET | BPF_A: return a;
      default: ADD_FAILURE() << "instruction the interpreter does not know: " << f.code; return 0;
    }
    if (oob) return 0;
  }
  ADD_FAILURE() << "the program fell off its end";
  return 0;
}

// The datagrams the rule has to tell apart, for `workers` workers.
std::vector<Bytes> ike_messages(uint32_t workers) {
  std::vector<Bytes> out;
  uint64_t r = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {
    r = r * 6364136223846793005ULL + 1442695040888963407ULL;
    return r;
  };
  for (int i = 0; i < 64; ++i) {
    const auto shard = static_cast<uint32_t>(i) % workers;
    const uint64_t ours = ike::shard_spi(next(), shard);
    const uint64_t theirs = next();
    out.push_back(ike_header(theirs, 0, kIkeSaInit, kInitiator, 200));                // IKE_SA_INIT request
    out.push_back(ike_header(theirs, ours, kIkeAuth, kInitiator, 300));               // IKE_AUTH request
    out.push_back(ike_header(theirs, ours, kInformational, kInitiator | kResponse));  // answer to our request
    out.push_back(ike_header(ours, theirs, kIkeSaInit, kResponse, 200));  // answer to our IKE_SA_INIT
    out.push_back(ike_header(ours, theirs, kInformational, 0, 40));       // request on an SA we began
    out.push_back(ike_header(ike::shard_spi(next(), 200), 0, kInformational, 0, 8));  // a foreign SPI
  }
  out.push_back(ike_header(0, 0, kIkeSaInit, kInitiator));  // both SPIs zero
  return out;
}

TEST(SteeringProgram, Port500PicksTheWorkerShardDispatchNames) {
  for (uint32_t workers : {2u, 3u, 4u, 16u}) {
    const std::vector<sock_filter> program = steering_program(workers, false);
    for (const Bytes& m : ike_messages(workers))
      EXPECT_EQ(run(program, m), 1 + shard_for_datagram(m, workers)) << workers << " workers";
  }
}

TEST(SteeringProgram, Port4500PicksTheWorkerBehindTheNonEspMarker) {
  for (uint32_t workers : {2u, 3u, 8u}) {
    const std::vector<sock_filter> program = steering_program(workers, true);
    for (const Bytes& m : ike_messages(workers))
      EXPECT_EQ(run(program, with_marker(m)), 1 + shard_for_datagram(m, workers)) << workers << " workers";
  }
}

TEST(SteeringProgram, EspAndShortDatagramsGoToTheLoop) {
  const std::vector<sock_filter> natt = steering_program(4, true);
  EXPECT_EQ(run(natt, esp(0xc1000001)), 0u);    // ESP in UDP: the data plane
  EXPECT_EQ(run(natt, esp(1)), 0u);             // any non-zero SPI
  EXPECT_EQ(run(natt, Bytes{0xff}), 0u);        // NAT keepalive (RFC 3948 §2.3)
  EXPECT_EQ(run(natt, Bytes{0, 0, 0, 0}), 0u);  // a marker and nothing after it
  Bytes cut = with_marker(ike_header(7, ike::shard_spi(5, 3), kIkeAuth, kInitiator));
  cut.resize(31);
  EXPECT_EQ(run(natt, cut), 0u);  // IKE header cut short
  const std::vector<sock_filter> ike = steering_program(4, false);
  EXPECT_EQ(run(ike, Bytes(27, 0x11)), 0u);
  EXPECT_EQ(run(ike, Bytes{}), 0u);
}

// --- the real kernel -----------------------------------------------------------

int bound_socket(uint16_t port, uint16_t* chosen) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one), 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (chosen != nullptr) *chosen = ntohs(a.sin_port);
  return fd;
}

// Which socket of the group received a datagram (waits up to a second), or none.
std::optional<size_t> receiver(const std::vector<int>& group) {
  std::vector<pollfd> fds;
  for (int fd : group) fds.push_back(pollfd{fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), 1000) <= 0) return std::nullopt;
  for (size_t i = 0; i < fds.size(); ++i) {
    if ((fds[i].revents & POLLIN) == 0) continue;
    uint8_t buf[2048];
    (void)::recv(group[i], buf, sizeof buf, MSG_DONTWAIT);
    return i;
  }
  return std::nullopt;
}

TEST(SteeringProgram, TheKernelDeliversToTheSocketTheProgramNames) {
  // A group as ternd opens it: the loop's socket first (index 0), then one per worker.
  constexpr uint32_t kWorkers = 3;
  uint16_t port = 0;
  std::vector<int> group{bound_socket(0, &port)};
  for (uint32_t i = 0; i < kWorkers; ++i) group.push_back(bound_socket(port, nullptr));
  const std::vector<sock_filter> program = steering_program(kWorkers, true);
  sock_fprog fprog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
  ASSERT_EQ(::setsockopt(group[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog, sizeof fprog), 0)
      << "the kernel refused the program: " << std::strerror(errno);
  const int peer = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  auto send = [&](const Bytes& b) {
    ASSERT_EQ(::sendto(peer, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(b.size()));
  };
  // One source address and port for everything: a hash of the 4-tuple would pick one socket.
  for (const Bytes& m : ike_messages(kWorkers)) {
    send(with_marker(m));
    EXPECT_EQ(receiver(group), std::optional<size_t>(1 + shard_for_datagram(m, kWorkers)));
  }
  send(esp(0xc1000001));
  EXPECT_EQ(receiver(group), std::optional<size_t>(0));
  send(Bytes{0xff});
  EXPECT_EQ(receiver(group), std::optional<size_t>(0));
  ::close(peer);
  for (int fd : group) ::close(fd);
}

}  // namespace
}  // namespace tern::daemon

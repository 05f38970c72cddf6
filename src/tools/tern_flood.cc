// tern-flood: spoofed-source IKE_SA_INIT requests as fast as one raw socket
// sends them (docs/testing.md "Floods"), for the flood test in network
// namespaces. Each packet has a random source address in --sources (default
// 198.18.0.0/15, RFC 2544's benchmarking range), a random SPIi, KEi, Ni and
// NAT_D hashes (tools/flood_packet.h). Always bounded: it stops after
// --count packets or --duration, whichever comes first. Needs CAP_NET_RAW.
//
// Prints what it sent ({"sent", "send_errors", "seconds", "packets_per_second",
// "octets"} with --json). Exit status 0 after a run, 1 when the raw socket
// cannot be opened, 2 for bad usage.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/proposal_keywords.h"
#include "tools/flood_packet.h"

namespace {

using tern::tools::FloodRandom;
using tern::tools::FloodTemplate;

constexpr std::string_view kUsage =
    "usage: tern-flood --target IPV4[:PORT] [--sources PREFIX] [--duration SECONDS] [--count N]\n"
    "                  [--rate PPS] [--suite KEYWORDS] [--nonce-size N] [--no-natd] [--json]\n"
    "  --sources    spoofed source range (default 198.18.0.0/15)\n"
    "  --duration   stop after this many seconds (default 10, at most 600)\n"
    "  --count      stop after this many packets (default 10000000)\n"
    "  --rate       packets per second, 0 = as fast as possible (default 0)\n"
    "  --suite      the one proposal offered (default aes128gcm16-prfsha256-x25519)\n"
    "  --nonce-size Ni octets, 16..256 (default 32)\n"
    "  --no-natd    leave out the two NAT_DETECTION notifies\n";

struct Options {
  uint32_t target = 0;  // host order
  uint16_t port = 500;
  uint32_t network = 0xc6120000;  // 198.18.0.0
  uint8_t prefix_len = 15;
  double duration_s = 10;
  uint64_t count = 10'000'000;
  uint64_t rate = 0;
  std::string suite = "aes128gcm16-prfsha256-x25519";
  size_t nonce_size = 32;
  bool natd = true;
  bool json = false;
};

template <typename T>
bool number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool ipv4(std::string_view text, uint32_t& out) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &a) != 1) return false;
  out = ntohl(a.s_addr);
  return true;
}

std::string parse(const std::vector<std::string_view>& args, Options& o) {
  bool have_target = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--json") {
      o.json = true;
      continue;
    }
    if (a == "--no-natd") {
      o.natd = false;
      continue;
    }
    if (i + 1 >= args.size()) return fmt::format("{} needs a value", a);
    const std::string_view v = args[++i];
    if (a == "--target") {
      const size_t colon = v.find(':');
      if (!ipv4(v.substr(0, colon), o.target)) return fmt::format("--target {}: not an IPv4 address", v);
      if (colon != std::string_view::npos && !number(v.substr(colon + 1), o.port))
        return fmt::format("--target {}: bad port", v);
      have_target = true;
    } else if (a == "--sources") {
      const size_t slash = v.find('/');
      unsigned len = 0;
      if (slash == std::string_view::npos || !ipv4(v.substr(0, slash), o.network) ||
          !number(v.substr(slash + 1), len) || len > 32)
        return fmt::format("--sources {}: not an IPv4 prefix ADDRESS/LENGTH", v);
      o.prefix_len = static_cast<uint8_t>(len);
    } else if (a == "--duration") {
      unsigned s = 0;
      if (!number(v, s) || s == 0 || s > 600) return fmt::format("--duration {}: 1..600 seconds", v);
      o.duration_s = s;
    } else if (a == "--count") {
      if (!number(v, o.count) || o.count == 0) return fmt::format("--count {}: a positive number", v);
    } else if (a == "--rate") {
      if (!number(v, o.rate)) return fmt::format("--rate {}: packets per second", v);
    } else if (a == "--suite") {
      o.suite = std::string(v);
    } else if (a == "--nonce-size") {
      if (!number(v, o.nonce_size)) return fmt::format("--nonce-size {}: a number", v);
    } else {
      return fmt::format("unknown option {}", a);
    }
  }
  if (!have_target) return "--target is required";
  return {};
}

void print(std::FILE* to, const std::string& text) {
  (void)std::fwrite(text.data(), 1, text.size(), to);
  (void)std::fflush(to);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  Options o;
  if (std::string problem = parse(args, o); !problem.empty()) {
    print(stderr, fmt::format("tern-flood: {}\n{}", problem, kUsage));
    return 2;
  }
  auto suites = tern::config::parse_ike_proposal(o.suite);
  if (!suites || suites->size() != 1) {
    print(stderr, fmt::format("tern-flood: --suite {}: {}\n", o.suite,
                              suites ? "must name exactly one suite" : suites.error()));
    return 2;
  }
  tern::tools::FloodTemplateOptions template_options;
  template_options.suite = suites->front();
  for (size_t i = 0; i < 4; ++i) template_options.target[i] = static_cast<uint8_t>(o.target >> (24 - 8 * i));
  template_options.target_port = o.port;
  template_options.nonce_size = o.nonce_size;
  template_options.nat_detection = o.natd;
  tern::Result<FloodTemplate> made = tern::tools::make_flood_template(template_options);
  if (!made) {
    print(stderr, "tern-flood: " + made.error().detail + "\n");
    return 2;
  }

  const int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);  // IPPROTO_RAW implies IP_HDRINCL
  if (fd < 0) {
    print(stderr, fmt::format("tern-flood: cannot open a raw socket: {}\n", std::strerror(errno)));
    return 1;
  }
  const int one = 1;
  (void)setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(o.target);

  // A batch of packets, each its own copy of the template, sent with sendmmsg.
  constexpr size_t kBatch = 64;
  std::vector<FloodTemplate> packets(kBatch, *made);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    iov[i] = {packets[i].packet.data(), packets[i].packet.size()};
    msgs[i].msg_hdr.msg_name = &to;
    msgs[i].msg_hdr.msg_namelen = sizeof to;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  FloodRandom random(std::random_device{}() | static_cast<uint64_t>(std::random_device{}()) << 32);

  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s));
  uint64_t sent = 0, errors = 0;
  Clock::time_point now = start;
  while (sent < o.count && now < end) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kBatch, o.count - sent));
    if (o.rate > 0) {
      // Never ahead of rate x elapsed.
      const double elapsed = std::chrono::duration<double>(now - start).count();
      const auto allowed = static_cast<uint64_t>(elapsed * static_cast<double>(o.rate)) + 1;
      if (sent >= allowed) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        now = Clock::now();
        continue;
      }
      n = static_cast<size_t>(std::min<uint64_t>(n, allowed - sent));
    }
    for (size_t i = 0; i < n; ++i) randomize_flood_packet(packets[i], random, o.network, o.prefix_len);
    const int done = sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), 0);
    if (done < 0) {
      ++errors;  // ENOBUFS when the queue is full: let it drain
      std::this_thread::yield();
    } else {
      sent += static_cast<uint64_t>(done);
    }
    now = Clock::now();
  }
  close(fd);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double pps = seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  const uint64_t octets = sent * made->packet.size();
  if (o.json) {
    print(stdout,
          fmt::format("{{\"sent\": {}, \"send_errors\": {}, \"seconds\": {:.3f}, \"packets_per_second\": "
                      "{:.0f}, \"octets\": {}, \"packet_size\": {}}}\n",
                      sent, errors, seconds, pps, octets, made->packet.size()));
  } else {
    print(stdout, fmt::format("tern-flood: {} IKE_SA_INIT requests ({} octets each) in {:.2f} s: {:.0f}/s, "
                              "{} send errors\n",
                              sent, made->packet.size(), seconds, pps, errors));
  }
  return 0;
}

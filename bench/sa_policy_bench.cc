// sa_policy_bench [MAX_N]: the cost of the esp::SaTable's outbound policies as
// the table grows (issue 9, docs/benchmarks.md "Fixed here: the data plane's per-CHILD_SA costs"): per
// CHILD_SA install and remove (microseconds, EspCipher keying included) and
// per packet look-up (nanoseconds) for N = 1, 10, 100, ... MAX_N CHILD_SAs in
// three shapes:
//   same    every CHILD_SA 192.0.2.1/32 <-> 203.0.113.1/32 (what tern-load makes)
//   hosts   one remote host each (road warriors: 10.x.y.z/32), our 192.0.2.1/32
//   subnets one remote /24 each (site to site), our 10.1.0.0/16
// Look-ups are for packets that one of the CHILD_SAs covers, spread over all
// of them. Not a test: prints a table. Built with -DTERN_BENCH=ON:
//   ninja -C build bench/tern_bench_sa_policy && build/bench/tern_bench_sa_policy 30000
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "esp/sa_table.h"
#include "ike/effects.h"

namespace tern::bench {
namespace {

using Clock = std::chrono::steady_clock;
using wire::TrafficSelector;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::array<uint8_t, 4> remote_host(size_t i) {
  return {10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
}

ike::InstallChildSa child(const std::string& shape, size_t i) {
  ike::InstallChildSa sa;
  sa.connection = "bench";
  sa.child = "net";
  sa.spi_in = static_cast<uint32_t>(i + 1);
  sa.spi_out = static_cast<uint32_t>(i + 1) | 0x80000000u;
  sa.suite = ike::EspSuite{wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, wire::EsnId::NO_ESN};
  sa.encr_in = SecretBytes(Bytes(20, 1));
  sa.encr_out = SecretBytes(Bytes(20, 2));
  sa.local = ike::Address::ipv4({198, 51, 100, 2}, 500);
  sa.remote = ike::Address::ipv4({198, 51, 100, 1}, 500);
  if (shape == "same") {
    sa.local_ts = {TrafficSelector::ipv4_range({192, 0, 2, 1}, {192, 0, 2, 1})};
    sa.remote_ts = {TrafficSelector::ipv4_range({203, 0, 113, 1}, {203, 0, 113, 1})};
  } else if (shape == "hosts") {
    sa.local_ts = {TrafficSelector::ipv4_range({192, 0, 2, 1}, {192, 0, 2, 1})};
    sa.remote_ts = {TrafficSelector::ipv4_range(remote_host(i), remote_host(i))};
  } else {
    const std::array<uint8_t, 4> start{10, static_cast<uint8_t>(2 + (i >> 8)), static_cast<uint8_t>(i), 0};
    const std::array<uint8_t, 4> end{start[0], start[1], start[2], 255};
    sa.local_ts = {TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 255, 255})};
    sa.remote_ts = {TrafficSelector::ipv4_range(start, end)};
  }
  return sa;
}

esp::PacketSelector packet(const std::string& shape, size_t i) {
  esp::PacketSelector p;
  p.protocol = 17;
  p.has_ports = true;
  p.src_port = 40000;
  p.dst_port = 53;
  std::array<uint8_t, 4> src{192, 0, 2, 1}, dst{203, 0, 113, 1};
  if (shape == "hosts") dst = remote_host(i);
  if (shape == "subnets")
    src = {10, 1, 0, 1}, dst = {10, static_cast<uint8_t>(2 + (i >> 8)), static_cast<uint8_t>(i), 9};
  std::copy(src.begin(), src.end(), p.src.begin());
  std::copy(dst.begin(), dst.end(), p.dst.begin());
  return p;
}

void run(const std::string& shape, size_t n) {
  crypto::SeededRandom random(1);
  esp::SaTable table(random);
  std::vector<ike::InstallChildSa> sas;
  sas.reserve(n);
  for (size_t i = 0; i < n; ++i) sas.push_back(child(shape, i));
  auto t0 = Clock::now();
  for (const ike::InstallChildSa& sa : sas)
    if (!table.install(sa)) std::abort();
  const double install_us = since(t0) / static_cast<double>(n) * 1e6;

  std::vector<esp::PacketSelector> packets;
  for (size_t i = 0; i < 1024; ++i) packets.push_back(packet(shape, (i * 7919) % n));
  // Enough look-ups for ~0.2 s at the slowest, at least 1,000.
  size_t lookups = 0, found = 0;
  t0 = Clock::now();
  do {
    for (size_t k = 0; k < 1000; ++k, ++lookups)
      found += table.lookup_outbound(packets[lookups % 1024]) != nullptr;
  } while (since(t0) < 0.2);
  const double lookup_ns = since(t0) / static_cast<double>(lookups) * 1e9;
  if (found != lookups) std::abort();

  t0 = Clock::now();
  for (const ike::InstallChildSa& sa : sas) {
    ike::RemoveChildSa r;
    r.spi_in = sa.spi_in;
    r.spi_out = sa.spi_out;
    if (!table.remove(r)) std::abort();
  }
  const double remove_us = since(t0) / static_cast<double>(n) * 1e6;
  std::printf("%-8s %7zu %12.2f %12.1f %12.2f\n", shape.c_str(), n, install_us, lookup_ns, remove_us);
  std::fflush(stdout);
}

}  // namespace
}  // namespace tern::bench

int main(int argc, char** argv) {
  const size_t max_n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 30000;
  std::printf("%-8s %7s %12s %12s %12s\n", "shape", "N", "install us", "lookup ns", "remove us");
  for (const char* shape : {"same", "hosts", "subnets"})
    for (size_t n : {size_t{1}, size_t{10}, size_t{100}, size_t{1000}, size_t{10000}, size_t{30000}})
      if (n <= max_n) tern::bench::run(shape, n);
}

// sa_memory_bench [N]: heap octets per established IKE_SA + CHILD_SA in a
// tern responder, broken down by owner (issue 9, docs/benchmarks.md "Memory
// per SA").
//
// One responder Endpoint ("b", PSK, aes128gcm16-prfsha256-x25519, one
// CHILD_SA aes128gcm16) answers N initiators, each in its own short-lived
// Endpoint as tern-load makes them (IKE_SA_INIT + IKE_AUTH over an in-memory
// wire, no sockets). The responder's InstallChildSa effects go into an
// esp::SaTable, as ternd's data plane does. Then the responder's state is taken
// apart one owner at a time (the task managers of every SA, the SK ciphers,
// the keys, ...) and the heap shrinkage of each step, divided by N, is that
// owner's share. The heap in use is glibc's own count (mallinfo2: every
// malloc'd chunk with its header, mmapped blocks included), so the figures are
// what the allocations cost, not what was asked for.
//
// Not a test: it prints figures and asserts nothing but that the setups
// completed. Built with -DTERN_BENCH=ON:
//   ninja -C build bench/tern_bench_sa_memory && build/bench/tern_bench_sa_memory 10000
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "crypto/esp_cipher.h"
#include "crypto/random.h"
#include "esp/sa_table.h"
#include "ike/endpoint.h"
#include "ike/endpoint_peer.h"
#include "ike/ike_sa.h"

namespace tern::bench {
namespace {

using ike::Address;
using ike::ConnectionConfig;
using ike::Endpoint;
using ike::EndpointConfig;
using ike::IkeSa;

const Address kAddrA = Address::ipv4({192, 0, 2, 1}, 500);
const Address kAddrB = Address::ipv4({192, 0, 2, 2}, 500);

long heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<long>(m.uordblks + m.hblkhd);
}

long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

ConnectionConfig connection(bool initiator) {
  ConnectionConfig c;
  c.name = initiator ? "a-b" : "b-a";
  c.local = initiator ? kAddrA : kAddrB;
  c.remote = initiator ? kAddrB : kAddrA;
  c.proposals = {crypto::IkeSuite{wire::EncrId::AES_GCM_16, 128, wire::PrfId::HMAC_SHA2_256,
                                  wire::IntegId::NONE, wire::KeGroup::CURVE25519}};
  const ike::Identity a = ike::Identity::fqdn("load.example.org");
  const ike::Identity b = ike::Identity::fqdn("resp.example.org");
  c.local_id = initiator ? a : b;
  c.remote_id = initiator ? b : a;
  c.initial_contact = false;  // the initiators share one identity: none may replace the others
  c.psk = SecretBytes(as_bytes("tern benchmark shared secret"));
  const auto host = [](uint8_t a1, uint8_t a2, uint8_t a3, uint8_t a4) {
    return wire::TrafficSelector::ipv4_range({a1, a2, a3, a4}, {a1, a2, a3, a4});
  };
  c.children[0].name = "net";
  c.children[0].esp_proposals = {
      ike::EspSuite{wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, wire::EsnId::NO_ESN}};
  c.children[0].local_ts = {initiator ? host(192, 0, 2, 1) : host(203, 0, 113, 1)};
  c.children[0].remote_ts = {initiator ? host(203, 0, 113, 1) : host(192, 0, 2, 1)};
  return c;
}

enum class Outcome { installed, spi_in_use, failed };

// One IKE_SA_INIT + IKE_AUTH from a fresh initiator Endpoint to `b`; the
// responder's CHILD_SA goes into `table`. spi_in_use: the engine picked an
// inbound ESP SPI that another CHILD_SA of the table has (it draws SPIs at
// random without looking: ~n^2/2^33 collisions for n CHILD_SAs).
Outcome set_up_one(Endpoint& b, const EndpointConfig& a_config, uint64_t seed, esp::SaTable& table,
                   Timestamp now) {
  crypto::SeededRandom random(seed);
  Endpoint a(a_config, random);
  if (!a.command(ike::Up{"a-b"}, now)) return Outcome::failed;
  Outcome outcome = Outcome::failed;
  for (int round = 0; round < 8; ++round) {
    bool sent = false;
    for (ike::Effect& e : a.take_effects()) {
      if (auto* send = std::get_if<ike::Send>(&e)) {
        b.on_datagram(send->remote, send->local, send->bytes, now);
        sent = true;
      }
    }
    for (ike::Effect& e : b.take_effects()) {
      if (auto* send = std::get_if<ike::Send>(&e)) {
        a.on_datagram(send->remote, send->local, send->bytes, now);
        sent = true;
      } else if (auto* install = std::get_if<ike::InstallChildSa>(&e)) {
        Result<void> done = table.install(*install);
        outcome = done                                 ? Outcome::installed
                  : done.error().code == Errc::bad_spi ? Outcome::spi_in_use
                                                       : Outcome::failed;
        if (!done) std::fprintf(stderr, "data plane: %s\n", done.error().detail.c_str());
      } else if (auto* event = std::get_if<ike::Event>(&e)) {
        if (event->kind == ike::EventKind::ike_sa_destroyed || event->kind == ike::EventKind::message_dropped)
          std::fprintf(stderr, "responder: %s\n", event->text.c_str());
      }
    }
    if (!sent) break;
  }
  return outcome;
}

struct Row {
  std::string owner;
  long octets;
};

}  // namespace
}  // namespace tern::bench

int main(int argc, char** argv) {
  using namespace tern;
  using namespace tern::bench;
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10000;
  const long warmup = 100;
  if (n <= warmup) {
    std::fprintf(stderr, "usage: %s [N > %ld]\n", argv[0], warmup);
    return 2;
  }

  EndpointConfig a_config;
  a_config.connections = {std::make_shared<const ConnectionConfig>(connection(true))};
  EndpointConfig b_config;
  b_config.connections = {std::make_shared<const ConnectionConfig>(connection(false))};
  b_config.cookie_threshold = 1u << 30;
  b_config.cookie_threshold_ip = 1u << 30;

  crypto::SeededRandom random_b(2);
  auto b = std::make_unique<Endpoint>(b_config, random_b);
  auto table = std::make_unique<esp::SaTable>(random_b);
  const Timestamp now = timestamp_from_us(1'000'000);

  long heap0 = 0, rss0 = 0, esp0 = 0, spi_collisions = 0;
  for (long i = 0; i < n; ++i) {
    if (i == warmup) {
      malloc_trim(0);
      heap0 = heap_in_use();
      rss0 = rss_kb();
    }
    const Outcome outcome = set_up_one(*b, a_config, 1000 + static_cast<uint64_t>(i), *table, now);
    if (outcome == Outcome::spi_in_use) ++spi_collisions;
    if (outcome == Outcome::failed) {
      std::fprintf(stderr, "setup %ld did not complete\n", i);
      return 1;
    }
  }
  const long measured = n - warmup;
  const long heap1 = heap_in_use();
  const long rss1 = rss_kb();
  malloc_trim(0);
  const long rss1_trimmed = rss_kb();

  // Take the state apart, one owner at a time, across every SA.
  std::vector<Row> rows;
  const auto weigh = [&](std::string owner, const std::function<void(IkeSa&)>& drop) {
    const long before = heap_in_use();
    ike::EndpointPeer::for_each_sa(*b, drop);
    rows.push_back({std::move(owner), before - heap_in_use()});
  };
  {
    long with_rare = 0, with_setup = 0;
    ike::EndpointPeer::for_each_sa(*b, [&](IkeSa& sa) {
      with_rare += sa.holds_rare_state() ? 1 : 0;
      with_setup += sa.holds_setup_state() ? 1 : 0;
    });
    std::printf("IKE SAs holding a rare block: %ld, a setup block: %ld\n", with_rare, with_setup);
  }
  {
    long total = 0;
    std::printf("\nthe Endpoint's per-SA tables (entries, octets per SA):\n");
    for (const ike::EndpointPeer::TableOctets& t : ike::EndpointPeer::table_octets(*b)) {
      std::printf("  %-50s %8zu %6.1f\n", t.name, t.entries,
                  static_cast<double>(t.octets) / static_cast<double>(n));
      total += static_cast<long>(t.octets);
    }
    std::printf("  %-50s %8s %6.1f\n\n", "total", "", static_cast<double>(total) / static_cast<double>(n));
  }
  weigh("TaskManager (tasks, response cache, windows)", [](IkeSa& sa) { sa.tasks = ike::TaskManager{}; });
  weigh("SK ciphers (SK_e/SK_a, both directions)", [](IkeSa& sa) {
    sa.sk_in.reset();
    sa.sk_out.reset();
  });
  weigh("PRF (keyed with SK_d's suite)", [](IkeSa& sa) { sa.prf.reset(); });
  weigh("SK_d", [](IkeSa& sa) { sa.sk_d = SecretBytes{}; });
  weigh("setup block (Ni, Nr, IKE_SA_INIT messages, SK_p, KE, CERTREQ)",
        [](IkeSa& sa) { sa.release_setup(); });
  weigh("peer ID", [](IkeSa& sa) { sa.peer_id.reset(); });
  weigh("CHILD_SA state in the engine (ChildSa, selectors)",
        [](IkeSa& sa) { sa.children = std::vector<ike::ChildSa>{}; });
  {
    const long before = heap_in_use();
    b.reset();
    rows.push_back({"IkeSa object, SA tables of the Endpoint (+ fixed)", before - heap_in_use()});
  }
  {
    const long before = heap_in_use();
    const long entries = static_cast<long>(table->size());
    table.reset();
    esp0 = (before - heap_in_use()) * n / entries;  // per installed CHILD_SA, scaled to n
  }
  // The cipher contexts' share of the data plane: EspCipher for one direction.
  long cipher = 0;
  {
    crypto::SeededRandom r(3);
    const SecretBytes key = r.secret(20);
    std::vector<std::unique_ptr<crypto::EspCipher>> ciphers;
    ciphers.reserve(1000);
    const long before = heap_in_use();
    for (int i = 0; i < 1000; ++i) {
      ciphers.push_back(
          *crypto::EspCipher::create(wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, key.view(), {}, r));
    }
    cipher = (heap_in_use() - before) / 1000;
  }

  std::printf("sa_memory_bench: %ld IKE_SA + CHILD_SA (PSK, aes128gcm16-prfsha256-x25519, ESP aes128gcm16)\n",
              measured);
  std::printf(
      "heap in use per SA (after the first %ld): %ld octets; VmRSS per SA: %ld octets "
      "(%ld after malloc_trim)\n",
      warmup, (heap1 - heap0) / measured, (rss1 - rss0) * 1024 / measured,
      (rss1_trimmed - rss0) * 1024 / measured);
  if (spi_collisions > 0)
    std::printf("(%ld CHILD_SAs not installed in the data plane: inbound SPI already in use)\n",
                spi_collisions);
  std::printf("\n%-54s %10s\n", "owner", "octets/SA");
  long sum = 0;
  for (const Row& row : rows) {
    std::printf("%-54s %10ld\n", row.owner.c_str(), row.octets / n);
    sum += row.octets;
  }
  std::printf("%-54s %10ld\n", "engine total", sum / n);
  std::printf("%-54s %10ld\n", "data plane: esp::SaTable entry (both directions)", esp0 / n);
  std::printf("%-54s %10ld\n", "  of which: one EspCipher (aes128gcm16), x2", cipher * 2);
  std::printf("%-54s %10ld\n", "engine + data plane", (sum + esp0) / n);
  std::printf("\nsizeof: IkeSa %zu (of which TaskManager %zu), ike::ChildSa %zu, esp::ChildSa %zu\n",
              sizeof(IkeSa), sizeof(ike::TaskManager), sizeof(ike::ChildSa), sizeof(esp::ChildSa));
  return 0;
}

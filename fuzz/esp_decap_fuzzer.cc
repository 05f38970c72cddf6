// Fuzz target: ESP decap (esp::InboundSa::decap) with fixed test keys for
// five suites (fuzz/esp_decap_setup.h): length checks, replay window, ICV,
// padding, Next Header, the inner IP header reader and the selector check.
// Input layout:
//   octet 0: suite (index into kSuites, modulo)
//   octet 1: flags — bit 0 clear: "sealed" input: octets 2..5 are the
//            Sequence Number, the rest is the plaintext (payload, Padding, Pad
//            Length, Next Header, zero-filled up to the block size); it is
//            sealed with the fixed key, as the peer would, so the fuzzer
//            reaches the checks after the ICV. Bit 0 set: the rest is an ESP
//            packet as received (the length / SPI / replay / ICV path).
//            bit 1: transport mode (else tunnel); bit 2: replay window 64
//            (else 1024).
// Invariants checked (abort on violation): a decap either fails or returns a
// payload inside the packet; every call is counted exactly once (packets or a
// drop counter); a packet that decapped once is refused the second time
// (replay).
//
// Seeds: fuzz/corpus/esp_decap/ (build/fuzz/fuzz/fuzz_make_seeds esp_decap).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "crypto/esp_cipher.h"
#include "crypto/random.h"
#include "esp/esp_packet.h"
#include "esp/esp_sa.h"
#include "esp_decap_setup.h"

using namespace tern;

namespace {

uint64_t calls(const esp::InboundSa& sa) {
  return sa.counters().packets + sa.counters().dropped();
}

void decap_and_check(esp::InboundSa& sa, MutableByteView packet) {
  const uint64_t before = calls(sa);
  auto d = sa.decap(packet);
  if (calls(sa) != before + 1) std::abort();
  if (d && (d->payload.data() < packet.data() ||
            d->payload.data() + d->payload.size() > packet.data() + packet.size()))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const fuzz_esp::SuiteSpec& suite = fuzz_esp::kSuites[data[0] % fuzz_esp::kSuiteCount];
  const uint8_t flags = data[1];
  const auto mode = (flags & 2) != 0 ? ike::ChildMode::transport : ike::ChildMode::tunnel;
  crypto::SeededRandom random(1);
  auto params = esp::inbound_params(fuzz_esp::child_sa(suite, mode));
  if (!params) std::abort();
  params->replay_window = (flags & 4) != 0 ? 64 : 1024;
  auto sa = esp::InboundSa::create(std::move(*params), random);
  if (!sa) std::abort();

  Bytes packet;
  if ((flags & 1) == 0) {
    if (size < 6) return 0;
    auto cipher = crypto::EspCipher::create(suite.encr, suite.key_bits, suite.integ,
                                            fuzz_esp::encr_key(suite), fuzz_esp::integ_key(suite), random);
    if (!cipher) std::abort();
    const crypto::EspCipher& c = **cipher;
    Bytes plain(data + 6, data + size);
    if (plain.size() < esp::kEspTrailerSize) plain.resize(esp::kEspTrailerSize);
    while (plain.size() % c.block_size() != 0) plain.push_back(0);
    packet.resize(esp::kEspHeaderSize + c.iv_size());
    esp::store_be32(packet.data(), fuzz_esp::kSpi);
    std::copy(data + 2, data + 6, packet.begin() + 4);
    append(packet, plain);
    packet.resize(packet.size() + c.icv_size());
    std::optional<uint32_t> esn_high;
    if (suite.esn == wire::EsnId::ESN) esn_high = 0;  // a fresh window infers high bits 0
    (*cipher)->seal(packet, esn_high);
  } else {
    packet.assign(data + 2, data + size);
  }

  Bytes again = packet;
  decap_and_check(*sa, packet);
  const bool accepted = sa->counters().packets == 1 || sa->counters().selector_mismatches == 1;
  const uint64_t replays = sa->counters().replay_drops;
  decap_and_check(*sa, again);
  if (accepted && sa->counters().replay_drops != replays + 1) std::abort();
  return 0;
}

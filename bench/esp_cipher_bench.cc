// tern_bench_esp: how fast crypto/EspCipher protects ESP packets, one core.
//
//   Seal/<algorithm>/<payload>  seal() in place; the Sequence Number advances per packet
//   Open/<algorithm>/<payload>  open() in place of a sealed packet copied into the buffer
//                               first (the copy, ~payload octets of memcpy, is timed too)
//   Hmac/<impl>/<octets>        HMAC-SHA2-256 per packet: the two EspHmac implementations
//                               and EVP_MAC_CTX_dup of a keyed template (esp_hmac.h)
//   CbcIv/<source>              one 16-octet CBC IV: CbcIvSource vs RAND_bytes (esp_iv.h)
//   SkCipher/<algorithm>/<octets>  one IKE message (RFC 7296 §3.14) sealed and opened
//                               again with crypto/SkCipher (sk_cipher.h): the per-message
//                               cost of keying a context for each call
//
// bytes_per_second counts the payload (the inner packet), not the ESP
// overhead. The allocs/pkt counter is the number of heap allocations per
// iteration, counted through CRYPTO_set_mem_functions (OpenSSL) and a
// replaced global operator new (C++), inside the timed loop only.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "alloc_counter.h"
#include "crypto/esp_cipher.h"
#include "crypto/esp_hmac.h"
#include "crypto/esp_iv.h"
#include "crypto/random.h"
#include "crypto/sk_cipher.h"
#include "crypto/suite.h"

namespace {

// Allocations made while `state` ran, per iteration.
class AllocationCounter {
 public:
  AllocationCounter() : start_(tern::bench::allocation_count()) {}
  void report(benchmark::State& state) const {
    const long n = tern::bench::allocation_count() - start_;
    state.counters["allocs/pkt"] = benchmark::Counter(
        static_cast<double>(n) / static_cast<double>(std::max<int64_t>(state.iterations(), 1)));
  }

 private:
  long start_;
};

}  // namespace

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;

struct Algorithm {
  const char* name;
  EncrId encr;
  uint16_t bits;
  IntegId integ;
};

const Algorithm kAlgorithms[] = {
    {"AES-128-GCM", EncrId::AES_GCM_16, 128, IntegId::NONE},
    {"AES-256-GCM", EncrId::AES_GCM_16, 256, IntegId::NONE},
    {"ChaCha20-Poly1305", EncrId::CHACHA20_POLY1305, 256, IntegId::NONE},
    {"AES-128-CBC+HMAC-SHA1-96", EncrId::AES_CBC, 128, IntegId::HMAC_SHA1_96},
    {"AES-128-CBC+HMAC-SHA2-256-128", EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128},
    {"AES-256-CBC+HMAC-SHA2-384-192", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_384_192},
    {"AES-256-CBC+HMAC-SHA2-512-256", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_512_256},
};

const size_t kPayloads[] = {64, 512, 1400};

std::unique_ptr<EspCipher> make(const Algorithm& a, Random& random) {
  const Bytes encr_key = random.bytes(encr_key_size(a.encr, a.bits).value_or(0));
  const Bytes integ_key = random.bytes(integ_key_size(a.integ).value_or(0));
  auto cipher = EspCipher::create(a.encr, a.bits, a.integ, encr_key, integ_key, random);
  return cipher ? std::move(*cipher) : nullptr;
}

// SPI || Seq || IV space || payload, padding, Pad Length, Next Header || ICV space.
Bytes framed_packet(const EspCipher& cipher, size_t payload) {
  const size_t block = cipher.block_size();
  const size_t text = (payload + 2 + block - 1) / block * block;
  Bytes packet(kEspHeaderSize + cipher.iv_size() + text + cipher.icv_size(), 0x45);
  const size_t pad = text - payload - 2;
  uint8_t* trailer = packet.data() + kEspHeaderSize + cipher.iv_size() + payload;
  for (size_t i = 0; i < pad; ++i) trailer[i] = static_cast<uint8_t>(i + 1);
  trailer[pad] = static_cast<uint8_t>(pad);
  trailer[pad + 1] = 4;
  return packet;
}

void put_seq(Bytes& packet, uint32_t seq) {
  for (int i = 0; i < 4; ++i) packet[4 + static_cast<size_t>(i)] = static_cast<uint8_t>(seq >> (24 - 8 * i));
}

void seal_bench(benchmark::State& state, const Algorithm& a, size_t payload) {
  OpenSslRandom random;
  auto cipher = make(a, random);
  if (!cipher) return state.SkipWithError("EspCipher::create failed");
  Bytes packet = framed_packet(*cipher, payload);
  uint32_t seq = 0;
  AllocationCounter allocations;
  for (auto _ : state) {
    put_seq(packet, ++seq);
    cipher->seal(packet, std::nullopt);
    benchmark::DoNotOptimize(packet.data());
    benchmark::ClobberMemory();
  }
  allocations.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload));
}

void open_bench(benchmark::State& state, const Algorithm& a, size_t payload) {
  OpenSslRandom random;
  auto cipher = make(a, random);
  if (!cipher) return state.SkipWithError("EspCipher::create failed");
  Bytes sealed = framed_packet(*cipher, payload);
  put_seq(sealed, 1);
  cipher->seal(sealed, std::nullopt);
  Bytes packet(sealed.size());
  AllocationCounter allocations;
  for (auto _ : state) {
    std::memcpy(packet.data(), sealed.data(), sealed.size());
    if (!cipher->open(packet, std::nullopt)) return state.SkipWithError("open failed");
    benchmark::DoNotOptimize(packet.data());
    benchmark::ClobberMemory();
  }
  allocations.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload));
}

void hmac_bench(benchmark::State& state, HmacImpl impl, size_t octets) {
  OpenSslRandom random;
  const Bytes key = random.bytes(32);
  auto mac = EspHmac::create(IntegId::HMAC_SHA2_256_128, key, impl);
  if (!mac) return state.SkipWithError("EspHmac::create failed");
  const Bytes data(octets, 0x5a);
  uint8_t icv[32];
  AllocationCounter allocations;
  for (auto _ : state) {
    (*mac)->compute(data, {}, icv);
    benchmark::DoNotOptimize(icv);
  }
  allocations.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(octets));
}

// What SkCipher does per message: duplicate a keyed EVP_MAC_CTX.
void hmac_dup_bench(benchmark::State& state, size_t octets) {
  OpenSslRandom random;
  const Bytes key = random.bytes(32);
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* keyed = EVP_MAC_CTX_new(hmac);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(keyed, key.data(), key.size(), params) != 1)
    return state.SkipWithError("EVP_MAC_init failed");
  const Bytes data(octets, 0x5a);
  uint8_t out[EVP_MAX_MD_SIZE];
  AllocationCounter allocations;
  for (auto _ : state) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed);
    size_t len = 0;
    EVP_MAC_update(ctx, data.data(), data.size());
    EVP_MAC_final(ctx, out, &len, sizeof out);
    EVP_MAC_CTX_free(ctx);
    benchmark::DoNotOptimize(out);
  }
  allocations.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(octets));
  EVP_MAC_CTX_free(keyed);
  EVP_MAC_free(hmac);
}

void iv_source_bench(benchmark::State& state) {
  OpenSslRandom random;
  auto ivs = CbcIvSource::create(random);
  if (!ivs) return state.SkipWithError("CbcIvSource::create failed");
  uint8_t iv[16];
  AllocationCounter allocations;
  for (auto _ : state) {
    (*ivs)->next(iv);
    benchmark::DoNotOptimize(iv);
  }
  allocations.report(state);
}

void rand_bytes_bench(benchmark::State& state) {
  OpenSslRandom random;
  uint8_t iv[16];
  AllocationCounter allocations;
  for (auto _ : state) {
    random.fill(iv);
    benchmark::DoNotOptimize(iv);
  }
  allocations.report(state);
}

// One IKE message through SkCipher: seal, then open what was sealed.
void sk_cipher_bench(benchmark::State& state, Algorithm a, size_t octets) {
  OpenSslRandom random;
  const size_t encr_size = *encr_key_size(a.encr, a.bits);
  const size_t integ_size = *integ_key_size(a.integ);
  const Bytes encr_key = random.bytes(encr_size);
  const Bytes integ_key = random.bytes(integ_size);
  auto cipher = SkCipher::create(a.encr, a.bits, a.integ, encr_key, integ_key);
  if (!cipher) return state.SkipWithError(cipher.error().detail.c_str());
  const Bytes associated(32, 0x11);  // IKE header + SK payload header
  const Bytes iv((*cipher)->iv_size(), 0x22);
  const Bytes plaintext(octets, 0x5a);  // a multiple of 16: no padding needed
  AllocationCounter allocations;
  for (auto _ : state) {
    Bytes sealed = (*cipher)->seal(associated, iv, plaintext);
    Result<Bytes> opened = (*cipher)->open(associated, iv, sealed);
    if (!opened) return state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened->data());
  }
  allocations.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(octets));
}

void register_all() {
  for (const Algorithm& a : kAlgorithms) {
    for (size_t payload : kPayloads) {
      benchmark::RegisterBenchmark(("Seal/" + std::string(a.name) + "/" + std::to_string(payload)).c_str(),
                                   seal_bench, a, payload);
      benchmark::RegisterBenchmark(("Open/" + std::string(a.name) + "/" + std::to_string(payload)).c_str(),
                                   open_bench, a, payload);
    }
  }
  for (size_t octets : {size_t{64}, size_t{1400}}) {
    benchmark::RegisterBenchmark(("Hmac/digest_states/" + std::to_string(octets)).c_str(), hmac_bench,
                                 HmacImpl::digest_states, octets);
    benchmark::RegisterBenchmark(("Hmac/evp_mac/" + std::to_string(octets)).c_str(), hmac_bench,
                                 HmacImpl::evp_mac, octets);
    benchmark::RegisterBenchmark(("Hmac/evp_mac_ctx_dup/" + std::to_string(octets)).c_str(), hmac_dup_bench,
                                 octets);
  }
  for (const Algorithm& a : kAlgorithms) {
    for (size_t octets : {size_t{64}, size_t{256}}) {
      benchmark::RegisterBenchmark(("SkCipher/" + std::string(a.name) + "/" + std::to_string(octets)).c_str(),
                                   sk_cipher_bench, a, octets);
    }
  }
  benchmark::RegisterBenchmark("CbcIv/CbcIvSource", iv_source_bench);
  benchmark::RegisterBenchmark("CbcIv/RAND_bytes", rand_bytes_bench);
}

}  // namespace
}  // namespace tern::crypto

int main(int argc, char** argv) {
  // Before anything in OpenSSL allocates; if it fails, allocs/pkt counts C++ allocations only.
  if (!tern::bench::count_openssl_allocations())
    (void)std::fputs("tern_bench_esp: cannot count OpenSSL allocations\n", stderr);
  tern::crypto::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

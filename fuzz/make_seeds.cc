// Maintainer tool: writes seed inputs for the fuzz targets from the strongSwan
// reference exchanges (tests/data/strongswan/). Run from the repository root:
//   build/fuzz/fuzz_make_seeds [TARGET...]     (no TARGET: all of them)
// ike_message: every captured message as raw bytes.
// sk_decrypt:  the decrypted inner chain of each IKE_AUTH message, in the
//              target's "plaintext" input layout (see sk_decrypt_fuzzer.cc).
// esp_decap:   ESP packets made by esp::OutboundSa::encap with the target's
//              fixed keys, and framed plaintexts (see esp_decap_fuzzer.cc).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "crypto/random.h"
#include "crypto/sk_cipher.h"
#include "esp/esp_sa.h"
#include "esp_decap_setup.h"
#include "ike/sk_seal.h"
#include "wire/message.h"

using namespace tern;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, ByteView bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

struct Suite {
  const char* dir;
  uint8_t cipher_index;  // kCiphers in sk_decrypt_fuzzer.cc
  wire::EncrId encr;
  uint16_t key_bits;
  wire::IntegId integ;
};

// payload || Padding 1,2,3,... || Pad Length || Next Header, aligned to `block`.
Bytes framed(ByteView payload, uint8_t next_header, size_t block) {
  Bytes f(payload.begin(), payload.end());
  const size_t pad = (block - (payload.size() + 2) % block) % block;
  for (size_t i = 1; i <= pad; ++i) f.push_back(static_cast<uint8_t>(i));
  f.push_back(static_cast<uint8_t>(pad));
  f.push_back(next_header);
  return f;
}

int write_esp_decap_seeds() {
  namespace fe = fuzz_esp;
  fs::create_directories("fuzz/corpus/esp_decap");
  // UDP 10.1.0.1:40000 -> 10.2.0.1:7 "tern", and the same over IPv6 (tests/esp/esp_test_support.h).
  const Bytes v4 = *from_hex("4500002012344000401114950a0100010a0200019c400007000c00007465726e");
  const Bytes v6 = *from_hex(
      "60000000000c1140"  // version 6, Payload Length 12, Next Header UDP, Hop Limit 64
      "20010db8000100000000000000000001"
      "20010db8000200000000000000000001"
      "9c400007000c00007465726e");
  const Bytes udp = *from_hex("9c400007000c00007465726e");
  int written = 0;
  auto seed = [&](const std::string& name, Bytes prefix, ByteView rest) {
    append(prefix, rest);
    write(fs::path("fuzz/corpus/esp_decap") / name, prefix);
    ++written;
  };
  for (size_t i = 0; i < fe::kSuiteCount; ++i) {
    const fe::SuiteSpec& s = fe::kSuites[i];
    const uint8_t index = static_cast<uint8_t>(i);
    const std::string stem = "suite" + std::to_string(i);
    const size_t block = s.encr == wire::EncrId::AES_CBC ? 16 : 4;
    crypto::SeededRandom random(i);
    // As received: packets made by encap.
    auto tunnel =
        esp::OutboundSa::create(*esp::outbound_params(fe::child_sa(s, ike::ChildMode::tunnel)), random);
    auto transport =
        esp::OutboundSa::create(*esp::outbound_params(fe::child_sa(s, ike::ChildMode::transport)), random);
    if (!tunnel || !transport) return -1;
    Bytes out(256);
    auto n = tunnel->encap(v4, out);
    seed(stem + "-packet-ipv4", {index, 1}, ByteView(out).first(*n));
    n = tunnel->encap(v6, out);
    seed(stem + "-packet-ipv6", {index, 1}, ByteView(out).first(*n));
    n = transport->encap(esp::TransportPayload{udp, 17}, out);
    seed(stem + "-packet-transport-udp", {index, 3}, ByteView(out).first(*n));
    // Plaintexts for the target to seal (Sequence Number 1).
    seed(stem + "-plain-ipv4", {index, 0, 0, 0, 0, 1}, framed(v4, 4, block));
    seed(stem + "-plain-ipv6", {index, 0, 0, 0, 0, 1}, framed(v6, 41, block));
    seed(stem + "-plain-dummy", {index, 0, 0, 0, 0, 1}, framed({}, 59, block));
    seed(stem + "-plain-transport-udp", {index, 2, 0, 0, 0, 1}, framed(udp, 17, block));
  }
  return written;
}

}  // namespace

int main(int argc, char** argv) {
  // With target names as arguments, only their seeds are written.
  auto wanted = [&](std::string_view name) {
    if (argc < 2) return true;
    for (int i = 1; i < argc; ++i)
      if (name == argv[i]) return true;
    return false;
  };
  const Suite suites[] = {
      {"aes128gcm16-prfsha256-x25519", 0, wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE},
      {"aes256gcm16-prfsha384-ecp384", 1, wire::EncrId::AES_GCM_16, 256, wire::IntegId::NONE},
      {"chacha20poly1305-prfsha256-x448", 2, wire::EncrId::CHACHA20_POLY1305, 256, wire::IntegId::NONE},
      {"aes256-sha256-modp2048", 3, wire::EncrId::AES_CBC, 256, wire::IntegId::HMAC_SHA2_256_128},
      {"aes256-sha384-modp3072", 4, wire::EncrId::AES_CBC, 256, wire::IntegId::HMAC_SHA2_384_192},
      {"aes128-sha512-ecp521", 5, wire::EncrId::AES_CBC, 128, wire::IntegId::HMAC_SHA2_512_256},
  };
  fs::create_directories("fuzz/corpus/ike_message");
  fs::create_directories("fuzz/corpus/sk_decrypt");
  int written = 0;
  if (wanted("esp_decap")) {
    const int esp = write_esp_decap_seeds();
    if (esp < 0) {
      std::fprintf(stderr, "esp_decap: could not create the SAs\n");
      return 1;
    }
    written += esp;
  }
  for (const Suite& s : suites) {
    if (!wanted("ike_message") && !wanted("sk_decrypt")) break;
    fs::path dir = fs::path("tests/data/strongswan") / s.dir;
    std::map<std::string, std::string> keys;
    std::istringstream lines(slurp(dir / "keys.txt"));
    for (std::string line; std::getline(lines, line);) {
      auto eq = line.find(" = ");
      if (eq != std::string::npos) keys[line.substr(0, eq)] = line.substr(eq + 3);
    }
    for (const auto& entry : fs::directory_iterator(dir / "messages")) {
      std::string hex;
      for (char c : slurp(entry.path()))
        if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(c);
      Bytes datagram = *from_hex(hex);
      std::string stem = std::string(s.dir) + "-" + entry.path().stem().string();
      if (wanted("ike_message")) {
        write(fs::path("fuzz/corpus/ike_message") / stem, datagram);
        ++written;
      }
      if (!wanted("sk_decrypt")) continue;

      auto message = wire::parse_message(datagram);
      if (!message || message->payloads.empty() || message->payloads.back().type != wire::PayloadType::SK)
        continue;
      bool response = message->header.is_response();
      bool from_initiator = message->header.is_initiator();
      (void)response;
      std::string e = from_initiator ? "SK_ei" : "SK_er", a = from_initiator ? "SK_ai" : "SK_ar";
      Bytes integ = s.integ == wire::IntegId::NONE ? Bytes{} : *from_hex(keys[a]);
      auto cipher = crypto::SkCipher::create(s.encr, s.key_bits, s.integ, *from_hex(keys[e]), integ);
      if (!cipher) continue;
      auto inner = ike::open_message(datagram, *message, **cipher);
      if (!inner) {
        std::fprintf(stderr, "%s: %s\n", stem.c_str(), inner.error().to_string().c_str());
        continue;
      }
      wire::InnerChain chain = wire::encode_inner_chain(*inner);
      Bytes seed{s.cipher_index, 0, static_cast<uint8_t>(chain.first)};
      append(seed, chain.bytes);
      seed.push_back(0);  // Pad Length 0
      write(fs::path("fuzz/corpus/sk_decrypt") / stem, seed);
      ++written;
    }
  }
  std::printf("wrote %d seeds\n", written);
  return 0;
}

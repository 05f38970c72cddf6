// Maintainer tool: writes seed inputs for the fuzz targets from the strongSwan
// reference exchanges (tests/data/strongswan/). Run from the repository root:
//   build/fuzz/fuzz_make_seeds
// ike_message: every captured message as raw bytes.
// sk_decrypt:  the decrypted inner chain of each IKE_AUTH message, in the
//              target's "plaintext" input layout (see sk_decrypt_fuzzer.cc).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "crypto/sk_cipher.h"
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

}  // namespace

int main() {
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
  for (const Suite& s : suites) {
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
      write(fs::path("fuzz/corpus/ike_message") / stem, datagram);
      ++written;

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

// Fuzz target: the SK decrypt-then-parse path (ike::open_message) with fixed
// test keys. Input layout:
//   octet 0: cipher (index into kCiphers, modulo)
//   octet 1: mode — even: the rest is an SK PLAINTEXT (inner chain, padding
//            and Pad Length as the peer would have encrypted them); it is sealed
//            with the fixed key and then opened, so the fuzzer explores the
//            post-decryption parsers (Pad Length, inner payload chain) directly.
//            odd: the rest is a whole datagram, opened as received (the
//            tampering/integrity path).
//   octet 2: the SK payload's Next Payload (first inner payload type), even mode
//   rest:    plaintext or datagram
#include <cstddef>
#include <cstdint>
#include <memory>

#include "crypto/random.h"
#include "crypto/sk_cipher.h"
#include "crypto/suite.h"
#include "ike/sk_seal.h"
#include "wire/message.h"

using namespace tern;
using wire::EncrId;
using wire::IntegId;

namespace {

struct CipherSpec {
  EncrId encr;
  uint16_t key_bits;
  IntegId integ;
};
constexpr CipherSpec kCiphers[] = {
    {EncrId::AES_GCM_16, 128, IntegId::NONE},           {EncrId::AES_GCM_16, 256, IntegId::NONE},
    {EncrId::CHACHA20_POLY1305, 256, IntegId::NONE},    {EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128},
    {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_384_192}, {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_512_256},
};
constexpr size_t kCipherCount = sizeof kCiphers / sizeof kCiphers[0];

const crypto::SkCipher& cipher(size_t index) {
  static std::unique_ptr<crypto::SkCipher> ciphers[kCipherCount];
  if (!ciphers[index]) {
    const CipherSpec& spec = kCiphers[index];
    Bytes encr_key(*crypto::encr_key_size(spec.encr, spec.key_bits), 0x42);
    Bytes integ_key(*crypto::integ_key_size(spec.integ), 0x24);
    ciphers[index] =
        std::move(*crypto::SkCipher::create(spec.encr, spec.key_bits, spec.integ, encr_key, integ_key));
  }
  return *ciphers[index];
}

wire::IkeHeader header() {
  wire::IkeHeader h;
  h.spi_i = 0x0102030405060708;
  h.spi_r = 0x1112131415161718;
  h.exchange = wire::ExchangeType::IKE_AUTH;
  h.flags = wire::kFlagInitiator;
  h.message_id = 1;
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const crypto::SkCipher& c = cipher(data[0] % kCipherCount);
  ByteView rest{data + 3, size - 3};

  if ((data[1] & 1) == 0) {
    // Seal the fuzzer's plaintext as-is (aligned up with zeros if the cipher needs it).
    Bytes plaintext(rest.begin(), rest.end());
    if (plaintext.empty()) plaintext.push_back(0);
    while (plaintext.size() % c.block_size() != 0) plaintext.push_back(0);
    wire::Message m{header(), {}};
    wire::SkPayload sk;
    sk.first_inner = static_cast<wire::PayloadType>(data[2]);
    m.payloads.push_back({wire::PayloadType::SK, false, sk});
    size_t encrypted_size = c.iv_size() + plaintext.size() + c.icv_size();
    if (wire::kIkeHeaderSize + wire::kPayloadHeaderSize + encrypted_size > 0xffff) return 0;
    Bytes datagram = wire::build_message_prefix(m, encrypted_size);
    Bytes iv(c.iv_size(), 0x77);
    Bytes sealed = c.seal(datagram, iv, plaintext);
    append(datagram, iv);
    append(datagram, sealed);
    auto message = wire::parse_message(datagram);
    if (!message) return 0;
    (void)ike::open_message(datagram, *message, c);
  } else {
    auto message = wire::parse_message(rest);
    if (!message || message->payloads.empty()) return 0;
    const auto type = message->payloads.back().type;
    if (type == wire::PayloadType::SK) (void)ike::open_message(rest, *message, c);
    if (type == wire::PayloadType::SKF) (void)ike::open_fragment(rest, *message, c);
  }
  return 0;
}

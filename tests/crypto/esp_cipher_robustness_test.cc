// EspCipher on every algorithm and key size tern supports: round trips with
// and without ESN, the ESN high half covered by the ICV, every single-bit flip
// and every truncation of a sealed packet rejected with a named error, and
// the reused OpenSSL contexts carrying nothing from one packet to the next.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/esp_cipher.h"
#include "crypto/random.h"
#include "crypto/suite.h"

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;

struct Algorithm {
  EncrId encr;
  uint16_t bits;
  IntegId integ;
  std::string name() const {
    return fmt::format("{}_{}/{}", wire::to_string(encr), bits, wire::to_string(integ));
  }
};

const std::vector<Algorithm>& all_algorithms() {
  static const std::vector<Algorithm> all = [] {
    std::vector<Algorithm> v = {
        {EncrId::AES_GCM_16, 128, IntegId::NONE},        {EncrId::AES_GCM_16, 192, IntegId::NONE},
        {EncrId::AES_GCM_16, 256, IntegId::NONE},        {EncrId::CHACHA20_POLY1305, 0, IntegId::NONE},
        {EncrId::CHACHA20_POLY1305, 256, IntegId::NONE},
    };
    for (uint16_t bits : {uint16_t{128}, uint16_t{192}, uint16_t{256}})
      for (IntegId integ : {IntegId::HMAC_SHA1_96, IntegId::HMAC_SHA2_256_128, IntegId::HMAC_SHA2_384_192,
                            IntegId::HMAC_SHA2_512_256})
        v.push_back({EncrId::AES_CBC, bits, integ});
    return v;
  }();
  return all;
}

std::unique_ptr<EspCipher> make(const Algorithm& a, Random& random, uint8_t key_seed = 0x5a) {
  Bytes encr_key(encr_key_size(a.encr, a.bits).value_or(0));
  Bytes integ_key(integ_key_size(a.integ).value_or(0));
  for (size_t i = 0; i < encr_key.size(); ++i) encr_key[i] = static_cast<uint8_t>(key_seed + i);
  for (size_t i = 0; i < integ_key.size(); ++i) integ_key[i] = static_cast<uint8_t>(key_seed ^ (3 * i));
  auto c = EspCipher::create(a.encr, a.bits, a.integ, encr_key, integ_key, random);
  EXPECT_TRUE(c.has_value()) << a.name() << ": " << c.error().to_string();
  return c ? std::move(*c) : nullptr;
}

// An inner packet of `payload` octets framed as RFC 4303 §2.4 says: Padding
// 1, 2, 3 ... up to the cipher's block, Pad Length, Next Header 4 (IPv4).
Bytes framed_plaintext(const EspCipher& cipher, size_t payload, uint8_t fill) {
  Bytes pt(payload);
  for (size_t i = 0; i < payload; ++i) pt[i] = static_cast<uint8_t>(fill + 7 * i);
  const size_t block = cipher.block_size();
  const size_t pad = (block - (payload + 2) % block) % block;
  for (size_t i = 1; i <= pad; ++i) pt.push_back(static_cast<uint8_t>(i));
  pt.push_back(static_cast<uint8_t>(pad));
  pt.push_back(4);
  return pt;
}

Bytes esp_packet(const EspCipher& cipher, uint32_t spi, uint32_t seq, ByteView plaintext) {
  Bytes packet;
  for (uint32_t v : {spi, seq})
    for (int s = 24; s >= 0; s -= 8) packet.push_back(static_cast<uint8_t>(v >> s));
  packet.resize(packet.size() + cipher.iv_size());
  append(packet, plaintext);
  packet.resize(packet.size() + cipher.icv_size());
  return packet;
}

ByteView plaintext_of(const EspCipher& cipher, ByteView packet) {
  return packet.subspan(kEspHeaderSize + cipher.iv_size(),
                        packet.size() - kEspHeaderSize - cipher.iv_size() - cipher.icv_size());
}

TEST(EspCipherRoundTrip, EveryAlgorithmWithAndWithoutEsn) {
  SeededRandom random(1);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto cipher = make(a, random);
    ASSERT_NE(cipher, nullptr);
    for (std::optional<uint32_t> esn : {std::optional<uint32_t>{}, std::optional<uint32_t>{7}}) {
      for (size_t payload : {size_t{0}, size_t{1}, size_t{20}, size_t{64}, size_t{1400}}) {
        SCOPED_TRACE(fmt::format("payload {} esn {}", payload, esn.has_value()));
        const Bytes pt = framed_plaintext(*cipher, payload, 0x30);
        Bytes packet = esp_packet(*cipher, 0xc0ffee01, 42, pt);
        cipher->seal(packet, esn);
        EXPECT_FALSE(equal(plaintext_of(*cipher, packet), pt)) << "sealed in place";
        EXPECT_EQ(to_hex(ByteView(packet).first(8)), "c0ffee010000002a");  // header untouched
        ASSERT_TRUE(cipher->open(packet, esn).has_value());
        EXPECT_EQ(to_hex(plaintext_of(*cipher, packet)), to_hex(pt));
      }
    }
  }
}

TEST(EspCipherRoundTrip, AnotherSaWithTheSameAlgorithmCannotOpen) {
  SeededRandom random(2);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto ours = make(a, random, 0x10);
    auto theirs = make(a, random, 0x11);
    ASSERT_TRUE(ours && theirs);
    Bytes packet = esp_packet(*ours, 1, 1, framed_plaintext(*ours, 40, 1));
    ours->seal(packet, std::nullopt);
    EXPECT_EQ(theirs->open(packet, std::nullopt).error().code, Errc::integrity_check_failed);
  }
}

// RFC 4303 §2.2.1 / §3.3.2.1: the high 32 bits are not sent but are
// authenticated; a receiver guessing the wrong high half must fail.
TEST(EspCipherEsn, HighHalfChangesTheIcv) {
  SeededRandom random(3);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto cipher = make(a, random);
    ASSERT_NE(cipher, nullptr);
    const Bytes pt = framed_plaintext(*cipher, 33, 9);
    Bytes sealed = esp_packet(*cipher, 0x1000, 0xfffffff0, pt);
    cipher->seal(sealed, 5);
    for (std::optional<uint32_t> wrong : {std::optional<uint32_t>{}, std::optional<uint32_t>{4},
                                          std::optional<uint32_t>{6}, std::optional<uint32_t>{0x80000005}}) {
      Bytes packet = sealed;
      auto r = cipher->open(packet, wrong);
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error().code, Errc::integrity_check_failed);
      EXPECT_FALSE(r.error().notify.has_value());  // dropped, never answered
    }
    // Same Seq, another high half: another ICV.
    Bytes other = esp_packet(*cipher, 0x1000, 0xfffffff0, pt);
    cipher->seal(other, 6);
    EXPECT_NE(to_hex(ByteView(other).last(cipher->icv_size())),
              to_hex(ByteView(sealed).last(cipher->icv_size())));
    Bytes packet = sealed;
    EXPECT_TRUE(cipher->open(packet, 5).has_value());
  }
}

TEST(EspCipherTamper, EverySingleBitFlipFailsOpen) {
  SeededRandom random(4);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto cipher = make(a, random);
    ASSERT_NE(cipher, nullptr);
    for (std::optional<uint32_t> esn : {std::optional<uint32_t>{}, std::optional<uint32_t>{1}}) {
      Bytes sealed = esp_packet(*cipher, 0xabcdef01, 99, framed_plaintext(*cipher, 45, 3));
      cipher->seal(sealed, esn);
      size_t failures = 0;
      for (size_t bit = 0; bit < 8 * sealed.size(); ++bit) {
        Bytes packet = sealed;
        packet[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        auto r = cipher->open(packet, esn);
        if (!r.has_value() && r.error().code == Errc::integrity_check_failed) ++failures;
      }
      EXPECT_EQ(failures, 8 * sealed.size());
      Bytes packet = sealed;  // and the untouched packet still opens after all that
      EXPECT_TRUE(cipher->open(packet, esn).has_value());
    }
  }
}

// Each prefix is copied into a buffer of exactly its length, so a read past
// the end is an ASan error, not a silent pass.
TEST(EspCipherTamper, EveryTruncationFailsCleanly) {
  SeededRandom random(5);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto cipher = make(a, random);
    ASSERT_NE(cipher, nullptr);
    Bytes sealed = esp_packet(*cipher, 7, 8, framed_plaintext(*cipher, 50, 11));
    cipher->seal(sealed, std::nullopt);
    const size_t overhead = kEspHeaderSize + cipher->iv_size() + cipher->icv_size();
    for (size_t n = 0; n < sealed.size(); ++n) {
      SCOPED_TRACE(fmt::format("{} of {} octets", n, sealed.size()));
      Bytes packet(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = cipher->open(packet, std::nullopt);
      ASSERT_FALSE(r.has_value());
      Errc want = Errc::integrity_check_failed;
      if (n < overhead)
        want = Errc::truncated;
      else if (a.encr == EncrId::AES_CBC && ((n - overhead) % 16 != 0 || n == overhead))
        want = Errc::bad_length;
      EXPECT_EQ(r.error().code, want) << r.error().to_string();
    }
  }
}

TEST(EspCipherTamper, FailedAeadOpenLeavesNoUnauthenticatedPlaintext) {
  SeededRandom random(6);
  auto cipher = make({EncrId::AES_GCM_16, 128, IntegId::NONE}, random);
  ASSERT_NE(cipher, nullptr);
  const Bytes pt = framed_plaintext(*cipher, 60, 0x41);
  Bytes packet = esp_packet(*cipher, 1, 1, pt);
  cipher->seal(packet, std::nullopt);
  packet.back() ^= 1;  // ICV
  ASSERT_FALSE(cipher->open(packet, std::nullopt).has_value());
  EXPECT_EQ(plaintext_of(*cipher, packet).size(), pt.size());
  EXPECT_TRUE(std::all_of(packet.begin() + 16, packet.end() - 16, [](uint8_t b) { return b == 0; }));
}

// The contexts are keyed once and only re-initialised with an IV: 1000
// packets of varying sizes sealed in a row open in a shuffled order, with a
// forged packet in between that must not disturb the ones after it.
TEST(EspCipherReuse, ThousandPacketsOpenInAnotherOrder) {
  SeededRandom random(7);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto sender = make(a, random);
    auto receiver = make(a, random);  // same keys, separate contexts
    ASSERT_TRUE(sender && receiver);
    std::vector<Bytes> plaintexts;
    std::vector<Bytes> packets;
    for (uint32_t seq = 1; seq <= 1000; ++seq) {
      plaintexts.push_back(framed_plaintext(*sender, (size_t{seq} * 37) % 1500, static_cast<uint8_t>(seq)));
      packets.push_back(esp_packet(*sender, 0x4242, seq, plaintexts.back()));
      sender->seal(packets.back(), seq % 2 ? std::nullopt : std::optional<uint32_t>(seq / 7));
    }
    std::vector<size_t> order(packets.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = (i * 389) % order.size();  // 389 is prime to 1000
    size_t opened = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      const size_t i = order[k];
      const uint32_t seq = static_cast<uint32_t>(i + 1);
      const std::optional<uint32_t> esn = seq % 2 ? std::nullopt : std::optional<uint32_t>(seq / 7);
      if (k == 500) {  // a forgery in the middle
        Bytes forged = packets[i];
        forged[forged.size() / 2] ^= 0x10;
        EXPECT_FALSE(receiver->open(forged, esn).has_value());
      }
      Bytes packet = packets[i];
      if (receiver->open(packet, esn).has_value() && equal(plaintext_of(*receiver, packet), plaintexts[i]))
        ++opened;
    }
    EXPECT_EQ(opened, packets.size());
  }
}

TEST(EspCipherReuse, OneObjectSealsAndOpensInterleaved) {
  SeededRandom random(8);
  for (const Algorithm& a : all_algorithms()) {
    SCOPED_TRACE(a.name());
    auto cipher = make(a, random);
    ASSERT_NE(cipher, nullptr);
    Bytes previous;
    for (uint32_t seq = 1; seq <= 20; ++seq) {
      Bytes packet = esp_packet(*cipher, 9, seq, framed_plaintext(*cipher, size_t{seq} * 11, 0));
      cipher->seal(packet, std::nullopt);
      if (!previous.empty()) {
        EXPECT_TRUE(cipher->open(previous, std::nullopt).has_value()) << seq;
      }
      previous = std::move(packet);
    }
  }
}

}  // namespace
}  // namespace tern::crypto

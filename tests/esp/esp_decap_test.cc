// Inbound processing (RFC 4303 §3.4) of packets that must be dropped: every
// truncation and every single-bit flip of a valid packet, bad padding, the
// Next Header checks (§2.6 dummy packets), inner packets that are not sane
// IP, and inner addresses outside the CHILD_SA's selectors (RFC 4301 §5.2).
// Each drop is a named error and a counter, and a packet that fails before
// its ICV verified leaves the replay window as it was.
#include <gtest/gtest.h>

#include "esp/esp_packet.h"
#include "esp_test_support.h"

namespace tern::esp {
namespace {

using namespace test;
using wire::EncrId;
using wire::EsnId;
using wire::IntegId;

struct Suite {
  const char* name;
  ike::EspSuite suite;
  Keys keys;
};

std::vector<Suite> suites() {
  return {
      {"AES_GCM_16_128", {EncrId::AES_GCM_16, 128, IntegId::NONE, EsnId::NO_ESN}, {Bytes(20, 0x11), {}}},
      {"AES_GCM_16_256/ESN", {EncrId::AES_GCM_16, 256, IntegId::NONE, EsnId::ESN}, {Bytes(36, 0x22), {}}},
      {"CHACHA20_POLY1305",
       {EncrId::CHACHA20_POLY1305, 256, IntegId::NONE, EsnId::NO_ESN},
       {Bytes(36, 0x33), {}}},
      {"AES_CBC_256/HMAC_SHA2_256_128",
       {EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128, EsnId::NO_ESN},
       {Bytes(32, 0x44), Bytes(32, 0x55)}},
      {"AES_CBC_128/HMAC_SHA2_512_256/ESN",
       {EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_512_256, EsnId::ESN},
       {Bytes(16, 0x66), Bytes(64, 0x77)}},
  };
}

// Both ends of one suite's CHILD_SA, alice sending to bob.
struct Pair {
  crypto::SeededRandom random{7};
  OutboundSa alice;
  InboundSa bob;
  explicit Pair(const Suite& s, ike::ChildMode mode = ike::ChildMode::tunnel)
      : alice(make_outbound(child_sa(true, s.suite, s.keys, s.keys, mode), random)),
        bob(make_inbound(child_sa(false, s.suite, s.keys, s.keys, mode), random)) {}
};

// A packet sealed with the SA's keys around a plaintext of the test's own
// framing (which may break the rules), as a misbehaving peer would send it.
Bytes seal_raw(const Suite& s, uint32_t seq, ByteView framed) {
  crypto::SeededRandom random(9);
  auto c = crypto::EspCipher::create(s.suite.encr, s.suite.encr_key_bits, s.suite.integ, s.keys.encr,
                                     s.keys.integ, random);
  if (!c) die(c.error());
  EXPECT_EQ(framed.size() % (*c)->block_size(), 0u) << "the test framed a misaligned plaintext";
  Bytes packet(kEspHeaderSize + (*c)->iv_size() + framed.size() + (*c)->icv_size());
  store_be32(packet.data(), kSpiToBob);
  store_be32(packet.data() + 4, seq);
  std::copy(framed.begin(), framed.end(), packet.begin() + static_cast<std::ptrdiff_t>(8 + (*c)->iv_size()));
  std::optional<uint32_t> esn_high;
  if (s.suite.esn == EsnId::ESN) esn_high = 0;
  (*c)->seal(packet, esn_high);
  return packet;
}

// payload || Padding 1,2,3,... || Pad Length || Next Header, aligned to `block`.
Bytes framed(ByteView payload, uint8_t next_header, size_t block) {
  Bytes f(payload.begin(), payload.end());
  const size_t pad = (block - (payload.size() + 2) % block) % block;
  for (size_t i = 1; i <= pad; ++i) f.push_back(static_cast<uint8_t>(i));
  f.push_back(static_cast<uint8_t>(pad));
  f.push_back(next_header);
  return f;
}
size_t block_of(const Suite& s) {
  return s.suite.encr == EncrId::AES_CBC ? 16 : 4;
}

// Window state, to show a rejected packet changed nothing.
struct WindowState {
  uint64_t highest;
  std::vector<bool> marks;
  friend bool operator==(const WindowState&, const WindowState&) = default;
};
WindowState state(const InboundSa& sa) {
  WindowState w{sa.replay_window().highest(), {}};
  for (uint64_t s = 1; s <= w.highest; ++s) w.marks.push_back(sa.replay_window().is_marked(s));
  return w;
}

TEST(EspDecap, EveryTruncationIsRejectedAndCounted) {
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Pair p(s);
    for (int i = 0; i < 3; ++i) {
      Bytes first = encap(p.alice, inner_ipv4());
      ASSERT_TRUE(p.bob.decap(first).has_value());
    }
    const Bytes packet = encap(p.alice, inner_ipv4());  // Seq 4
    const WindowState before = state(p.bob);
    for (size_t n = 0; n < packet.size(); ++n) {
      Bytes cut(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(n));
      const uint64_t dropped = p.bob.counters().dropped();
      auto d = p.bob.decap(cut);
      ASSERT_FALSE(d.has_value()) << "cut at " << n;
      const Errc code = d.error().code;
      EXPECT_TRUE(code == Errc::truncated || code == Errc::bad_length || code == Errc::integrity_check_failed)
          << "cut at " << n << ": " << d.error().to_string();
      EXPECT_EQ(p.bob.counters().dropped(), dropped + 1) << "cut at " << n;
      ASSERT_EQ(state(p.bob), before) << "cut at " << n;
    }
    EXPECT_EQ(p.bob.counters().packets, 3u);
    // The whole packet still decaps: nothing above consumed its sequence number.
    Bytes whole = packet;
    auto d = p.bob.decap(whole);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(to_hex(d->payload), to_hex(inner_ipv4()));
  }
}

TEST(EspDecap, EverySingleBitFlipIsRejectedAndCounted) {
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Pair p(s);
    for (int i = 0; i < 3; ++i) {
      Bytes first = encap(p.alice, inner_ipv4());
      ASSERT_TRUE(p.bob.decap(first).has_value());
    }
    const Bytes packet = encap(p.alice, inner_ipv4());
    const WindowState before = state(p.bob);
    for (size_t bit = 0; bit < packet.size() * 8; ++bit) {
      Bytes flipped = packet;
      flipped[bit / 8] ^= static_cast<uint8_t>(0x80u >> (bit % 8));
      const InboundCounters c = p.bob.counters();
      auto d = p.bob.decap(flipped);
      ASSERT_FALSE(d.has_value()) << "bit " << bit;
      const Errc code = d.error().code;
      if (bit < 32) {
        EXPECT_EQ(code, Errc::bad_spi) << "bit " << bit;
        EXPECT_EQ(p.bob.counters().wrong_spi, c.wrong_spi + 1);
      } else if (code == Errc::bad_message_id) {
        // A flipped Sequence Number may land on one already seen or left of the window.
        EXPECT_LT(bit, 64u);
        EXPECT_EQ(p.bob.counters().replay_drops, c.replay_drops + 1);
      } else {
        EXPECT_EQ(code, Errc::integrity_check_failed) << "bit " << bit << ": " << d.error().to_string();
        EXPECT_EQ(p.bob.counters().auth_failures, c.auth_failures + 1);
      }
      EXPECT_EQ(p.bob.counters().dropped(), c.dropped() + 1) << "bit " << bit;
      ASSERT_EQ(state(p.bob), before) << "bit " << bit;
    }
    Bytes whole = packet;
    EXPECT_TRUE(p.bob.decap(whole).has_value());
  }
}

TEST(EspDecap, ReplayedPacketIsDroppedBeforeItsIcvIsChecked) {
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Pair p(s);
    const Bytes packet = encap(p.alice, inner_ipv4());
    Bytes first = packet, again = packet;
    ASSERT_TRUE(p.bob.decap(first).has_value());
    auto d = p.bob.decap(again);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::bad_message_id);
    EXPECT_EQ(p.bob.counters().replay_drops, 1u);
    EXPECT_EQ(p.bob.counters().auth_failures, 0u);
    EXPECT_EQ(p.bob.counters().packets, 1u);
  }
}

TEST(EspDecap, ReorderedPacketsInsideTheWindowAreAccepted) {
  const Suite s = suites()[0];
  Pair p(s);
  std::vector<Bytes> packets;
  for (int i = 0; i < 100; ++i) packets.push_back(encap(p.alice, inner_ipv4()));
  for (size_t i = 100; i-- > 0;) ASSERT_TRUE(p.bob.decap(packets[i]).has_value()) << i;
  EXPECT_EQ(p.bob.counters().packets, 100u);
  EXPECT_EQ(p.bob.replay_window().highest(), 100u);
}

TEST(EspDecap, WrongPaddingOctetsAreRejected) {
  // §2.4: the Padding must read 1, 2, 3, ...; here the second octet is 3.
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Bytes f = framed(inner_ipv4(), 4, block_of(s));
    const size_t pad = f[f.size() - 2];
    ASSERT_GE(pad, 2u);
    f[f.size() - 2 - pad + 1] = 3;
    Pair p(s);
    Bytes packet = seal_raw(s, 1, f);
    auto d = p.bob.decap(packet);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::bad_padding) << d.error().to_string();
    EXPECT_EQ(p.bob.counters().bad_padding, 1u);
    EXPECT_EQ(p.bob.replay_window().highest(), 0u) << "not committed";
  }
}

TEST(EspDecap, PadLengthLongerThanThePlaintextIsRejected) {
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Bytes f(block_of(s), 0x01);
    f[f.size() - 2] = 200;  // Pad Length 200 in a 4- or 16-octet plaintext
    f[f.size() - 1] = 4;
    Pair p(s);
    Bytes packet = seal_raw(s, 1, f);
    auto d = p.bob.decap(packet);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::bad_padding);
    EXPECT_EQ(p.bob.counters().bad_padding, 1u);
  }
}

TEST(EspDecap, DummyPacketIsDroppedSilentlyAndCounted) {
  // §2.6: Next Header 59 ("no next header") marks a dummy packet (traffic flow
  // confidentiality): authenticated, then discarded.
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Pair p(s);
    Bytes packet = seal_raw(s, 1, framed(Bytes(20, 0xab), 59, block_of(s)));
    auto d = p.bob.decap(packet);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::unexpected_payload);
    EXPECT_FALSE(d.error().notify.has_value());
    EXPECT_EQ(p.bob.counters().dummy_packets, 1u);
    EXPECT_EQ(p.bob.counters().packets, 0u);
  }
}

TEST(EspDecap, TunnelModeNeedsAnIpNextHeader) {
  const Suite s = suites()[0];
  Pair p(s);
  Bytes packet = seal_raw(s, 1, framed(inner_ipv4(), 17, 4));  // UDP, as if transport mode
  auto d = p.bob.decap(packet);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::unsupported);
  EXPECT_EQ(p.bob.counters().bad_next_header, 1u);
}

TEST(EspDecap, InnerVersionMustMatchNextHeader) {
  const Suite s = suites()[2];
  Pair p(s);
  Bytes packet = seal_raw(s, 1, framed(inner_ipv6(), 4, 4));  // IPv6 packet, Next Header 4 (IPv4)
  auto d = p.bob.decap(packet);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::bad_version) << d.error().to_string();
  EXPECT_EQ(p.bob.counters().bad_inner_packet, 1u);
}

TEST(EspDecap, InnerPacketLongerThanThePayloadIsRejected) {
  const Suite s = suites()[0];
  Pair p(s);
  Bytes inner = inner_ipv4();
  inner[3] = 33;  // Total Length 33, 32 octets carried
  Bytes packet = seal_raw(s, 1, framed(inner, 4, 4));
  auto d = p.bob.decap(packet);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::truncated) << d.error().to_string();
  EXPECT_EQ(p.bob.counters().bad_inner_packet, 1u);
  EXPECT_EQ(p.bob.counters().malformed, 0u);
}

TEST(EspDecap, TfcPaddingAfterTheInnerPacketIsRemoved) {
  // §2.7: octets after the inner packet (inside the encrypted payload) are
  // traffic flow confidentiality padding; the inner IP length says where it ends.
  const Suite s = suites()[0];
  Pair p(s);
  Bytes payload = inner_ipv4();
  payload.insert(payload.end(), 40, 0);
  Bytes packet = seal_raw(s, 1, framed(payload, 4, 4));
  auto d = p.bob.decap(packet);
  ASSERT_TRUE(d.has_value()) << d.error().to_string();
  EXPECT_EQ(to_hex(d->payload), to_hex(inner_ipv4()));
  EXPECT_EQ(p.bob.counters().bytes, 32u);
}

TEST(EspDecap, InnerAddressesOutsideTheSelectorsAreDroppedAndCounted) {
  // RFC 4301 §5.2: after decryption the inner header must match the SA's
  // selectors: source within remote_ts (alice's 10.1.0.0/24), destination
  // within local_ts (bob's 10.2.0.0/24). The packet did authenticate, so its
  // sequence number is spent.
  const Suite s = suites()[0];
  struct Case {
    const char* what;
    uint8_t src_second_octet, dst_second_octet;
  };
  for (const Case& c : {Case{"spoofed source 10.9.0.1", 9, 2}, Case{"destination 10.1.0.1", 1, 1}}) {
    SCOPED_TRACE(c.what);
    Pair p(s);
    Bytes inner = inner_ipv4();
    inner[13] = c.src_second_octet;
    inner[17] = c.dst_second_octet;
    Bytes packet = seal_raw(s, 1, framed(inner, 4, 4));
    auto d = p.bob.decap(packet);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::invalid_syntax);
    EXPECT_NE(d.error().detail.find("traffic selectors"), std::string::npos) << d.error().detail;
    EXPECT_EQ(p.bob.counters().selector_mismatches, 1u);
    EXPECT_EQ(p.bob.counters().packets, 0u);
    EXPECT_TRUE(p.bob.replay_window().is_marked(1));
  }
}

TEST(EspDecap, PacketForAnotherSpiIsRefused) {
  const Suite s = suites()[0];
  Pair p(s);
  Bytes packet = encap(p.alice, inner_ipv4());
  store_be32(packet.data(), 0x01020304);
  auto d = p.bob.decap(packet);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::bad_spi);
  EXPECT_EQ(p.bob.counters().wrong_spi, 1u);
}

TEST(EspDecap, IPv6InsideRoundTrips) {
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Pair p(s);
    Bytes packet = encap(p.alice, inner_ipv6());
    auto d = p.bob.decap(packet);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(d->next_header, 41);
    EXPECT_EQ(to_hex(d->payload), to_hex(inner_ipv6()));
  }
}

TEST(EspDecap, TransportModeCarriesTheUpperLayerPayload) {
  // §3.1.1: the payload is the upper-layer segment; Next Header names its protocol.
  for (const Suite& s : suites()) {
    SCOPED_TRACE(s.name);
    Pair p(s, ike::ChildMode::transport);
    const Bytes udp = h("9c400007000c00007465726e");
    Bytes out(p.alice.encapsulated_size(udp.size()));
    auto n = p.alice.encap(TransportPayload{udp, 17}, out);
    ASSERT_TRUE(n.has_value()) << n.error().to_string();
    auto d = p.bob.decap(out);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(d->next_header, 17);
    EXPECT_EQ(to_hex(d->payload), to_hex(udp));
  }
}

}  // namespace
}  // namespace tern::esp

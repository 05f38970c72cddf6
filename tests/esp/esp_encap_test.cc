// Outbound processing (RFC 4303 §3.3): the Sequence Number counter starts at
// 1 and never wraps (§3.3.3): without ESN the SA asks for a rekey 2^20
// packets before 2^32 - 1 and refuses to send once 2^32 - 1 is used; with ESN
// the low half wraps and the high half carries on. Plus the errors encap()
// gives a caller: a buffer too small, a payload that is not IP, the wrong
// mode's overload.
#include <gtest/gtest.h>

#include "esp/esp_packet.h"
#include "esp_test_support.h"

namespace tern::esp {
namespace {

using namespace test;
using wire::EncrId;
using wire::EsnId;
using wire::IntegId;

const Keys kKeys{Bytes(20, 0x5a), {}};
const ike::EspSuite kGcm{EncrId::AES_GCM_16, 128, IntegId::NONE, EsnId::NO_ESN};
const ike::EspSuite kGcmEsn{EncrId::AES_GCM_16, 128, IntegId::NONE, EsnId::ESN};

uint32_t seq_on_wire(ByteView packet) {
  return load_be32(packet.data() + 4);
}

TEST(EspEncap, SequenceNumbersStartAtOne) {
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kGcm, kKeys, kKeys), random);
  EXPECT_EQ(alice.next_seq(), 1u);
  for (uint32_t expected = 1; expected <= 3; ++expected) {
    Bytes packet = encap(alice, inner_ipv4());
    EXPECT_EQ(load_be32(packet.data()), kSpiToBob);
    EXPECT_EQ(seq_on_wire(packet), expected);
  }
  EXPECT_EQ(alice.counters().packets, 3u);
  EXPECT_EQ(alice.counters().bytes, 3u * 32u);
}

TEST(EspEncap, WithoutEsnTheSaAsksForARekeyBeforeTheWrapAndRefusesAtIt) {
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kGcm, kKeys, kKeys), random);
  InboundSa bob = make_inbound(child_sa(false, kGcm, kKeys, kKeys), random);
  const uint64_t last = 0xffffffff;
  const uint64_t soft = last - OutboundSa::kRekeyMargin;  // 2^32 - 2^20 - 1
  EXPECT_EQ(alice.last_seq(), last);

  OutboundSaPeer::set_last_sent(alice, soft - 1);
  EXPECT_FALSE(alice.needs_rekey());
  Bytes packet = encap(alice, inner_ipv4());  // Seq 2^32 - 2^20 - 1
  EXPECT_EQ(seq_on_wire(packet), soft);
  EXPECT_TRUE(alice.needs_rekey()) << "2^20 sequence numbers before the last one";
  EXPECT_FALSE(alice.seq_exhausted());

  OutboundSaPeer::set_last_sent(alice, last - 1);
  packet = encap(alice, inner_ipv4());  // Seq 2^32 - 1: the last one
  EXPECT_EQ(seq_on_wire(packet), 0xffffffffu);
  EXPECT_TRUE(alice.seq_exhausted());
  InboundSaPeer::replay(bob).commit(last - 1);
  auto d = bob.decap(packet);
  EXPECT_TRUE(d.has_value()) << "the last sequence number is still a valid packet";

  Bytes out(256);
  auto refused = alice.encap(inner_ipv4(), out);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::too_many);
  EXPECT_NE(refused.error().detail.find("rekey"), std::string::npos);
  EXPECT_EQ(alice.counters().seq_exhausted, 1u);
  EXPECT_EQ(alice.next_seq(), last + 1) << "nothing was consumed";
  EXPECT_EQ(alice.counters().packets, 2u);
}

TEST(EspEncap, WithEsnTheLowHalfWrapsAndTheHighHalfCarriesOn) {
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kGcmEsn, kKeys, kKeys), random);
  InboundSa bob = make_inbound(child_sa(false, kGcmEsn, kKeys, kKeys), random);
  EXPECT_EQ(alice.last_seq(), UINT64_MAX);
  OutboundSaPeer::set_last_sent(alice, 0xfffffffd);
  InboundSaPeer::replay(bob).commit(0xfffffffd);
  for (uint64_t expected : {0xfffffffeull, 0xffffffffull, 0x100000000ull, 0x100000001ull}) {
    Bytes packet = encap(alice, inner_ipv4());
    EXPECT_EQ(seq_on_wire(packet), static_cast<uint32_t>(expected));
    auto d = bob.decap(packet);
    ASSERT_TRUE(d.has_value()) << expected << ": " << d.error().to_string();
    EXPECT_EQ(bob.replay_window().highest(), expected);
  }
  EXPECT_FALSE(alice.needs_rekey());
  OutboundSaPeer::set_last_sent(alice, UINT64_MAX - OutboundSa::kRekeyMargin);
  EXPECT_TRUE(alice.needs_rekey());
}

TEST(EspEncap, BufferTooSmallIsAnErrorAndConsumesNothing) {
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kGcm, kKeys, kKeys), random);
  const Bytes inner = inner_ipv4();
  Bytes out(alice.encapsulated_size(inner.size()) - 1);
  auto n = alice.encap(inner, out);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, Errc::bad_length);
  EXPECT_EQ(alice.counters().buffer_too_small, 1u);
  EXPECT_EQ(alice.next_seq(), 1u);
}

TEST(EspEncap, TunnelPayloadMustBeIp) {
  crypto::SeededRandom random(1);
  OutboundSa alice = make_outbound(child_sa(true, kGcm, kKeys, kKeys), random);
  Bytes out(256);
  for (const Bytes& bad : {Bytes{}, h("5500"), h("0000")}) {
    auto n = alice.encap(bad, out);
    ASSERT_FALSE(n.has_value());
    EXPECT_EQ(n.error().code, Errc::bad_version);
  }
  EXPECT_EQ(alice.counters().bad_payload, 3u);
  EXPECT_EQ(alice.next_seq(), 1u);
}

TEST(EspEncap, EachModeHasItsOwnOverload) {
  crypto::SeededRandom random(1);
  OutboundSa tunnel = make_outbound(child_sa(true, kGcm, kKeys, kKeys), random);
  OutboundSa transport = make_outbound(child_sa(true, kGcm, kKeys, kKeys, ike::ChildMode::transport), random);
  Bytes out(256);
  auto a = tunnel.encap(TransportPayload{h("00"), 17}, out);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, Errc::unsupported);
  auto b = transport.encap(inner_ipv4(), out);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, Errc::unsupported);
}

TEST(EspEncap, EachDirectionKeepsWhatItNeeds) {
  // The cipher holds the keys; the outbound SA its SPI, mode and sequence
  // numbers; the inbound SA also the selectors it checks inner packets against.
  crypto::SeededRandom random(1);
  const ike::InstallChildSa sa = child_sa(false, kGcm, kKeys, kKeys);
  OutboundSa alice = make_outbound(child_sa(true, kGcm, kKeys, kKeys), random);
  InboundSa bob = make_inbound(sa, random);
  EXPECT_EQ(alice.spi(), kSpiToBob);
  EXPECT_EQ(alice.mode(), ike::ChildMode::tunnel);
  EXPECT_FALSE(alice.esn());
  EXPECT_EQ(bob.spi(), kSpiToBob);
  ASSERT_EQ(bob.local_ts().size(), sa.local_ts.size());
  ASSERT_EQ(bob.remote_ts().size(), sa.remote_ts.size());
  EXPECT_EQ(bob.local_ts()[0].to_wire(), sa.local_ts[0]);
  EXPECT_EQ(bob.remote_ts()[0].to_wire(), sa.remote_ts[0]);
}

}  // namespace
}  // namespace tern::esp

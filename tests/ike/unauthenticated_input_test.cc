// What an established IKE SA does with messages it cannot trust (RFC 7296
// §1.5, §2.3, §2.21): requests for unknown IKE SPIs get an unprotected
// INVALID_IKE_SPI within a rate limit, requests outside the window are
// dropped, and a flood of tampered messages never alters the SA.
#include <gtest/gtest.h>

#include "endpoint_peer.h"
#include "exchange_harness.h"
#include "wire/message.h"

namespace tern::ike::testing {
namespace {

constexpr size_t kSpiROffset = 8;
constexpr size_t kFlagsOffset = 19;
constexpr size_t kMessageIdOffset = 20;
constexpr size_t kHeaderSize = 28;

void establish(TwoPeers& net) {
  net.up();
  net.deliver_all();
  ASSERT_EQ(net.only_sa(net.a)->state, IkeSaState::established) << net.dump_events();
  ASSERT_EQ(net.only_sa(net.b)->state, IkeSaState::established);
}

// A's next request (a child delete), taken off the wire undelivered.
Datagram take_child_delete_request(TwoPeers& net) {
  EXPECT_TRUE(net.a.command(DownChild{"a-b", "net"}, net.now).has_value());
  net.collect();
  EXPECT_EQ(net.wire.size(), 1u);
  Datagram d = net.wire.front();
  net.wire.clear();
  return d;
}

void put_u32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

TEST(UnknownIkeSpi, RequestsAreAnsweredWithInvalidIkeSpiWithinTheRateLimit) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  Datagram request = take_child_delete_request(net);
  request.bytes[kSpiROffset] ^= 0x5a;  // SPIr that B never allocated
  const auto header = wire::parse_message(request.bytes)->header;

  // HDR(unknown SPIr), SK {...}  -->   x 15 within one second
  for (int i = 0; i < 15; ++i) {
    net.wire.push_front(request);  // ahead of the answers, which stay in flight
    ASSERT_TRUE(net.deliver_one());
  }
  // <--  HDR(same SPIs and Message ID, R=1), N(INVALID_IKE_SPI)   x 10 (the limit), unprotected
  ASSERT_EQ(net.wire.size(), 10u);
  EXPECT_EQ(net.b.counters().invalid_ike_spi_sent, 10u);
  EXPECT_EQ(net.b.counters().invalid_ike_spi_rate_limited, 5u);
  EXPECT_EQ(net.b.counters().dropped_no_sa, 15u);
  auto answer = wire::parse_message(net.wire.front().bytes);
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->header.is_response());
  EXPECT_FALSE(answer->header.is_initiator());
  EXPECT_EQ(answer->header.spi_i, header.spi_i);
  EXPECT_EQ(answer->header.spi_r, header.spi_r);
  EXPECT_EQ(answer->header.message_id, header.message_id);
  EXPECT_EQ(answer->header.exchange, wire::ExchangeType::INFORMATIONAL);
  ASSERT_EQ(answer->payloads.size(), 1u);
  EXPECT_NE(wire::find_notify(answer->payloads, wire::NotifyType::INVALID_IKE_SPI), nullptr);
  EXPECT_EQ(net.wire.front().to, request.from);

  // A second later the budget is back.
  net.wire.clear();
  net.now += seconds(1);
  net.wire.push_back(request);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.wire.size(), 1u);

  // A never answers a response with unknown SPIs (§2.21.4).
  net.wire.clear();
  Datagram response = request;
  response.bytes[kFlagsOffset] |= wire::kFlagResponse;
  net.wire.push_back(response);
  ASSERT_TRUE(net.deliver_one());
  EXPECT_TRUE(net.wire.empty());
  EXPECT_EQ(net.b.counters().dropped_no_sa_response, 1u);
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
}

TEST(UnknownIkeSpi, TheRateLimitCountsPerSecondAndZeroMeansNeverAnswer) {
  const Timestamp t = timestamp_from_us(5'000'000);
  RateLimiter never(0);
  EXPECT_FALSE(never.allow(t));
  RateLimiter two(2);
  EXPECT_TRUE(two.allow(t));
  EXPECT_TRUE(two.allow(t + milliseconds(999)));
  EXPECT_FALSE(two.allow(t + milliseconds(999)));
  EXPECT_TRUE(two.allow(t + seconds(1)));
}

TEST(UnknownIkeSpi, AnInvalidIkeSpiNotifyNeverAltersOurSa) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  Datagram request = take_child_delete_request(net);
  // A forged, unprotected <--  HDR, N(INVALID_IKE_SPI) for A's real SPIs and outstanding Message ID.
  const auto header = wire::parse_message(request.bytes)->header;
  net.wire.push_back(Datagram{request.to, request.from, build_invalid_ike_spi(header)});
  ASSERT_TRUE(net.deliver_one());
  EXPECT_EQ(net.a.counters().dropped_undecodable, 1u);
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
  // Only a hint that B may have restarted (dpd_action is not restart: nothing is started).
  EXPECT_EQ(net.a.counters().peer_restarts_suspected, 1u);
  EXPECT_EQ(net.a.status().size(), 1u);
  // The real request still goes through (retransmitted) and is answered.
  ASSERT_TRUE(net.advance_to_next_deadline());
  net.deliver_all();
  EXPECT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed.size(), 1u);
}

TEST(MessageId, ARequestOutsideTheWindowIsDroppedAndNeverAltersTheSa) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  Datagram request = take_child_delete_request(net);
  const uint32_t id = wire::parse_message(request.bytes)->header.message_id;
  // B's window is 4 (N(SET_WINDOW_SIZE)): IDs id..id+3 would be decrypted (and
  // fail the ICV, which covers the header); beyond that they are not even opened.
  for (uint32_t ahead : {4u, 5u, 1000u}) {
    Datagram bad = request;
    put_u32(bad.bytes, kMessageIdOffset, id + ahead);
    net.wire.push_back(bad);
    ASSERT_TRUE(net.deliver_one());
  }
  EXPECT_TRUE(net.wire.empty());  // never acknowledged (§2.3)
  EXPECT_EQ(net.b.counters().dropped_bad_message_id, 3u);
  EXPECT_EQ(net.only_sa(net.b)->children.size(), 1u);
  // The genuine request, with the expected Message ID, still works.
  net.wire.push_back(request);
  net.deliver_all();
  EXPECT_EQ(net.log_b.removed.size(), 1u);
  EXPECT_EQ(net.log_a.removed.size(), 1u);
}

TEST(Tampering, AFloodOfTamperedMessagesNeverAltersAnEstablishedSa) {
  TwoPeers net(config_a(), config_b());
  establish(net);
  const IkeSaStatus before = *net.only_sa(net.b);
  Datagram request = take_child_delete_request(net);
  crypto::SeededRandom chaos(42);
  const size_t n = 2000;
  for (size_t i = 0; i < n; ++i) {
    Datagram forged = request;
    // One octet anywhere after the IKE header flipped: SK header, IV, ciphertext or ICV.
    const Bytes r = chaos.bytes(3);
    size_t at = kHeaderSize + ((size_t{r[0]} << 8 | r[1]) % (forged.bytes.size() - kHeaderSize));
    forged.bytes[at] ^= static_cast<uint8_t>(r[2] | 1);
    if (i % 4 == 1) forged.bytes[kFlagsOffset] |= wire::kFlagResponse;  // as a response, too
    net.wire.push_back(forged);
    ASSERT_TRUE(net.deliver_one());
  }
  EXPECT_TRUE(net.wire.empty()) << "nothing answered";
  const EndpointCounters& c = net.b.counters();
  EXPECT_EQ(c.dropped_undecodable + c.dropped_malformed + c.dropped_bad_message_id, n);
  const IkeSaStatus* after = net.only_sa(net.b);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->state, IkeSaState::established);
  EXPECT_EQ(after->spi_r, before.spi_r);
  EXPECT_EQ(after->children.size(), 1u);
  EXPECT_TRUE(net.log_b.removed.empty());

  // The SA still works: the genuine child delete succeeds on both ends.
  net.wire.push_back(request);
  net.deliver_all();
  ASSERT_EQ(net.log_b.removed.size(), 1u);
  ASSERT_EQ(net.log_a.removed.size(), 1u);
  EXPECT_EQ(net.log_b.removed[0].reason, "deleted by peer");
  EXPECT_EQ(net.only_sa(net.a)->state, IkeSaState::established);
}

}  // namespace
}  // namespace tern::ike::testing

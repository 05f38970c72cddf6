// ChildWatch (esp/child_watch.h): what one poll of a CHILD_SA's counters
// reports to the engine. A numbered truth table for the pure part, then the
// same through real SAs (encap/decap, the sequence counter near its end).
#include "esp/child_watch.h"

#include <gtest/gtest.h>

#include <vector>

#include "esp_test_support.h"

namespace tern::esp {
namespace {

using ike::ChildLimitReached;
using ike::ChildTrafficSeen;
using ike::DataplaneEvent;
using Limit = ChildLimitReached::Limit;
using Cause = ChildLimitReached::Cause;

constexpr uint32_t kSpi = 0xc0ffee01;
// rekey_bytes 1000, life_bytes 2000, rekey_packets 10, life_packets 20
constexpr ike::ChildLimits kLimits{1000, 2000, 10, 20};

// The samples written out here name no SPI: kSpi then (sample() names the SA's).
std::vector<DataplaneEvent> poll(ChildWatch& w, ChildSample s) {
  if (s.spi_in == 0) s.spi_in = kSpi;
  std::vector<DataplaneEvent> out;
  w.poll(s, out);
  return out;
}

DataplaneEvent soft(Cause c) {
  return ChildLimitReached{kSpi, Limit::soft, c};
}
DataplaneEvent hard(Cause c) {
  return ChildLimitReached{kSpi, Limit::hard, c};
}
const DataplaneEvent kSeen = ChildTrafficSeen{kSpi};

TEST(ChildWatch, OnePollAfterAnother) {
  ChildWatch w(kLimits);
  using V = std::vector<DataplaneEvent>;
  // 1. nothing happened yet: nothing to report
  EXPECT_EQ(poll(w, {}), V{});
  // 2. inbound packets: traffic seen
  EXPECT_EQ(poll(w, {3, 300, 0, 0}), V{kSeen});
  // 3. no new inbound packets (outbound ones do not count): nothing
  EXPECT_EQ(poll(w, {3, 300, 5, 500}), V{});
  // 4. outbound packets reach rekey_packets (10): soft, no traffic seen
  EXPECT_EQ(poll(w, {3, 300, 10, 900}), V{soft(Cause::packets)});
  // 5. inbound grows and now bytes pass rekey_bytes: traffic seen, no second soft
  EXPECT_EQ(poll(w, {4, 1500, 10, 900}), V{kSeen});
  // 6. inbound packets reach life_packets (20): traffic seen and hard
  EXPECT_EQ(poll(w, {20, 1600, 10, 900}), (V{kSeen, hard(Cause::packets)}));
  // 7. past every limit: only traffic seen from now on
  EXPECT_EQ(poll(w, {30, 5000, 40, 5000}), V{kSeen});
  EXPECT_EQ(poll(w, {30, 5000, 40, 5000}), V{});
}

TEST(ChildWatch, BytesCountInEitherDirection) {
  ChildWatch w(kLimits);
  EXPECT_EQ(poll(w, {0, 0, 1, 1000}), std::vector{soft(Cause::bytes)});
  EXPECT_EQ(poll(w, {1, 2000, 1, 1000}), (std::vector{kSeen, hard(Cause::bytes)}));
}

TEST(ChildWatch, AHardLimitReachedAtOnceSkipsTheSoftOne) {
  ChildWatch w(kLimits);
  EXPECT_EQ(poll(w, {0, 0, 25, 100}), std::vector{hard(Cause::packets)});
  EXPECT_EQ(poll(w, {0, 0, 26, 100}), std::vector<DataplaneEvent>{});
}

TEST(ChildWatch, SequenceNumbersComeFirstAndNeedNoConfiguredLimit) {
  ChildWatch w(ike::ChildLimits{});  // no volume limits at all
  EXPECT_EQ(poll(w, {0, 0, 1u << 30, 1ull << 40}), std::vector<DataplaneEvent>{});
  ChildSample s{0, 0, 1u << 30, 1ull << 40, true, false};
  EXPECT_EQ(poll(w, s), std::vector{soft(Cause::sequence_numbers)});
  s.seq_exhausted = true;
  EXPECT_EQ(poll(w, s), std::vector{hard(Cause::sequence_numbers)});
  // With volume limits also reached, the sequence numbers are named.
  ChildWatch both(kLimits);
  EXPECT_EQ(poll(both, {0, 0, 100, 9000, true, true}), std::vector{hard(Cause::sequence_numbers)});
}

TEST(ChildWatch, ThroughRealSas) {
  crypto::SeededRandom random(7);
  const test::Keys to_bob{Bytes(20, 0x11), {}}, to_alice{Bytes(20, 0x22), {}};
  const ike::EspSuite suite{};  // AES_GCM_16 128, no ESN
  ike::InstallChildSa alice_sa = test::child_sa(true, suite, to_bob, to_alice);
  ike::InstallChildSa bob_sa = test::child_sa(false, suite, to_bob, to_alice);
  OutboundSa alice_out = test::make_outbound(alice_sa, random);
  InboundSa alice_in = test::make_inbound(alice_sa, random);
  OutboundSa bob_out = test::make_outbound(bob_sa, random);
  InboundSa bob_in = test::make_inbound(bob_sa, random);
  ChildWatch bob(ike::ChildLimits{0, 0, 0, 3});  // life_packets = 3

  auto alice_sends = [&] {
    Bytes esp = test::encap(alice_out, test::inner_ipv4());
    ASSERT_TRUE(bob_in.decap(esp).has_value());
  };
  EXPECT_TRUE(poll(bob, sample(bob_in, bob_out)).empty());
  alice_sends();
  alice_sends();
  EXPECT_EQ(poll(bob, sample(bob_in, bob_out)), std::vector<DataplaneEvent>{ChildTrafficSeen{bob_sa.spi_in}});
  alice_sends();
  EXPECT_EQ(poll(bob, sample(bob_in, bob_out)),
            (std::vector<DataplaneEvent>{ChildTrafficSeen{bob_sa.spi_in},
                                         ChildLimitReached{bob_sa.spi_in, Limit::hard, Cause::packets}}));

  // Alice's sequence numbers: 2^20 before the last one needs_rekey(), the last one exhausts them.
  ChildWatch alice(ike::ChildLimits{});
  OutboundSaPeer::set_last_sent(alice_out, alice_out.last_seq() - OutboundSa::kRekeyMargin - 1);
  EXPECT_TRUE(poll(alice, sample(alice_in, alice_out)).empty());
  (void)test::encap(alice_out, test::inner_ipv4());
  EXPECT_EQ(poll(alice, sample(alice_in, alice_out)),
            (std::vector<DataplaneEvent>{
                ChildLimitReached{alice_sa.spi_in, Limit::soft, Cause::sequence_numbers}}));
  OutboundSaPeer::set_last_sent(alice_out, alice_out.last_seq() - 1);
  (void)test::encap(alice_out, test::inner_ipv4());
  EXPECT_TRUE(alice_out.seq_exhausted());
  EXPECT_EQ(poll(alice, sample(alice_in, alice_out)),
            (std::vector<DataplaneEvent>{
                ChildLimitReached{alice_sa.spi_in, Limit::hard, Cause::sequence_numbers}}));
}

}  // namespace
}  // namespace tern::esp

// Bad input, class 7: IKE fragments (RFC 7383) from a peer that negotiated
// fragmentation, each fragment authentic (sealed with C's keys) unless the
// test breaks it: Fragment Number 0 or past Total Fragments, Total Fragments
// changing within a message, duplicates, absurd totals, fragments failing
// the integrity check. None is answered (§2.6); the set is kept, restarted
// or dropped as §2.6 says, and a good message afterwards still gets through.
#include "bad_input_fixture.h"

namespace tern::ike::testing {
namespace {

using wire::PayloadType;

class BadInputFragments : public BadInputTest {
 protected:
  void SetUp() override {
    BadInputTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    c_established();
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_TRUE(EndpointPeer::fragmentation(net.b, sa_of(net.b, "b-c")->id))
        << "fragmentation not negotiated";
  }
  // HDR(INFORMATIONAL request, Message ID `id`), SKF(number/total){chunk}, sealed with C's keys.
  Bytes fragment(uint32_t id, uint16_t number, uint16_t total, const Bytes& chunk,
                 PayloadType first = PayloadType::NONE) {
    const IkeSaStatus* sa = c_sa();
    wire::IkeHeader h;
    h.spi_i = sa->spi_i;
    h.spi_r = sa->spi_r;
    h.exchange = wire::ExchangeType::INFORMATIONAL;
    h.flags = wire::kFlagInitiator;
    h.message_id = id;
    return EndpointPeer::seal_fragment(c, sa->id, h, number == 1 ? first : PayloadType::NONE, number, total,
                                       chunk);
  }
  // A Vendor ID payload split into `total` chunks (the inner chain of an INFORMATIONAL request).
  static std::vector<Bytes> chunks(size_t total) {
    wire::InnerChain chain = wire::encode_inner_chain(std::vector{
        wire::Payload{PayloadType::VendorID, false, wire::VendorIdPayload{Bytes(40 * total, 0x11)}}});
    std::vector<Bytes> out;
    const size_t size = chain.bytes.size() / total;
    for (size_t i = 0; i < total; ++i) {
      auto begin = chain.bytes.begin() + static_cast<std::ptrdiff_t>(i * size);
      auto end = i + 1 == total ? chain.bytes.end() : begin + static_cast<std::ptrdiff_t>(size);
      out.emplace_back(begin, end);
    }
    return out;
  }
  const EndpointCounters& counters() { return net.b.counters(); }
  // The fragments of a good message with Message ID `id` complete it: B answers once.
  void expect_message_completes(uint32_t id, size_t total = 3) {
    std::vector<Bytes> parts = chunks(total);
    std::vector<Bytes> answers;
    for (size_t i = 0; i < total; ++i) {
      for (Bytes& a : to_b(fragment(id, static_cast<uint16_t>(i + 1), static_cast<uint16_t>(total), parts[i],
                                    PayloadType::VendorID)))
        answers.push_back(std::move(a));
    }
    EXPECT_TRUE(open_answer(answers).empty()) << "the reassembled request is answered (empty INFORMATIONAL)";
    EXPECT_EQ(sa_of(net.b, "b-c")->state, IkeSaState::established);
  }
};

TEST_F(BadInputFragments, FragmentNumberZeroIsDropped) {
  const EndpointCounters before = counters();
  EXPECT_TRUE(to_b(fragment(2, 0, 3, chunks(3)[0])).empty());
  EXPECT_EQ(
      counters().dropped_malformed + counters().ike_fragments_unexpected + counters().ike_fragments_invalid,
      before.dropped_malformed + before.ike_fragments_unexpected + before.ike_fragments_invalid + 1);
  expect_message_completes(2);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, FragmentNumberPastTheTotalIsDropped) {
  const EndpointCounters before = counters();
  EXPECT_TRUE(to_b(fragment(2, 4, 3, chunks(3)[0])).empty());
  EXPECT_TRUE(to_b(fragment(2, 65535, 2, chunks(3)[0])).empty());
  EXPECT_EQ(
      counters().dropped_malformed + counters().ike_fragments_unexpected + counters().ike_fragments_invalid,
      before.dropped_malformed + before.ike_fragments_unexpected + before.ike_fragments_invalid + 2);
  expect_message_completes(2);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, TotalFragmentsZeroIsDropped) {
  const EndpointCounters before = counters();
  EXPECT_TRUE(to_b(fragment(2, 1, 0, chunks(3)[0], PayloadType::VendorID)).empty());
  EXPECT_EQ(
      counters().dropped_malformed + counters().ike_fragments_unexpected + counters().ike_fragments_invalid,
      before.dropped_malformed + before.ike_fragments_unexpected + before.ike_fragments_invalid + 1);
  expect_message_completes(2);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, ATotalThatShrinksIsDroppedAndOneThatGrowsRestartsTheSet) {
  std::vector<Bytes> parts = chunks(3);
  EXPECT_TRUE(to_b(fragment(2, 1, 3, parts[0], PayloadType::VendorID)).empty());
  // Fragment 2 of 2: fewer than before (§2.6: a lower Total Fragments is stale).
  const uint64_t unexpected = counters().ike_fragments_unexpected;
  EXPECT_TRUE(to_b(fragment(2, 2, 2, parts[1])).empty());
  EXPECT_EQ(counters().ike_fragments_unexpected, unexpected + 1);
  // Fragment 2 of 4: more than before: what was collected goes, the set starts over.
  const uint64_t dropped = counters().ike_reassembly_dropped;
  EXPECT_TRUE(to_b(fragment(2, 2, 4, parts[1])).empty());
  EXPECT_EQ(counters().ike_reassembly_dropped, dropped + 1);
  expect_message_completes(2, 4);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, DuplicatesAreCountedAndIgnored) {
  std::vector<Bytes> parts = chunks(3);
  const Bytes first = fragment(2, 1, 3, parts[0], PayloadType::VendorID);
  EXPECT_TRUE(to_b(first).empty());
  EXPECT_TRUE(to_b(first).empty());
  EXPECT_TRUE(to_b(fragment(2, 1, 3, parts[0], PayloadType::VendorID)).empty());  // sealed anew, same content
  EXPECT_EQ(counters().ike_fragments_duplicate, 2u);
  std::vector<Bytes> answers;
  for (uint16_t n : std::initializer_list<uint16_t>{2, 3}) {
    for (Bytes& a : to_b(fragment(2, n, 3, parts[n - 1]))) answers.push_back(std::move(a));
  }
  EXPECT_TRUE(open_answer(answers).empty());
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, AnAbsurdTotalIsDroppedWithoutReservingAnything) {
  const uint64_t before = counters().ike_reassembly_dropped;
  EXPECT_TRUE(to_b(fragment(2, 1, 65535, chunks(2)[0], PayloadType::VendorID)).empty());
  EXPECT_TRUE(to_b(fragment(2, 65535, 65535, chunks(2)[1])).empty());
  EXPECT_EQ(counters().ike_reassembly_dropped, before + 2);
  EXPECT_EQ(EndpointPeer::tasks(net.b, sa_of(net.b, "b-c")->id).reassemblies_pending(), 0u);
  expect_message_completes(2);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, FragmentsFailingTheIntegrityCheckAreDropped) {
  std::vector<Bytes> parts = chunks(3);
  for (size_t at : {size_t{kHdr + 2}, size_t{kHdr + 5}, size_t{kHdr + 10}, size_t{60}}) {
    Bytes forged = fragment(2, 2, 3, parts[1]);
    forged[at] ^= 0x01;  // Payload Length, Fragment Number, IV or ciphertext
    EXPECT_TRUE(to_b(forged).empty());
  }
  Bytes forged_icv = fragment(2, 1, 3, parts[0], PayloadType::VendorID);
  forged_icv.back() ^= 0x80;
  EXPECT_TRUE(to_b(forged_icv).empty());
  EXPECT_GE(counters().ike_fragments_invalid, 4u);
  expect_message_completes(2);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, FragmentsOutsideTheWindowAreDropped) {
  const uint64_t before = counters().dropped_bad_message_id;
  for (uint32_t id : {50u, 1000u, 0xffffffffu})
    EXPECT_TRUE(to_b(fragment(id, 1, 2, chunks(2)[0], PayloadType::VendorID)).empty());
  EXPECT_EQ(counters().dropped_bad_message_id, before + 3);
  EXPECT_EQ(EndpointPeer::tasks(net.b, sa_of(net.b, "b-c")->id).reassemblies_pending(), 0u);
  expect_message_completes(2);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, AReassembledChainThatIsMalformedIsAnsweredInvalidSyntax) {
  // Two authentic fragments whose joined inner chain has a Payload Length of 2.
  EXPECT_TRUE(to_b(fragment(2, 1, 2, Bytes{0, 0, 0}, PayloadType::Notify)).empty());
  const std::vector<wire::Payload> answer = open_answer(to_b(fragment(2, 2, 2, Bytes{2, 9, 9})));
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_NE(wire::find_notify(answer, wire::NotifyType::INVALID_SYNTAX), nullptr);
  expect_message_completes(3);
  expect_bystander_untouched();
}

TEST_F(BadInputFragments, FragmentsOfAnotherSaSealedWithTheAttackersKeysAreDropped) {
  // SKF with A's SPIs, sealed with C's keys: B opens it with A's and it fails.
  Bytes f = fragment(bystander.children.empty() ? 2 : 2, 1, 2, chunks(2)[0], PayloadType::VendorID);
  for (size_t i = 0; i < 8; ++i) {
    f[i] = static_cast<uint8_t>(bystander.spi_i >> (56 - 8 * i));
    f[kOffSpiR + i] = static_cast<uint8_t>(bystander.spi_r >> (56 - 8 * i));
  }
  const EndpointCounters before = counters();
  EXPECT_TRUE(to_b(f).empty());
  EXPECT_EQ(counters().ike_fragments_invalid + counters().dropped_bad_message_id,
            before.ike_fragments_invalid + before.dropped_bad_message_id + 1);
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

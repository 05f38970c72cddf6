// Bad input, class 1: the IKE header (RFC 7296 §3.1). Short datagrams,
// Length fields that lie, versions, flags, SPIs and Message IDs that no
// IKE_SA_INIT may carry. Everything but a higher major version is dropped
// without a word; reserved bits and the minor version are ignored (§3.1).
#include "bad_input_fixture.h"

namespace tern::ike::testing {
namespace {

class BadInputHeader : public BadInputTest {};

TEST_F(BadInputHeader, EmptyDatagramIsDropped) {
  expect_silent_drop({}, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, OneOctetIsDropped) {
  expect_silent_drop({0x00}, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, OneOctetShortOfAHeaderIsDropped) {
  Bytes init = c_init_request();
  init.resize(kHdr - 1);
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AHeaderWithoutPayloadsIsDropped) {
  // HDR(IKE_SA_INIT, Next Payload NONE, Length 28)  -->   (no SAi1, KEi, Ni)
  Bytes init = c_init_request();
  init.resize(kHdr);
  init[kOffNextPayload] = 0;
  put_u32(init, kOffLength, kHdr);
  expect_silent_drop(init, &EndpointCounters::dropped_undecodable);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, LengthOneMoreThanTheDatagramIsDropped) {
  Bytes init = c_init_request();
  put_u32(init, kOffLength, static_cast<uint32_t>(init.size() + 1));
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, LengthOneLessThanTheDatagramIsDropped) {
  Bytes init = c_init_request();
  put_u32(init, kOffLength, static_cast<uint32_t>(init.size() - 1));
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, LengthOfFourGigabytesIsDropped) {
  Bytes init = c_init_request();
  put_u32(init, kOffLength, 0xffffffff);
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, LengthShorterThanTheHeaderIsDropped) {
  Bytes init = c_init_request();
  put_u32(init, kOffLength, 0);
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, TrailingOctetsAfterTheMessageAreDropped) {
  Bytes init = c_init_request();
  init.push_back(0);  // the Length field still counts the message alone
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AHigherMajorVersionIsAnsweredInvalidMajorVersion) {
  // HDR(version 3.0), SAi1, KEi, Ni  -->
  //                        <--  HDR(version 2.0, R=1), N(INVALID_MAJOR_VERSION)   (§2.5)
  Bytes init = c_init_request();
  init[kOffVersion] = 0x30;
  const std::vector<Bytes> answers = to_b(init);
  expect_notify_answer(answers, wire::NotifyType::INVALID_MAJOR_VERSION);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers.front()[kOffVersion], 0x20) << "the answer names the version we speak";
  EXPECT_EQ(net.b.counters().invalid_major_version_sent, 1u);
  EXPECT_EQ(net.b.counters().dropped_malformed, 1u);
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AResponseWithAHigherMajorVersionIsNotAnswered) {
  Bytes init = c_init_request();
  init[kOffVersion] = 0xf0;
  init[kOffFlags] |= wire::kFlagResponse;
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  EXPECT_EQ(net.b.counters().invalid_major_version_sent, 0u);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AFloodOfHigherMajorVersionsIsAnsweredWithinTheRateLimit) {
  Bytes init = c_init_request();
  init[kOffVersion] = 0x40;
  size_t answered = 0;
  for (int i = 0; i < 50; ++i) answered += to_b(init).size();
  EXPECT_EQ(answered, net.b.config().invalid_ike_spi_per_second);
  EXPECT_EQ(net.b.counters().error_answers_rate_limited, 50 - answered);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AHigherMajorVersionShorterThanTheAnswerIsNotAnswered) {
  // HDR(version 3.0) alone, 28 octets: the 36-octet answer would amplify it.
  Bytes init = c_init_request();
  init.resize(kHdr);
  init[kOffVersion] = 0x30;
  init[kOffNextPayload] = 0;
  put_u32(init, kOffLength, kHdr);
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  EXPECT_EQ(net.b.counters().invalid_major_version_sent, 0u);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, IkeVersionOneIsDropped) {
  Bytes init = c_init_request();
  init[kOffVersion] = 0x10;
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  EXPECT_EQ(net.b.counters().invalid_major_version_sent, 0u);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AHigherMinorVersionIsIgnored) {
  // §3.1: "They MUST ignore the minor version number of received messages."
  Bytes init = c_init_request();
  init[kOffVersion] = 0x2f;
  expect_ike_sa_init_answer(init);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, ReservedFlagBitsAreIgnored) {
  // §3.1: bits 0-2 and 6-7 of Flags, and the V bit, MUST be ignored on receipt.
  Bytes init = c_init_request();
  init[kOffFlags] |= 0xc7 | wire::kFlagVersion;
  expect_ike_sa_init_answer(init);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, ZeroInitiatorSpiIsDropped) {
  Bytes init = c_init_request();
  for (size_t i = 0; i < 8; ++i) init[i] = 0;
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, IkeSaInitWithAResponderSpiIsDropped) {
  // A new IKE_SA_INIT has SPIr zero (§3.1); one naming an SPIr B never made is not answered either (§2.21.4
  // answers only requests of later exchanges with INVALID_IKE_SPI).
  Bytes init = c_init_request();
  init[kOffSpiR + 7] = 0x01;
  expect_silent_drop(init, &EndpointCounters::dropped_no_sa);
  EXPECT_EQ(net.b.counters().invalid_ike_spi_sent, 0u);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, IkeSaInitWithANonZeroMessageIdIsDropped) {
  Bytes init = c_init_request();
  put_u32(init, kOffMessageId, 1);
  expect_silent_drop(init, &EndpointCounters::dropped_no_sa);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, IkeSaInitWithTheResponseFlagIsNeverAnswered) {
  Bytes init = c_init_request();
  init[kOffFlags] |= wire::kFlagResponse;
  expect_silent_drop(init, &EndpointCounters::dropped_no_sa_response);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, IkeSaInitWithoutTheInitiatorFlagIsDropped) {
  Bytes init = c_init_request();
  init[kOffFlags] &= static_cast<uint8_t>(~wire::kFlagInitiator);
  expect_silent_drop(init, &EndpointCounters::dropped_no_sa);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, AnUnknownExchangeTypeForTheBystandersSpisIsDropped) {
  // HDR(A's SPIs, exchange 99), SK {...}  -->  from C's address: not authentic, dropped.
  Bytes init = c_init_request();
  for (size_t i = 0; i < 8; ++i) {
    init[i] = static_cast<uint8_t>(bystander.spi_i >> (56 - 8 * i));
    init[kOffSpiR + i] = static_cast<uint8_t>(bystander.spi_r >> (56 - 8 * i));
  }
  init[kOffExchange] = 99;
  put_u32(init, kOffMessageId, 7);
  const EndpointCounters before = net.b.counters();
  EXPECT_TRUE(to_b(init).empty());
  const EndpointCounters& after = net.b.counters();
  EXPECT_EQ(after.dropped_undecodable + after.dropped_bad_message_id,
            before.dropped_undecodable + before.dropped_bad_message_id + 1);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, OnTheNattPortADatagramWithoutTheNonEspMarkerIsDropped) {
  // RFC 3948 §2.2: on port 4500, IKE follows four zero octets; this is taken for ESP and not ours.
  Bytes init = c_init_request();
  Address b4500 = kAddrB;
  b4500.port = 4500;
  Address c4500 = kAddrC;
  c4500.port = 4500;
  const uint64_t before = net.b.counters().dropped_malformed;
  EXPECT_TRUE(to_b(init, c4500, b4500).empty());
  EXPECT_EQ(net.b.counters().dropped_malformed, before + 1);
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  expect_bystander_untouched();
}

TEST_F(BadInputHeader, EveryTruncationOfAnIkeSaInitIsDroppedAndLeavesNoState) {
  const Bytes init = c_init_request();
  for (size_t size = 0; size < init.size(); ++size) {
    Bytes cut(init.begin(), init.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_TRUE(to_b(cut).empty()) << size;
  }
  EXPECT_EQ(net.b.counters().dropped_malformed + net.b.counters().dropped_undecodable, init.size());
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

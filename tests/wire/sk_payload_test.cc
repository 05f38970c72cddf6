// SK (RFC 7296 §3.14) and SKF (RFC 7383 §2.5) payload bodies: opaque to wire/.
#include "wire/sk_payload.h"

#include <gtest/gtest.h>

#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

TEST(SkPayload, BodyIsOpaque) {
  samples::expect_round_trip(SkPayload{samples::pattern(100, 9), PayloadType::NONE});
  samples::expect_round_trip(SkPayload{{}, PayloadType::NONE});
}

TEST(SkfPayload, RoundTrips) {
  samples::expect_round_trip(SkfPayload{1, 3, samples::pattern(60, 1), PayloadType::NONE});
  samples::expect_round_trip(SkfPayload{3, 3, samples::pattern(10, 1), PayloadType::NONE});
  // Fragment Number, Total Fragments, encrypted
  EXPECT_EQ(to_hex(samples::body_of(SkfPayload{2, 5, hex("aabb"), PayloadType::NONE})), "00020005aabb");
}

TEST(SkfPayload, TruncatedFragmentFields) {
  for (const char* body : {"", "00", "0001", "000100"}) {
    auto skf = SkfPayload::parse(hex(body));
    ASSERT_FALSE(skf) << body;
    samples::expect_syntax_error(skf.error(), Errc::truncated);
  }
}

TEST(SkfPayload, FragmentNumberIsOneToTotal) {
  // number 0; number above total; total 0
  for (const char* body : {"0000 0003 aa", "0004 0003 aa", "0001 0000 aa", "0000 0000"}) {
    auto skf = SkfPayload::parse(hex(body));
    ASSERT_FALSE(skf) << body;
    samples::expect_syntax_error(skf.error(), Errc::invalid_syntax);
  }
}

}  // namespace
}  // namespace tern::wire

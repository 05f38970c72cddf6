// Nonce payload (RFC 7296 §3.9): 16..256 octets.
#include "wire/nonce_payload.h"

#include <gtest/gtest.h>

#include "wire_samples.h"

namespace tern::wire {
namespace {

TEST(NoncePayload, RoundTripsEverySizeFrom16To256) {
  for (size_t n : {kMinNonceSize, size_t{32}, size_t{64}, kMaxNonceSize}) {
    samples::expect_round_trip(NoncePayload{samples::pattern(n, 3)});
  }
}

TEST(NoncePayload, TooShortOrTooLongIsInvalidSyntax) {
  for (size_t n : {size_t{0}, size_t{1}, kMinNonceSize - 1, kMaxNonceSize + 1, size_t{1000}}) {
    auto nonce = NoncePayload::parse(samples::pattern(n, 0));
    ASSERT_FALSE(nonce) << n;
    samples::expect_syntax_error(nonce.error(), Errc::invalid_syntax);
  }
}

}  // namespace
}  // namespace tern::wire

// Vendor ID (RFC 7296 §3.12) and unknown payload bodies: opaque, never fail.
#include "wire/vendor_id_payload.h"

#include <gtest/gtest.h>

#include "wire/unknown_payload.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

TEST(VendorIdPayload, RoundTrips) {
  samples::expect_round_trip(VendorIdPayload{samples::hex("882fe56d6fd20dbc2251613b2ebe5beb")});
  samples::expect_round_trip(VendorIdPayload{});
}

TEST(UnknownPayload, RoundTrips) {
  samples::expect_round_trip(UnknownPayload{samples::pattern(13, 0)});
  samples::expect_round_trip(UnknownPayload{});
}

}  // namespace
}  // namespace tern::wire

#include "wire/iana.h"

#include <gtest/gtest.h>

namespace tern::wire {
namespace {

TEST(Iana, NamesFollowTheRfcs) {
  EXPECT_EQ(to_string(ExchangeType::IKE_SA_INIT), "IKE_SA_INIT");
  EXPECT_EQ(to_string(PayloadType::SKF), "SKF");
  EXPECT_EQ(to_string(NotifyType::NAT_DETECTION_SOURCE_IP), "NAT_DETECTION_SOURCE_IP");
  EXPECT_EQ(to_string(EncrId::NULL_), "NULL");
  EXPECT_EQ(transform_id_to_string(TransformType::PRF, 5), "PRF_HMAC_SHA2_256");
  EXPECT_EQ(transform_id_to_string(TransformType::KE, 31), "CURVE25519");
}

TEST(Iana, UnknownValuesAreRepresentableAndPrinted) {
  EXPECT_EQ(to_string(static_cast<NotifyType>(12345)), "UNKNOWN(12345)");
  EXPECT_EQ(to_string(static_cast<PayloadType>(200)), "UNKNOWN(200)");
}

TEST(Iana, ErrorNotifiesAreBelow16384) {
  EXPECT_TRUE(is_error_notify(NotifyType::INVALID_SYNTAX));
  EXPECT_FALSE(is_error_notify(NotifyType::COOKIE));
}

}  // namespace
}  // namespace tern::wire

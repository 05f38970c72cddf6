// prf+ (RFC 7296 §2.13) checked against the chain written out by hand:
//   T1 = prf (K, S | 0x01), T2 = prf (K, T1 | S | 0x02), T3 = prf (K, T2 | S | 0x03) ...
#include "crypto/prf_plus.h"

#include <gtest/gtest.h>

namespace tern::crypto {
namespace {

using wire::PrfId;

Prf make(PrfId id) {
  auto prf = Prf::create(id);
  EXPECT_TRUE(prf.has_value());
  return *prf;
}

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) append(out, p);
  return out;
}

TEST(PrfPlus, IsTheHmacChainOfSection2_13) {
  const Prf prf = make(PrfId::HMAC_SHA2_256);
  const Bytes K(32, 0x4b);
  const Bytes S =
      concat({Bytes(16, 0x11), Bytes(16, 0x22), Bytes(8, 0x33), Bytes(8, 0x44)});  // Ni | Nr | SPIi | SPIr

  const uint8_t one = 0x01, two = 0x02, three = 0x03;
  const SecretBytes T1 = prf.compute(K, concat({S, ByteView(&one, 1)}));
  const SecretBytes T2 = prf.compute(K, concat({T1.view(), S, ByteView(&two, 1)}));
  const SecretBytes T3 = prf.compute(K, concat({T2.view(), S, ByteView(&three, 1)}));
  const Bytes expected = concat({T1.view(), T2.view(), T3.view()});

  // 80 octets: T1 | T2 | the first 16 octets of T3.
  const SecretBytes out = prf_plus(prf, K, S, 80);
  ASSERT_EQ(out.size(), 80u);
  EXPECT_EQ(to_hex(out.view()), to_hex(ByteView(expected).first(80)));
}

TEST(PrfPlus, AShorterRequestIsAPrefixOfALongerOne) {
  for (PrfId id : {PrfId::HMAC_SHA1, PrfId::HMAC_SHA2_512, PrfId::AES128_XCBC, PrfId::AES128_CMAC}) {
    const Prf prf = make(id);
    const SecretBytes longer = prf_plus(prf, as_bytes("key"), as_bytes("seed"), 200);
    for (size_t n : {size_t{0}, size_t{1}, prf.output_size() - 1, prf.output_size(), prf.output_size() + 1,
                     size_t{199}}) {
      EXPECT_EQ(prf_plus(prf, as_bytes("key"), as_bytes("seed"), n), longer.slice(0, n))
          << wire::to_string(id) << " " << n;
    }
  }
}

TEST(PrfPlus, AllowsExactly255Iterations) {
  const Prf prf = make(PrfId::HMAC_SHA1);  // 20 octets per iteration
  constexpr size_t kBlock = 20;
  const SecretBytes out = prf_plus(prf, as_bytes("key"), as_bytes("seed"), 255 * kBlock);
  EXPECT_EQ(out.size(), 255 * kBlock);
  // The last block is T255 = prf(K, T254 | S | 0xff).
  const uint8_t counter = 0xff;
  EXPECT_EQ(prf.compute(as_bytes("key"),
                        {out.slice(253 * kBlock, kBlock).view(), as_bytes("seed"), ByteView(&counter, 1)}),
            out.slice(254 * kBlock, kBlock));
}

TEST(PrfPlusDeathTest, Asking256IterationsIsABug) {
  const Prf prf = make(PrfId::HMAC_SHA1);
  EXPECT_DEATH(prf_plus(prf, as_bytes("key"), as_bytes("seed"), size_t{255} * 20 + 1), "255 iterations");
}

}  // namespace
}  // namespace tern::crypto

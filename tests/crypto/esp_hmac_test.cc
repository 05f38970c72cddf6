// The two pieces under the AES-CBC ESP cipher: EspHmac (both implementations
// against RFC 4868 §2.7.2 / RFC 2202 vectors and against each other, with the
// ESN trailer) and CbcIvSource (unique, seed-dependent IVs).
#include "crypto/esp_hmac.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/esp_iv.h"
#include "crypto/random.h"
#include "crypto/suite.h"

namespace tern::crypto {
namespace {

using wire::IntegId;

Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

std::unique_ptr<EspHmac> make(IntegId integ, ByteView key, HmacImpl impl) {
  auto m = EspHmac::create(integ, key, impl);
  EXPECT_TRUE(m.has_value()) << m.error().to_string();
  return m ? std::move(*m) : nullptr;
}

struct Vector {
  const char* name;
  IntegId integ;
  Bytes key;
  const char* icv;
};

// RFC 4868 §2.7.2.1 AUTH256-3, §2.7.2.2 AUTH384-3, §2.7.2.3 AUTH512-3 (key
// 0xaa.., data 0xdd x 50), and RFC 2202 §3 test case 3 for HMAC-SHA-1
// (key 0xaa x 20, same data), truncated to the ICV length.
TEST(EspHmac, RfcVectorsWithBothImplementations) {
  const Vector vectors[] = {
      {"HMAC-SHA1-96", IntegId::HMAC_SHA1_96, Bytes(20, 0xaa), "125d7342b9ac11cd91a39af4"},
      {"AUTH256-3", IntegId::HMAC_SHA2_256_128, Bytes(32, 0xaa), "cdcb1220d1ecccea91e53aba3092f962"},
      {"AUTH384-3", IntegId::HMAC_SHA2_384_192, Bytes(48, 0xaa),
       "809f439be00274321d4a538652164b53554a508184a0c316"},
      {"AUTH512-3", IntegId::HMAC_SHA2_512_256, Bytes(64, 0xaa),
       "2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8"},
  };
  const Bytes data(50, 0xdd);
  for (const Vector& v : vectors) {
    for (HmacImpl impl : {HmacImpl::digest_states, HmacImpl::evp_mac}) {
      SCOPED_TRACE(fmt::format("{} impl {}", v.name, static_cast<int>(impl)));
      auto mac = make(v.integ, v.key, impl);
      ASSERT_NE(mac, nullptr);
      ASSERT_EQ(mac->icv_size() * 2, std::string_view(v.icv).size());
      for (int repeat = 0; repeat < 3; ++repeat) {  // the keyed state is reused, not consumed
        uint8_t icv[32] = {};
        mac->compute(data, {}, icv);
        EXPECT_EQ(to_hex(ByteView(icv, mac->icv_size())), v.icv);
        // The split between data and trailer does not matter: it is one octet string.
        mac->compute(ByteView(data).first(46), ByteView(data).subspan(46), icv);
        EXPECT_EQ(to_hex(ByteView(icv, mac->icv_size())), v.icv);
      }
    }
  }
}

TEST(EspHmac, ImplementationsAgreeOnEveryLength) {
  for (IntegId integ : {IntegId::HMAC_SHA1_96, IntegId::HMAC_SHA2_256_128, IntegId::HMAC_SHA2_384_192,
                        IntegId::HMAC_SHA2_512_256}) {
    SCOPED_TRACE(wire::to_string(integ));
    SeededRandom random(static_cast<uint64_t>(integ));
    const size_t key_size = integ_key_size(integ).value_or(0);
    const Bytes key = random.bytes(key_size);
    auto a = make(integ, key, HmacImpl::digest_states);
    auto b = make(integ, key, HmacImpl::evp_mac);
    ASSERT_TRUE(a && b);
    const Bytes data = random.bytes(300);
    const Bytes esn = h("00000001");
    for (size_t n = 0; n <= data.size(); n += 7) {
      uint8_t x[32], y[32];
      a->compute(ByteView(data).first(n), esn, x);
      b->compute(ByteView(data).first(n), esn, y);
      EXPECT_EQ(to_hex(ByteView(x, a->icv_size())), to_hex(ByteView(y, b->icv_size()))) << n;
    }
  }
}

TEST(EspHmac, CreateChecksTransformAndKey) {
  EXPECT_EQ(EspHmac::create(IntegId::AES_XCBC_96, Bytes(16, 1)).error().code, Errc::unsupported);
  EXPECT_EQ(EspHmac::create(IntegId::NONE, {}).error().code, Errc::unsupported);
  EXPECT_EQ(EspHmac::create(IntegId::HMAC_SHA2_256_128, Bytes(31, 1)).error().code, Errc::bad_key);
  EXPECT_EQ(EspHmac::create(IntegId::HMAC_SHA2_512_256, Bytes(65, 1), HmacImpl::evp_mac).error().code,
            Errc::bad_key);
}

TEST(CbcIvSource, IvsAreUniqueAndDependOnTheSeed) {
  SeededRandom r1(1), r2(2);
  auto a = CbcIvSource::create(r1);
  auto b = CbcIvSource::create(r2);
  ASSERT_TRUE(a.has_value() && b.has_value());
  std::set<Bytes> seen;
  for (int i = 0; i < 5000; ++i) {  // many batches
    Bytes x(16), y(16);
    (*a)->next(x);
    (*b)->next(y);
    seen.insert(x);
    seen.insert(y);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace tern::crypto

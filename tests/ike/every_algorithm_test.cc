// Every IKE algorithm tern implements, through the whole IKE_SA_INIT +
// IKE_AUTH exchange between two Endpoints, and establishment initiated from
// either end ("both directions"):
//
//   HDR, SAi1, KEi, Ni  -->                     <--  HDR, SAr1, KEr, Nr
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->    <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//
// One axis varies at a time against a fixed base (AES-GCM-16-128,
// PRF-HMAC-SHA2-256, X25519): every key-exchange group, every PRF, every
// SK encryption/integrity combination.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange_harness.h"

namespace tern::ike {
namespace {

using namespace tern::ike::testing;
using wire::EncrId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

struct Algorithm {
  std::string name;
  crypto::IkeSuite suite;
};

std::vector<Algorithm> every_algorithm() {
  const crypto::IkeSuite base{EncrId::AES_GCM_16, 128, PrfId::HMAC_SHA2_256, IntegId::NONE,
                              KeGroup::CURVE25519};
  std::vector<Algorithm> out;
  for (KeGroup g : {KeGroup::MODP_2048, KeGroup::MODP_3072, KeGroup::MODP_4096, KeGroup::ECP_256,
                    KeGroup::ECP_384, KeGroup::ECP_521, KeGroup::CURVE25519, KeGroup::CURVE448}) {
    crypto::IkeSuite s = base;
    s.ke = g;
    out.push_back({"ke_" + wire::to_string(g), s});
  }
  for (PrfId p : {PrfId::HMAC_SHA1, PrfId::HMAC_SHA2_256, PrfId::HMAC_SHA2_384, PrfId::HMAC_SHA2_512,
                  PrfId::AES128_XCBC, PrfId::AES128_CMAC}) {
    crypto::IkeSuite s = base;
    s.prf = p;
    out.push_back({"prf_" + wire::to_string(p), s});
  }
  for (uint16_t bits : {uint16_t{128}, uint16_t{192}, uint16_t{256}}) {
    crypto::IkeSuite s = base;
    s.encr_key_bits = bits;
    out.push_back({"aes_gcm_16_" + std::to_string(bits), s});
    for (IntegId i : {IntegId::HMAC_SHA1_96, IntegId::HMAC_SHA2_256_128, IntegId::HMAC_SHA2_384_192,
                      IntegId::HMAC_SHA2_512_256}) {
      crypto::IkeSuite c = base;
      c.encr = EncrId::AES_CBC;
      c.encr_key_bits = bits;
      c.integ = i;
      out.push_back({"aes_cbc_" + std::to_string(bits) + "_" + wire::to_string(i), c});
    }
  }
  crypto::IkeSuite chacha = base;
  chacha.encr = EncrId::CHACHA20_POLY1305;
  chacha.encr_key_bits = 256;
  out.push_back({"chacha20_poly1305", chacha});
  return out;
}

class EveryAlgorithm : public ::testing::TestWithParam<Algorithm> {};

TEST_P(EveryAlgorithm, EstablishesAnIkeSaAndItsChildSa) {
  ConnectionConfig a = config_a(), b = config_b();
  a.proposals = b.proposals = {GetParam().suite};
  TwoPeers net(a, b);
  net.up();
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << net.dump_events();
  ASSERT_TRUE(net.log_b.has_event(EventKind::ike_sa_established)) << net.dump_events();
  expect_matching_children(net.log_a, net.log_b);
  const IkeSaStatus* sa = net.only_sa(net.a);
  ASSERT_NE(sa, nullptr);
  ASSERT_TRUE(sa->suite.has_value());
  EXPECT_EQ(sa->suite->to_string(), GetParam().suite.to_string());
}

INSTANTIATE_TEST_SUITE_P(Ike, EveryAlgorithm, ::testing::ValuesIn(every_algorithm()),
                         [](const ::testing::TestParamInfo<Algorithm>& p) { return p.param.name; });

// Either end may initiate the same pair of connections: here B starts.
//   B: HDR, SAi1, KEi, Ni  -->  A
TEST(BothDirections, TheOtherPeerInitiates) {
  TwoPeers net(config_a(), config_b());
  ASSERT_TRUE(net.b.command(Up{"b-a"}, net.now).has_value());
  net.collect();
  net.deliver_all();
  ASSERT_TRUE(net.log_a.has_event(EventKind::ike_sa_established)) << net.dump_events();
  ASSERT_TRUE(net.log_b.has_event(EventKind::ike_sa_established)) << net.dump_events();
  expect_matching_children(net.log_b, net.log_a);
  // only_sa() points into a snapshot that the next call replaces: copy each.
  ASSERT_NE(net.only_sa(net.a), nullptr);
  const IkeSaStatus a = *net.only_sa(net.a);
  ASSERT_NE(net.only_sa(net.b), nullptr);
  const IkeSaStatus b = *net.only_sa(net.b);
  EXPECT_TRUE(b.initiator);
  EXPECT_FALSE(a.initiator);
  EXPECT_EQ(a.spi_i, b.spi_i);
  EXPECT_EQ(a.spi_r, b.spi_r);
}

}  // namespace
}  // namespace tern::ike

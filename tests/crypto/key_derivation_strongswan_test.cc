// IKE SA key derivation checked against strongSwan: for each reference
// exchange in tests/data/strongswan/<proposal>/ (captured from strongSwan
// 5.9.8 at log level "ike 4"), keys.txt holds the SPIs, nonces, the DH shared
// secret g^ir and the SKEYSEED / SK_* strongSwan derived; messages/ holds the
// IKE_SA_INIT packets, which must carry the same SPIs and nonces. tern must
// derive the same SKEYSEED and the same seven keys from the same inputs
// (RFC 7296 §2.14).
#include <gtest/gtest.h>

#include <string>

#include "crypto/key_derivation.h"
#include "crypto/key_exchange.h"
#include "support/strongswan_reference.h"

namespace tern::crypto {
namespace {

using wire::EncrId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

using testing::StrongswanReference;

struct Reference {
  const char* dir;
  const char* selected_proposal;  // as strongSwan printed it
  IkeSuite suite;
  size_t g_ir_octets;  // what tern's KeyExchange produces for the group
};

const Reference kReferences[] = {
    {"aes128gcm16-prfsha256-x25519",
     "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519",
     {EncrId::AES_GCM_16, 128, PrfId::HMAC_SHA2_256, IntegId::NONE, KeGroup::CURVE25519},
     32},
    {"chacha20poly1305-prfsha256-x448",
     "CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_448",
     {EncrId::CHACHA20_POLY1305, 0, PrfId::HMAC_SHA2_256, IntegId::NONE, KeGroup::CURVE448},
     56},
    {"aes256gcm16-prfsha384-ecp384",
     "AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384",
     {EncrId::AES_GCM_16, 256, PrfId::HMAC_SHA2_384, IntegId::NONE, KeGroup::ECP_384},
     48},
    {"aes128-sha512-ecp521",
     "AES_CBC_128/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_521",
     {EncrId::AES_CBC, 128, PrfId::HMAC_SHA2_512, IntegId::HMAC_SHA2_512_256, KeGroup::ECP_521},
     66},
    {"aes256-sha256-modp2048",
     "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
     {EncrId::AES_CBC, 256, PrfId::HMAC_SHA2_256, IntegId::HMAC_SHA2_256_128, KeGroup::MODP_2048},
     256},
    {"aes256-sha384-modp3072",
     "AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_3072",
     {EncrId::AES_CBC, 256, PrfId::HMAC_SHA2_384, IntegId::HMAC_SHA2_384_192, KeGroup::MODP_3072},
     384},
};

class StrongSwanReference : public ::testing::TestWithParam<Reference> {};

// The message file as lower-case hex, for prefix/substring checks.
std::string message_hex(const StrongswanReference& data, const std::string& prefix) {
  return to_hex(data.message(prefix));
}

TEST_P(StrongSwanReference, NoncesAndSpisAreThoseOfTheCapturedIkeSaInit) {
  const Reference& ref = GetParam();
  auto data = StrongswanReference::load(ref.dir);
  EXPECT_EQ(data.text("selected_proposal"), ref.selected_proposal);
  const std::string request = message_hex(data, "01-IKE_SA_INIT-request");
  const std::string response = message_hex(data, "02-IKE_SA_INIT-response");
  // HDR: IKE SA Initiator's SPI | IKE SA Responder's SPI (zero in the request)
  EXPECT_TRUE(request.starts_with(data.text("SPIi") + "0000000000000000"));
  EXPECT_TRUE(response.starts_with(data.text("SPIi") + data.text("SPIr")));
  // Ni in the request's Nonce payload, Nr in the response's.
  EXPECT_NE(request.find(data.text("Ni")), std::string::npos);
  EXPECT_NE(response.find(data.text("Nr")), std::string::npos);
}

TEST_P(StrongSwanReference, SharedSecretHasTheLengthTernProduces) {
  const Reference& ref = GetParam();
  EXPECT_EQ(StrongswanReference::load(ref.dir).bytes("g_ir").size(), ref.g_ir_octets);
}

TEST_P(StrongSwanReference, TernDerivesTheSameSkeyseedAndKeys) {
  const Reference& ref = GetParam();
  auto keys = StrongswanReference::load(ref.dir);
  const Bytes g_ir = keys.bytes("g_ir"), Ni = keys.bytes("Ni"), Nr = keys.bytes("Nr");

  auto prf = Prf::create(ref.suite.prf);
  ASSERT_TRUE(prf.has_value());
  EXPECT_EQ(to_hex(compute_skeyseed(*prf, Ni, Nr, g_ir).view()), keys.text("SKEYSEED"));

  auto derived = derive_ike_sa_keys(ref.suite, g_ir, Ni, Nr, keys.spi("SPIi"), keys.spi("SPIr"));
  ASSERT_TRUE(derived.has_value()) << derived.error().to_string();
  EXPECT_EQ(to_hex(derived->SK_d.view()), keys.text("SK_d"));
  EXPECT_EQ(to_hex(derived->SK_ai.view()), keys.text("SK_ai"));
  EXPECT_EQ(to_hex(derived->SK_ar.view()), keys.text("SK_ar"));
  EXPECT_EQ(to_hex(derived->SK_ei.view()), keys.text("SK_ei"));
  EXPECT_EQ(to_hex(derived->SK_er.view()), keys.text("SK_er"));
  EXPECT_EQ(to_hex(derived->SK_pi.view()), keys.text("SK_pi"));
  EXPECT_EQ(to_hex(derived->SK_pr.view()), keys.text("SK_pr"));
}

INSTANTIATE_TEST_SUITE_P(Proposals, StrongSwanReference, ::testing::ValuesIn(kReferences),
                         [](const ::testing::TestParamInfo<Reference>& param_info) {
                           std::string name;
                           for (const char* c = param_info.param.dir; *c; ++c) {
                             name.push_back(std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_');
                           }
                           return name;
                         });

}  // namespace
}  // namespace tern::crypto

// The engine as responder to strongSwan's real IKE_SA_INIT requests (the six
// captured in tests/data/strongswan/): each parses, passes the payload rules,
// and is answered with
//                      <--  HDR, SAr1, KEr, Nr, N(NAT_DETECTION_*)...
// choosing the proposal strongSwan's own responder chose in the capture, with
// the KE group strongSwan sent. strongSwan fakes a NAT (kernel-libipsec), so the
// responder must also detect one. Evidence that tern's parsing and proposal
// selection accept what strongSwan really sends (many transforms, vendor IDs,
// notifies), independent of tern's own encoder.
#include <gtest/gtest.h>

#include <memory>

#include "ike/endpoint.h"
#include "support/strongswan_reference.h"
#include "wire/message.h"

namespace tern::ike {
namespace {

using wire::EncrId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

struct Capture {
  const char* suite;
  crypto::IkeSuite expected;
};

const Capture kCaptures[] = {
    {"aes128gcm16-prfsha256-x25519",
     {EncrId::AES_GCM_16, 128, PrfId::HMAC_SHA2_256, IntegId::NONE, KeGroup::CURVE25519}},
    {"aes256-sha256-modp2048",
     {EncrId::AES_CBC, 256, PrfId::HMAC_SHA2_256, IntegId::HMAC_SHA2_256_128, KeGroup::MODP_2048}},
    {"aes256gcm16-prfsha384-ecp384",
     {EncrId::AES_GCM_16, 256, PrfId::HMAC_SHA2_384, IntegId::NONE, KeGroup::ECP_384}},
    {"aes128-sha512-ecp521",
     {EncrId::AES_CBC, 128, PrfId::HMAC_SHA2_512, IntegId::HMAC_SHA2_512_256, KeGroup::ECP_521}},
    {"chacha20poly1305-prfsha256-x448",
     {EncrId::CHACHA20_POLY1305, 256, PrfId::HMAC_SHA2_256, IntegId::NONE, KeGroup::CURVE448}},
    {"aes256-sha384-modp3072",
     {EncrId::AES_CBC, 256, PrfId::HMAC_SHA2_384, IntegId::HMAC_SHA2_384_192, KeGroup::MODP_3072}},
};

class StrongswanRequest : public ::testing::TestWithParam<Capture> {};

TEST_P(StrongswanRequest, IsAnsweredWithTheProposalStrongswanChose) {
  auto ref = testing::StrongswanReference::load(GetParam().suite);
  const Address responder = Address::ipv4({198, 51, 100, 2}, 500);
  const Address initiator = Address::ipv4({198, 51, 100, 1}, 500);
  auto c = std::make_shared<ConnectionConfig>();
  c->name = "strongswan";
  c->local = responder;
  c->remote = initiator;
  c->proposals = {GetParam().expected};
  c->local_id = Identity::rfc822(ref.text("id_r"));
  c->remote_id = Identity::rfc822(ref.text("id_i"));
  c->psk = SecretBytes(as_bytes(ref.text("psk")));
  c->children[0].esp_proposals = {EspSuite{}};
  crypto::SeededRandom random{1};
  Endpoint endpoint(EndpointConfig{{c}}, random);

  // HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP), ...  -->
  endpoint.on_datagram(responder, initiator, ref.message("01-IKE_SA_INIT-request"),
                       timestamp_from_us(1'000'000));
  std::vector<Effect> effects = endpoint.take_effects();
  const Send* send = nullptr;
  for (const Effect& e : effects) {
    if (const auto* s = std::get_if<Send>(&e)) send = s;
  }
  ASSERT_NE(send, nullptr) << "no answer to strongSwan's IKE_SA_INIT";
  EXPECT_EQ(send->remote, initiator);

  auto answer = wire::parse_message(send->bytes);
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_EQ(answer->header.spi_i, ref.spi("SPIi"));
  EXPECT_TRUE(answer->header.is_response());
  const auto* sa = wire::find_payload(answer->payloads, wire::PayloadType::SA);
  const auto* ke = wire::find_payload(answer->payloads, wire::PayloadType::KE);
  ASSERT_NE(sa, nullptr) << "answer without SAr1 (error notify?)";
  ASSERT_NE(ke, nullptr);
  EXPECT_NE(wire::find_payload(answer->payloads, wire::PayloadType::Nonce), nullptr);
  EXPECT_EQ(std::get<wire::KePayload>(ke->body).group, GetParam().expected.ke);
  const auto& proposals = std::get<wire::SaPayload>(sa->body).proposals;
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].protocol, wire::ProtocolId::IKE);

  std::vector<IkeSaStatus> status = endpoint.status();
  ASSERT_EQ(status.size(), 1u);
  ASSERT_TRUE(status[0].suite.has_value());
  EXPECT_EQ(status[0].suite->to_string(), GetParam().expected.to_string());
  EXPECT_TRUE(status[0].nat_detected) << "strongSwan's faked NAT_DETECTION_SOURCE_IP went unnoticed";
}

INSTANTIATE_TEST_SUITE_P(Captures, StrongswanRequest, ::testing::ValuesIn(kCaptures),
                         [](const ::testing::TestParamInfo<Capture>& p) {
                           std::string n = p.param.suite;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace tern::ike

// Bad input, classes 3 and 4: the SA payload (RFC 7296 §3.3) and the KE
// payload (§3.4) of IKE_SA_INIT.
//
// SA: proposals without a mandatory transform type, NONE or unknown
// transforms, wrong KEY_LENGTH attributes, other protocols, absurd counts:
// answered N(NO_PROPOSAL_CHOSEN) (§2.7, §3.3.6) when the SA payload parses,
// dropped when its counts and lengths do not.
// KE: a group other than the selected one is answered N(INVALID_KE_PAYLOAD)
// naming ours (§1.2); a public value we refuse (wrong length, 0, 1, p-1,
// not on the curve, an X25519 point giving an all-zero secret: RFC 6989,
// RFC 7748 §6.1) is answered N(INVALID_SYNTAX). No IKE SA is kept.
#include "bad_input_fixture.h"
#include "ike/proposal.h"

namespace tern::ike::testing {
namespace {

using wire::KeGroup;
using wire::NotifyType;
using wire::TransformType;

const char* const kModp2048PrimeHex =  // RFC 3526 §3
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF";

// B accepts all three suites from C (and C offers the first).
ConnectionConfig c_with_three_suites() {
  ConnectionConfig c = config_c();
  c.proposals = {kAes128Gcm, kAes256Sha256Modp2048, kAes256GcmEcp384};
  return c;
}
ConnectionConfig b_with_three_suites() {
  ConnectionConfig b = config_b_for_c();
  b.proposals = {kAes128Gcm, kAes256Sha256Modp2048, kAes256GcmEcp384};
  return b;
}

class BadInputSaKe : public BadInputTest {
 protected:
  BadInputSaKe() : BadInputTest(c_with_three_suites(), b_with_three_suites()) {}

  // C's IKE_SA_INIT with SAi1 = `proposals` (and KEi as C made it, unless `ke`).
  Bytes init_offering(std::vector<wire::Proposal> proposals, std::optional<wire::KePayload> ke = {}) {
    wire::Message m = c_init_message();
    for (wire::Payload& p : m.payloads) {
      if (p.type == wire::PayloadType::SA) p.body = wire::SaPayload{std::move(proposals)};
      if (p.type == wire::PayloadType::KE && ke) p.body = *ke;
    }
    return wire::build_message(m);
  }
  // One proposal: the suite as tern would offer it, then `change` applied to its transforms.
  template <typename Change>
  static wire::Proposal proposal(const crypto::IkeSuite& suite, Change change) {
    wire::Proposal p = ike_proposal(suite, 1);
    change(p.transforms);
    return p;
  }
  static wire::Proposal proposal(const crypto::IkeSuite& suite) { return ike_proposal(suite, 1); }
  static void erase_type(std::vector<wire::Transform>& transforms, TransformType type) {
    std::erase_if(transforms, [&](const wire::Transform& t) { return t.type == type; });
  }
  // B refuses with N(`type`) and keeps nothing; counted as an IKE_SA_INIT refusal.
  void expect_refused(const Bytes& init, NotifyType type) {
    const uint64_t before = net.b.counters().ike_sa_init_refused;
    expect_unprotected_refusal(init, type);
    EXPECT_EQ(net.b.counters().ike_sa_init_refused, before + 1);
  }
  Bytes ke_x25519(Bytes value) {
    return init_offering({proposal(kAes128Gcm)}, wire::KePayload{KeGroup::CURVE25519, std::move(value)});
  }
  Bytes ke_modp(Bytes value) {
    return init_offering({proposal(kAes256Sha256Modp2048)},
                         wire::KePayload{KeGroup::MODP_2048, std::move(value)});
  }
  Bytes ke_ecp384(Bytes value) {
    return init_offering({proposal(kAes256GcmEcp384)}, wire::KePayload{KeGroup::ECP_384, std::move(value)});
  }
  static Bytes modp_prime() { return *from_hex(kModp2048PrimeHex); }
};

// --- SA (class 3) -----------------------------------------------------------

class BadInputSa : public BadInputSaKe {};

TEST_F(BadInputSa, AProposalWithoutEncryptionIsNoProposalChosen) {
  expect_refused(init_offering({proposal(kAes128Gcm, [](auto& t) { erase_type(t, TransformType::ENCR); })}),
                 NotifyType::NO_PROPOSAL_CHOSEN);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, AProposalWithoutPrfIsNoProposalChosen) {
  expect_refused(init_offering({proposal(kAes128Gcm, [](auto& t) { erase_type(t, TransformType::PRF); })}),
                 NotifyType::NO_PROPOSAL_CHOSEN);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, AProposalWithoutKeyExchangeIsNoProposalChosen) {
  expect_refused(init_offering({proposal(kAes128Gcm, [](auto& t) { erase_type(t, TransformType::KE); })}),
                 NotifyType::NO_PROPOSAL_CHOSEN);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, CbcWithoutIntegrityIsNoProposalChosen) {
  expect_refused(
      init_offering({proposal(kAes256Sha256Modp2048, [](auto& t) { erase_type(t, TransformType::INTEG); })},
                    wire::KePayload{KeGroup::MODP_2048, Bytes(256, 2)}),
      NotifyType::NO_PROPOSAL_CHOSEN);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, NoneTransformsAreNoProposalChosen) {
  // ENCR_NULL (11), PRF 0, KE NONE (0): nothing tern would ever agree to for an IKE SA.
  expect_refused(init_offering({proposal(kAes128Gcm,
                                         [](auto& t) {
                                           for (auto& x : t)
                                             if (x.type == TransformType::ENCR)
                                               x = wire::Transform{TransformType::ENCR, 11, {}};
                                         })}),
                 NotifyType::NO_PROPOSAL_CHOSEN);
  expect_refused(init_offering({proposal(kAes128Gcm,
                                         [](auto& t) {
                                           for (auto& x : t)
                                             if (x.type == TransformType::PRF) x.id = 0;
                                         })}),
                 NotifyType::NO_PROPOSAL_CHOSEN);
  expect_refused(init_offering({proposal(kAes128Gcm,
                                         [](auto& t) {
                                           for (auto& x : t)
                                             if (x.type == TransformType::KE) x.id = 0;
                                         })}),
                 NotifyType::NO_PROPOSAL_CHOSEN);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, WrongKeyLengthAttributesAreNoProposalChosen) {
  for (std::vector<wire::TransformAttribute> attributes :
       {std::vector<wire::TransformAttribute>{},
        {wire::TransformAttribute::key_length(0)},
        {wire::TransformAttribute::key_length(129)},
        {wire::TransformAttribute::key_length(65535)},
        {wire::TransformAttribute::key_length(128), wire::TransformAttribute::key_length(256)}}) {
    expect_refused(init_offering({proposal(kAes128Gcm,
                                           [&](auto& t) {
                                             for (auto& x : t)
                                               if (x.type == TransformType::ENCR) x.attributes = attributes;
                                           })}),
                   NotifyType::NO_PROPOSAL_CHOSEN);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputSa, AnUnknownTransformTypeRejectsItsProposal) {
  // §3.3.6: a proposal with a transform type we do not understand is rejected.
  expect_refused(
      init_offering({proposal(kAes128Gcm,
                              [](auto& t) {
                                t.push_back(wire::Transform{static_cast<TransformType>(200), 1, {}});
                              })}),
      NotifyType::NO_PROPOSAL_CHOSEN);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, EspAndAhProposalsInIkeSaInitAreNoProposalChosen) {
  for (wire::ProtocolId protocol : {wire::ProtocolId::AH, wire::ProtocolId::ESP}) {
    wire::Proposal p = proposal(kAes128Gcm);
    p.protocol = protocol;
    p.spi = Bytes(4, 1);
    expect_refused(init_offering({p}), NotifyType::NO_PROPOSAL_CHOSEN);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputSa, ProtocolIdsZeroAndUnassignedAreDropped) {
  // Protocol ID 0 is reserved and 200 unassigned (§3.3.1): the SA payload itself is malformed.
  for (wire::ProtocolId protocol : {wire::ProtocolId::NONE, static_cast<wire::ProtocolId>(200)}) {
    wire::Proposal p = proposal(kAes128Gcm);
    p.protocol = protocol;
    expect_silent_drop(init_offering({p}), &EndpointCounters::dropped_malformed);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputSa, AnEmptySaPayloadIsRefused) {
  const std::vector<Bytes> answers = to_b(init_offering({}));
  if (!answers.empty()) expect_notify_answer(answers, NotifyType::NO_PROPOSAL_CHOSEN);
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, HundredsOfTransformsAreSearchedAndTheGoodOneChosen) {
  // 250 unknown encryption algorithms, then AES-GCM-16: B still finds it.
  wire::Proposal p = proposal(kAes128Gcm, [](auto& t) {
    std::vector<wire::Transform> many;
    for (uint16_t id = 1000; id < 1250; ++id) many.push_back(wire::Transform{TransformType::ENCR, id, {}});
    t.insert(t.begin(), many.begin(), many.end());
  });
  expect_ike_sa_init_answer(init_offering({p}));
  expect_bystander_untouched();
}

TEST_F(BadInputSa, ManyUselessProposalsBeforeAGoodOne) {
  std::vector<wire::Proposal> proposals;
  for (uint8_t n = 1; n < 60; ++n) {
    wire::Proposal bad = proposal(kAes128Gcm, [](auto& t) { erase_type(t, TransformType::PRF); });
    bad.number = n;
    proposals.push_back(bad);
  }
  wire::Proposal good = proposal(kAes128Gcm);
  good.number = 60;
  proposals.push_back(good);
  const std::vector<Bytes> answers = to_b(init_offering(proposals));
  ASSERT_EQ(answers.size(), 1u);
  const wire::Message answer = *wire::parse_message(answers.front());
  const auto* sa =
      std::get_if<wire::SaPayload>(&wire::find_payload(answer.payloads, wire::PayloadType::SA)->body);
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals.front().number, 60) << "the answer names the proposal it took";
  expect_bystander_untouched();
}

TEST_F(BadInputSa, CountsThatDisagreeWithTheLengthsAreDropped) {
  // The SA payload's first proposal claims 255 transforms; only the real ones follow.
  Bytes init = init_offering({proposal(kAes128Gcm)});
  const size_t sa_at = kHdr;  // SA is the first payload C sends
  ASSERT_EQ(init[kOffNextPayload], 33);
  init[sa_at + 4 + 7] = 255;  // Num Transforms of proposal 1 (§3.3.1)
  expect_silent_drop(init, &EndpointCounters::dropped_malformed);
  Bytes longer = init_offering({proposal(kAes128Gcm)});
  put_u16(longer, sa_at + 4 + 2, 0xfff0);  // Proposal Length past the payload
  expect_silent_drop(longer, &EndpointCounters::dropped_malformed);
  expect_bystander_untouched();
}

TEST_F(BadInputSa, AnIkeProposalWithAnSpiInIkeSaInitIsRefused) {
  // §3.3.1: "For an initial IKE SA negotiation, this field MUST be zero."
  wire::Proposal p = proposal(kAes128Gcm);
  p.spi = Bytes(8, 0x11);
  expect_refused(init_offering({p}), NotifyType::NO_PROPOSAL_CHOSEN);
  // Next to a good proposal, it is skipped and the good one taken.
  wire::Proposal good = proposal(kAes128Gcm);
  good.number = 2;
  expect_ike_sa_init_answer(init_offering({p, good}));
  expect_bystander_untouched();
}

// --- KE (class 4) -----------------------------------------------------------

class BadInputKe : public BadInputSaKe {};

TEST_F(BadInputKe, AnUnknownGroupIsAnsweredInvalidKePayloadNamingOurs) {
  // HDR, SAi1(25519), KEi(group 999), Ni  -->
  //                            <--  HDR, N(INVALID_KE_PAYLOAD, 31)
  const std::vector<Bytes> answers =
      to_b(init_offering({proposal(kAes128Gcm)}, wire::KePayload{static_cast<KeGroup>(999), Bytes(32, 9)}));
  expect_notify_answer(answers, NotifyType::INVALID_KE_PAYLOAD);
  ASSERT_EQ(answers.size(), 1u);
  auto answer = wire::parse_message(answers.front());  // kept alive: n points into it
  ASSERT_TRUE(answer.has_value());
  const wire::NotifyPayload* n = wire::find_notify(answer->payloads, NotifyType::INVALID_KE_PAYLOAD);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->data, (Bytes{0, 31}));
  EXPECT_EQ(net.b.counters().ike_sa_init_refused, 1u);
  EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  expect_bystander_untouched();
}

TEST_F(BadInputKe, AGroupOutsideTheProposalIsAnsweredInvalidKePayload) {
  expect_refused(init_offering({proposal(kAes128Gcm)}, wire::KePayload{KeGroup::MODP_2048, Bytes(256, 2)}),
                 NotifyType::INVALID_KE_PAYLOAD);
  expect_bystander_untouched();
}

TEST_F(BadInputKe, X25519ValuesOfTheWrongLengthAreInvalidSyntax) {
  // No value at all: the KE payload is malformed (§3.4), dropped like other malformed IKE_SA_INITs.
  expect_silent_drop(ke_x25519({}), &EndpointCounters::dropped_malformed);
  for (size_t size : std::initializer_list<size_t>{1, 31, 33, 64, 256}) {
    expect_refused(ke_x25519(Bytes(size, 9)), NotifyType::INVALID_SYNTAX);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputKe, X25519LowOrderPointsGivingAnAllZeroSecretAreInvalidSyntax) {
  // RFC 7748 §6.1: u = 0, u = 1 and the non-canonical p (2^255 - 19) all give an all-zero shared secret.
  Bytes zero(32, 0);
  Bytes one(32, 0);
  one[0] = 1;
  Bytes p(32, 0xff);
  p[0] = 0xed;
  p[31] = 0x7f;
  for (const Bytes& u : {zero, one, p}) expect_refused(ke_x25519(u), NotifyType::INVALID_SYNTAX);
  expect_bystander_untouched();
}

TEST_F(BadInputKe, ModpValuesZeroOneAndPMinusOneAreInvalidSyntax) {
  // RFC 6989 §2.2: 1 < y < p-1.
  Bytes zero(256, 0);
  Bytes one(256, 0);
  one.back() = 1;
  Bytes p_minus_1 = modp_prime();
  p_minus_1.back() = 0xfe;
  Bytes p = modp_prime();
  Bytes all_ones(256, 0xff);
  for (const Bytes& y : {zero, one, p_minus_1, p, all_ones})
    expect_refused(ke_modp(y), NotifyType::INVALID_SYNTAX);
  expect_bystander_untouched();
}

TEST_F(BadInputKe, ModpValuesOfTheWrongLengthAreInvalidSyntax) {
  expect_silent_drop(ke_modp({}), &EndpointCounters::dropped_malformed);
  for (size_t size : std::initializer_list<size_t>{1, 255, 257, 512})
    expect_refused(ke_modp(Bytes(size, 2)), NotifyType::INVALID_SYNTAX);
  expect_bystander_untouched();
}

TEST_F(BadInputKe, EcpPointsNotOnTheCurveAreInvalidSyntax) {
  // RFC 5903 §7 / RFC 6989 §2.3: x || y (48 + 48 octets) must be a point of P-384.
  Bytes off_curve(96, 0);
  off_curve[47] = 1;
  off_curve[95] = 1;     // (1, 1)
  Bytes zeros(96, 0);    // the point at infinity has no such encoding
  Bytes ones(96, 0xff);  // coordinates not below p
  for (const Bytes& point : {off_curve, zeros, ones})
    expect_refused(ke_ecp384(point), NotifyType::INVALID_SYNTAX);
  expect_refused(ke_ecp384(Bytes(97, 4)), NotifyType::INVALID_SYNTAX);  // the SEC1 0x04 prefix is not IKE's
  expect_refused(ke_ecp384(Bytes(48, 4)), NotifyType::INVALID_SYNTAX);
  expect_bystander_untouched();
}

TEST_F(BadInputKe, AfterARefusedValueAGoodRequestStillEstablishes) {
  expect_refused(ke_x25519(Bytes(32, 0)), NotifyType::INVALID_SYNTAX);
  c_established();
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

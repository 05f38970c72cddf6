// Bad input, class 6: AUTH (RFC 7296 §2.15, §3.8) in an IKE_AUTH request
// that is encrypted with the keys of IKE_SA_INIT but whose proof is wrong:
// truncated, garbled, empty, oversized, an unknown or unfitting method, and
// missing or doubled AUTH payloads. Answered N(AUTHENTICATION_FAILED), or
// N(INVALID_SYNTAX) when the payloads break the rules (§2.21.2); either way
// the half-made IKE SA is deleted and nothing is installed.
//
// Certificates and signatures (malformed DER, wrong order, PKCS#1 and
// algorithm-identifier tricks, keys of other certificates) are covered
// against a certificate-authenticated responder by TamperedRequest in
// tests/ike/pubkey_auth_test.cc.
#include "bad_input_fixture.h"

namespace tern::ike::testing {
namespace {

using wire::NotifyType;
using wire::PayloadType;

class BadInputAuth : public BadInputTest {
 protected:
  // C's IKE_AUTH request, its payloads changed by `change`, sealed with C's keys; B's answer.
  template <typename Change>
  std::vector<wire::Payload> ike_auth_with(Change change) {
    const Bytes real = c_through_ike_sa_init();
    Result<IkeMessage> opened = EndpointPeer::open(net.b, real);
    EXPECT_TRUE(opened.has_value());
    std::vector<wire::Payload> payloads = opened ? opened->payloads : std::vector<wire::Payload>{};
    change(payloads);
    return open_answer(to_b(c_seal(wire::ExchangeType::IKE_AUTH, 1, std::move(payloads))));
  }
  template <typename Change>
  std::vector<wire::Payload> auth_with(Change change) {
    return ike_auth_with([&](std::vector<wire::Payload>& payloads) {
      for (wire::Payload& p : payloads) {
        if (auto* auth = std::get_if<wire::AuthPayload>(&p.body)) change(*auth);
      }
    });
  }
  void expect_refused(const std::vector<wire::Payload>& answer, NotifyType type) {
    EXPECT_EQ(answer.size(), 1u);
    EXPECT_NE(wire::find_notify(answer, type), nullptr) << "expected N(" << wire::to_string(type) << ")";
    EXPECT_EQ(sa_of(net.b, "b-c"), nullptr) << "B kept the IKE SA";
    for (const InstallChildSa& i : net.log_b.installed) EXPECT_NE(i.connection, "b-c");
  }
  void expect_authentication_failed(const std::vector<wire::Payload>& answer) {
    expect_refused(answer, NotifyType::AUTHENTICATION_FAILED);
    EXPECT_EQ(net.b.counters().authentication_failures, 1u);
  }
};

TEST_F(BadInputAuth, ATruncatedMacIsAuthenticationFailed) {
  expect_authentication_failed(auth_with([](wire::AuthPayload& a) { a.data.resize(a.data.size() / 2); }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, AnEmptyAuthPayloadIsInvalidSyntax) {
  // An AUTH payload without Authentication Data is malformed (§3.8), not a wrong proof.
  expect_refused(auth_with([](wire::AuthPayload& a) { a.data.clear(); }), NotifyType::INVALID_SYNTAX);
  EXPECT_EQ(net.b.counters().malformed_requests_answered, 1u);
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, OneFlippedBitIsAuthenticationFailed) {
  expect_authentication_failed(auth_with([](wire::AuthPayload& a) { a.data[0] ^= 0x01; }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, AMacWithOneOctetMoreIsAuthenticationFailed) {
  expect_authentication_failed(auth_with([](wire::AuthPayload& a) { a.data.push_back(0); }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, AnOversizedAuthIsAuthenticationFailed) {
  expect_authentication_failed(auth_with([](wire::AuthPayload& a) { a.data.assign(10000, 0x5a); }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, ASignatureMethodForAPskConnectionIsAuthenticationFailed) {
  // RSA (1), DSS (3), ECDSA (9, 10, 11), DIGITAL_SIGNATURE (14) with an ASN.1 length running past
  // the data: the connection expects a PSK. Each attempt is a new IKE SA of C.
  uint64_t failures = 0;
  for (uint8_t method : std::initializer_list<uint8_t>{1, 3, 9, 10, 11, 14}) {
    const std::vector<wire::Payload> answer = auth_with([&](wire::AuthPayload& a) {
      a.method = static_cast<wire::AuthMethod>(method);
      a.data = Bytes{0x30, 0x82, 0xff, 0xff, 0x06};
    });
    EXPECT_NE(wire::find_notify(answer, NotifyType::AUTHENTICATION_FAILED), nullptr) << int{method};
    EXPECT_EQ(net.b.counters().authentication_failures, ++failures);
    EXPECT_EQ(sa_of(net.b, "b-c"), nullptr);
  }
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, AnUnknownMethodIsAuthenticationFailed) {
  expect_authentication_failed(
      auth_with([](wire::AuthPayload& a) { a.method = static_cast<wire::AuthMethod>(200); }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, AMissingAuthIsAuthenticationFailed) {
  // Without AUTH (and without EAP, which tern does not offer) there is no proof at all.
  expect_authentication_failed(ike_auth_with([](std::vector<wire::Payload>& p) {
    std::erase_if(p, [](const wire::Payload& x) { return x.type == PayloadType::AUTH; });
  }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, TwoAuthPayloadsAreInvalidSyntax) {
  expect_refused(ike_auth_with([](std::vector<wire::Payload>& p) {
                   const wire::Payload* auth = wire::find_payload(p, PayloadType::AUTH);
                   p.push_back(*auth);
                 }),
                 NotifyType::INVALID_SYNTAX);
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, AGarbageCertificateWithABadMacIsAuthenticationFailed) {
  expect_authentication_failed(ike_auth_with([](std::vector<wire::Payload>& p) {
    for (wire::Payload& x : p) {
      if (auto* a = std::get_if<wire::AuthPayload>(&x.body)) a->data[3] ^= 0x80;
    }
    p.insert(p.begin() + 1,
             wire::Payload{PayloadType::CERT, false,
                           wire::CertPayload{wire::CertEncoding::X509_SIGNATURE,
                                             Bytes{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02}}});
  }));
  expect_bystander_untouched();
}

TEST_F(BadInputAuth, TheBystandersIdentityWithAMacOfOurOwnIsAuthenticationFailed) {
  // C claims A's identity; its MAC is made with C's view of the PSK over C's messages, so it fails.
  expect_authentication_failed(ike_auth_with([](std::vector<wire::Payload>& p) {
    for (wire::Payload& x : p) {
      if (x.type == PayloadType::IDi) x.body = Identity::rfc822("a@example.org").payload();
    }
  }));
  expect_bystander_untouched();
}

}  // namespace
}  // namespace tern::ike::testing

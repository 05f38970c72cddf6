// SK payload protection (RFC 7296 §3.14, RFC 5282, RFC 7634, RFC 7383 §2.5):
// seal/open round trips per cipher, every tampering rejected, and strongSwan's
// real IKE_AUTH messages opened with the keys strongSwan derived.
#include "ike/sk_seal.h"

#include <gtest/gtest.h>

#include "crypto/suite.h"
#include "support/strongswan_reference.h"

namespace tern::ike {
namespace {

using wire::EncrId;
using wire::IntegId;
using wire::PayloadType;

struct CipherCase {
  const char* name;
  EncrId encr;
  uint16_t key_bits;
  IntegId integ;
};

const CipherCase kCiphers[] = {
    {"aes128gcm16", EncrId::AES_GCM_16, 128, IntegId::NONE},
    {"aes256gcm16", EncrId::AES_GCM_16, 256, IntegId::NONE},
    {"chacha20poly1305", EncrId::CHACHA20_POLY1305, 256, IntegId::NONE},
    {"aes128-sha256", EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_256_128},
    {"aes256-sha384", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_384_192},
    {"aes256-sha512", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_512_256},
};

std::unique_ptr<crypto::SkCipher> make_cipher(const CipherCase& c, uint64_t seed) {
  crypto::SeededRandom random{seed};
  Bytes encr_key = random.bytes(*crypto::encr_key_size(c.encr, c.key_bits));
  Bytes integ_key = random.bytes(*crypto::integ_key_size(c.integ));
  auto cipher = crypto::SkCipher::create(c.encr, c.key_bits, c.integ, encr_key, integ_key);
  EXPECT_TRUE(cipher.has_value()) << c.name;
  return std::move(*cipher);
}

wire::IkeHeader auth_request_header() {
  wire::IkeHeader h;
  h.spi_i = 0x0102030405060708;
  h.spi_r = 0x1112131415161718;
  h.exchange = wire::ExchangeType::IKE_AUTH;
  h.flags = wire::kFlagInitiator;
  h.message_id = 1;
  return h;
}

// IDi, N(INITIAL_CONTACT), AUTH — enough inner payloads to span several blocks.
std::vector<wire::Payload> inner_payloads() {
  wire::IdPayload id{wire::IdType::ID_RFC822_ADDR, Bytes{'a', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e'}};
  wire::NotifyPayload contact;
  contact.protocol = wire::ProtocolId::NONE;
  contact.type = wire::NotifyType::INITIAL_CONTACT;
  wire::AuthPayload auth{wire::AuthMethod::SHARED_KEY_MIC, Bytes(32, 0xa5)};
  return {
      {PayloadType::IDi, false, id}, {PayloadType::Notify, false, contact}, {PayloadType::AUTH, false, auth}};
}

class SkSealTest : public ::testing::TestWithParam<CipherCase> {};

// HDR, SK {IDi, N(INITIAL_CONTACT), AUTH}  -->  opens to the same payloads
TEST_P(SkSealTest, RoundTrips) {
  auto cipher = make_cipher(GetParam(), 1);
  crypto::SeededRandom random{2};
  auto inner = inner_payloads();
  Bytes datagram = seal_message(auth_request_header(), {}, inner, *cipher, random);

  auto message = wire::parse_message(datagram);
  ASSERT_TRUE(message) << message.error().to_string();
  ASSERT_EQ(message->payloads.size(), 1u);
  EXPECT_EQ(message->payloads[0].type, PayloadType::SK);
  EXPECT_EQ(message->header.length, datagram.size());
  EXPECT_EQ(datagram.size(), wire::kIkeHeaderSize + wire::kPayloadHeaderSize +
                                 sealed_size(wire::encode_inner_chain(inner).bytes.size(), *cipher));

  auto opened = open_message(datagram, *message, *cipher);
  ASSERT_TRUE(opened) << opened.error().to_string();
  EXPECT_EQ(*opened, inner);
}

// An empty SK {} (an INFORMATIONAL liveness check) round-trips too.
TEST_P(SkSealTest, EmptyInnerChain) {
  auto cipher = make_cipher(GetParam(), 1);
  crypto::SeededRandom random{3};
  wire::IkeHeader h = auth_request_header();
  h.exchange = wire::ExchangeType::INFORMATIONAL;
  Bytes datagram = seal_message(h, {}, {}, *cipher, random);
  auto message = wire::parse_message(datagram);
  ASSERT_TRUE(message);
  auto opened = open_message(datagram, *message, *cipher);
  ASSERT_TRUE(opened) << opened.error().to_string();
  EXPECT_TRUE(opened->empty());
}

// Any single flipped bit — header (associated data), SK header, IV, ciphertext,
// ICV — makes open fail with integrity_check_failed, and is never answered.
TEST_P(SkSealTest, EveryFlippedOctetIsRejected) {
  auto cipher = make_cipher(GetParam(), 1);
  crypto::SeededRandom random{4};
  Bytes datagram = seal_message(auth_request_header(), {}, inner_payloads(), *cipher, random);
  for (size_t i = 0; i < datagram.size(); ++i) {
    Bytes tampered = datagram;
    tampered[i] ^= 0x01;
    auto message = wire::parse_message(tampered);
    if (!message) continue;  // the header/SK header no longer parses: rejected earlier
    if (message->payloads.empty() || message->payloads.back().type != PayloadType::SK) continue;
    auto opened = open_message(tampered, *message, *cipher);
    ASSERT_FALSE(opened) << "octet " << i;
    EXPECT_EQ(opened.error().code, Errc::integrity_check_failed) << "octet " << i;
    EXPECT_FALSE(opened.error().notify.has_value());
  }
}

// The other side's key does not open it (SK_ei vs SK_er).
TEST_P(SkSealTest, WrongKeyIsRejected) {
  auto cipher = make_cipher(GetParam(), 1);
  auto other = make_cipher(GetParam(), 9);
  crypto::SeededRandom random{5};
  Bytes datagram = seal_message(auth_request_header(), {}, inner_payloads(), *cipher, random);
  auto message = wire::parse_message(datagram);
  ASSERT_TRUE(message);
  auto opened = open_message(datagram, *message, *other);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::integrity_check_failed);
}

// Encrypted octets too short for IV + Pad Length + ICV: truncated.
TEST_P(SkSealTest, TooShortForTheCipher) {
  auto cipher = make_cipher(GetParam(), 1);
  wire::Message m{auth_request_header(), {}};
  wire::SkPayload sk;
  sk.first_inner = PayloadType::IDi;
  sk.encrypted = Bytes(cipher->iv_size() + cipher->icv_size(), 0);
  m.payloads.push_back({PayloadType::SK, false, sk});
  Bytes datagram = wire::build_message(m);
  auto message = wire::parse_message(datagram);
  ASSERT_TRUE(message);
  auto opened = open_message(datagram, *message, *cipher);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::truncated);
}

// An authenticated plaintext whose Pad Length exceeds it: bad_padding, INVALID_SYNTAX.
TEST_P(SkSealTest, PadLengthBeyondPlaintext) {
  auto cipher = make_cipher(GetParam(), 1);
  crypto::SeededRandom random{6};
  size_t block = cipher->block_size();
  Bytes plaintext(block < 16 ? 16 : block, 0);
  plaintext.back() = 200;  // Pad Length 200 in a 16-octet plaintext
  wire::Message m{auth_request_header(), {}};
  wire::SkPayload sk;
  sk.first_inner = PayloadType::IDi;
  m.payloads.push_back({PayloadType::SK, false, sk});
  size_t encrypted_size = cipher->iv_size() + plaintext.size() + cipher->icv_size();
  Bytes datagram = wire::build_message_prefix(m, encrypted_size);
  Bytes iv = random.bytes(cipher->iv_size());
  Bytes sealed = cipher->seal(datagram, iv, plaintext);
  append(datagram, iv);
  append(datagram, sealed);
  auto message = wire::parse_message(datagram);
  ASSERT_TRUE(message);
  auto opened = open_message(datagram, *message, *cipher);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::bad_padding);
  EXPECT_EQ(opened.error().notify, wire::notify_number(wire::NotifyType::INVALID_SYNTAX));
}

// RFC 7383: the inner chain split over three SKF fragments; each opens to its
// chunk, the chunks in order parse to the original payloads.
TEST_P(SkSealTest, FragmentsReassemble) {
  auto cipher = make_cipher(GetParam(), 1);
  crypto::SeededRandom random{7};
  auto inner = inner_payloads();
  wire::InnerChain chain = wire::encode_inner_chain(inner);
  size_t third = chain.bytes.size() / 3;
  ByteView all{chain.bytes};
  ByteView chunks[3] = {all.first(third), all.subspan(third, third), all.subspan(2 * third)};
  Bytes reassembled;
  for (uint16_t n = 1; n <= 3; ++n) {
    Bytes datagram = seal_fragment(auth_request_header(), n == 1 ? chain.first : PayloadType::NONE, n, 3,
                                   chunks[n - 1], *cipher, random);
    auto message = wire::parse_message(datagram);
    ASSERT_TRUE(message) << message.error().to_string();
    const auto& skf = std::get<wire::SkfPayload>(message->payloads.back().body);
    EXPECT_EQ(skf.fragment_number, n);
    EXPECT_EQ(skf.total_fragments, 3);
    EXPECT_EQ(skf.first_inner, n == 1 ? PayloadType::IDi : PayloadType::NONE);
    auto chunk = open_fragment(datagram, *message, *cipher);
    ASSERT_TRUE(chunk) << chunk.error().to_string();
    append(reassembled, *chunk);
  }
  auto parsed = wire::parse_payload_chain(chain.first, reassembled);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(*parsed, inner);
}

INSTANTIATE_TEST_SUITE_P(Ciphers, SkSealTest, ::testing::ValuesIn(kCiphers),
                         [](const ::testing::TestParamInfo<CipherCase>& p) {
                           std::string n = p.param.name;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

// strongSwan's own IKE_AUTH request and response, opened with the SK_e*/SK_a*
// strongSwan logged: the inner payloads parse, carry the identities of the
// capture, and the AUTH payloads hold the AUTH values strongSwan computed.
struct ReferenceCase {
  const char* suite;
  EncrId encr;
  uint16_t key_bits;
  IntegId integ;
};

const ReferenceCase kReferences[] = {
    {"aes128gcm16-prfsha256-x25519", EncrId::AES_GCM_16, 128, IntegId::NONE},
    {"aes256-sha256-modp2048", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_256_128},
    {"aes256gcm16-prfsha384-ecp384", EncrId::AES_GCM_16, 256, IntegId::NONE},
    {"aes128-sha512-ecp521", EncrId::AES_CBC, 128, IntegId::HMAC_SHA2_512_256},
    {"chacha20poly1305-prfsha256-x448", EncrId::CHACHA20_POLY1305, 256, IntegId::NONE},
    {"aes256-sha384-modp3072", EncrId::AES_CBC, 256, IntegId::HMAC_SHA2_384_192},
};

class StrongswanSkTest : public ::testing::TestWithParam<ReferenceCase> {};

std::vector<wire::Payload> open_reference(const testing::StrongswanReference& ref, const ReferenceCase& c,
                                          const std::string& file, const char* SK_e, const char* SK_a) {
  Bytes encr_key = ref.bytes(SK_e);
  Bytes integ_key = c.integ == IntegId::NONE ? Bytes{} : ref.bytes(SK_a);
  auto cipher = crypto::SkCipher::create(c.encr, c.key_bits, c.integ, encr_key, integ_key);
  EXPECT_TRUE(cipher) << (cipher ? "" : cipher.error().to_string());
  if (!cipher) return {};
  Bytes datagram = ref.message(file);
  auto message = wire::parse_message(datagram);
  EXPECT_TRUE(message) << (message ? "" : message.error().to_string());
  if (!message) return {};
  auto inner = open_message(datagram, *message, **cipher);
  EXPECT_TRUE(inner) << (inner ? "" : inner.error().to_string());
  return inner ? *inner : std::vector<wire::Payload>{};
}

// HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SA, TSi, TSr, N(...)...}  -->
TEST_P(StrongswanSkTest, OpensTheIkeAuthRequest) {
  auto ref = testing::StrongswanReference::load(GetParam().suite);
  auto inner = open_reference(ref, GetParam(), "03-IKE_AUTH-request", "SK_ei", "SK_ai");
  ASSERT_FALSE(inner.empty());
  const auto* idi = wire::find_payload(inner, PayloadType::IDi);
  ASSERT_NE(idi, nullptr);
  const auto& id = std::get<wire::IdPayload>(idi->body);
  EXPECT_EQ(id.type, wire::IdType::ID_RFC822_ADDR);
  EXPECT_EQ(std::string(id.data.begin(), id.data.end()), ref.text("id_i"));
  const auto* auth = wire::find_payload(inner, PayloadType::AUTH);
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(std::get<wire::AuthPayload>(auth->body).method, wire::AuthMethod::SHARED_KEY_MIC);
  EXPECT_EQ(to_hex(std::get<wire::AuthPayload>(auth->body).data), ref.text("AUTH_i"));
  EXPECT_NE(wire::find_payload(inner, PayloadType::SA), nullptr);
  EXPECT_NE(wire::find_payload(inner, PayloadType::TSi), nullptr);
  EXPECT_NE(wire::find_payload(inner, PayloadType::TSr), nullptr);
  EXPECT_NE(wire::find_notify(inner, wire::NotifyType::INITIAL_CONTACT), nullptr);
}

// <--  HDR, SK {IDr, AUTH, SA, TSi, TSr, ...}
TEST_P(StrongswanSkTest, OpensTheIkeAuthResponse) {
  auto ref = testing::StrongswanReference::load(GetParam().suite);
  auto inner = open_reference(ref, GetParam(), "04-IKE_AUTH-response", "SK_er", "SK_ar");
  ASSERT_FALSE(inner.empty());
  const auto* idr = wire::find_payload(inner, PayloadType::IDr);
  ASSERT_NE(idr, nullptr);
  const auto& id = std::get<wire::IdPayload>(idr->body);
  EXPECT_EQ(std::string(id.data.begin(), id.data.end()), ref.text("id_r"));
  const auto* auth = wire::find_payload(inner, PayloadType::AUTH);
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(to_hex(std::get<wire::AuthPayload>(auth->body).data), ref.text("AUTH_r"));
}

// The initiator's key does not open the responder's message.
TEST_P(StrongswanSkTest, TheOtherDirectionsKeyFails) {
  auto ref = testing::StrongswanReference::load(GetParam().suite);
  const auto& c = GetParam();
  Bytes integ = c.integ == IntegId::NONE ? Bytes{} : ref.bytes("SK_ai");
  auto cipher = crypto::SkCipher::create(c.encr, c.key_bits, c.integ, ref.bytes("SK_ei"), integ);
  ASSERT_TRUE(cipher);
  Bytes datagram = ref.message("04-IKE_AUTH-response");
  auto message = wire::parse_message(datagram);
  ASSERT_TRUE(message);
  auto inner = open_message(datagram, *message, **cipher);
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, Errc::integrity_check_failed);
}

INSTANTIATE_TEST_SUITE_P(Strongswan, StrongswanSkTest, ::testing::ValuesIn(kReferences),
                         [](const ::testing::TestParamInfo<ReferenceCase>& p) {
                           std::string n = p.param.suite;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace tern::ike

// Payload chains (RFC 7296 §3.2): the generic header, unknown and critical
// payloads (§2.5), SK/SKF as the last payload (§3.14, RFC 7383), limits.
#include <gtest/gtest.h>

#include "wire/payload.h"
#include "wire_samples.h"

namespace tern::wire {
namespace {

using samples::hex;

Bytes encoded(std::span<const Payload> payloads) {
  Bytes out;
  ByteWriter w{out};
  encode_payload_chain(payloads, w);
  return out;
}

void expect_chain_error(PayloadType first, ByteView bytes, Errc code, const char* why) {
  auto chain = parse_payload_chain(first, bytes);
  ASSERT_FALSE(chain) << why;
  EXPECT_EQ(chain.error().code, code) << why << ": " << chain.error().to_string();
  EXPECT_EQ(chain.error().notify, notify_number(NotifyType::INVALID_SYNTAX)) << why;
}

// One payload of every type tern knows, as an inner chain would carry them.
std::vector<Payload> every_payload_type() {
  std::vector<Payload> p;
  p.push_back({PayloadType::SA, false, samples::ike_sa_init_proposals()});
  p.push_back({PayloadType::KE, false, KePayload{KeGroup::CURVE25519, hex(samples::kX25519Public)}});
  p.push_back({PayloadType::IDi, false,
               IdPayload{IdType::ID_FQDN,
                         Bytes(as_bytes("a.example.org").begin(), as_bytes("a.example.org").end())}});
  p.push_back({PayloadType::IDr, false, IdPayload{IdType::ID_IPV4_ADDR, hex("c0000202")}});
  p.push_back(
      {PayloadType::CERT, false, CertPayload{CertEncoding::X509_SIGNATURE, samples::pattern(100, 0x30)}});
  p.push_back(
      {PayloadType::CERTREQ, false, CertReqPayload{CertEncoding::X509_SIGNATURE, samples::pattern(40, 0)}});
  p.push_back(
      {PayloadType::AUTH, false, AuthPayload{AuthMethod::SHARED_KEY_MIC, samples::pattern(32, 0x55)}});
  p.push_back({PayloadType::Nonce, false, NoncePayload{samples::pattern(32, 0xa0)}});
  p.push_back(samples::notify(NotifyType::INITIAL_CONTACT));
  p.push_back({PayloadType::Delete, false, DeletePayload{ProtocolId::ESP, 4, {hex("c1a2b3d4")}}});
  p.push_back({PayloadType::VendorID, false, VendorIdPayload{hex("882fe56d6fd20dbc2251613b2ebe5beb")}});
  p.push_back(
      {PayloadType::TSi, false, TsPayload{{TrafficSelector::ipv4_range({10, 1, 0, 0}, {10, 1, 0, 255})}}});
  p.push_back({PayloadType::TSr, false,
               TsPayload{{TrafficSelector::ipv4_range({10, 2, 0, 0}, {10, 2, 0, 255}, 6, 443, 443)}}});
  p.push_back({PayloadType::CP, false,
               CpPayload{CfgType::CFG_REQUEST,
                         {CfgAttribute{static_cast<uint16_t>(CfgAttr::INTERNAL_IP4_ADDRESS), {}}}}});
  // EAP-Response/Identity "test": Code 2, Identifier 1, Length 9, Type 1
  p.push_back({PayloadType::EAP, false, EapPayload{hex("02 01 0009 01 74657374")}});
  p.push_back({static_cast<PayloadType>(200), false, UnknownPayload{hex("0102")}});
  return p;
}

TEST(PayloadChain, EveryPayloadTypeRoundTrips) {
  std::vector<Payload> payloads = every_payload_type();
  Bytes bytes = encoded(payloads);
  auto back = parse_payload_chain(payloads.front().type, bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  ASSERT_EQ(back->size(), payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ((*back)[i], payloads[i]) << "payload " << i + 1 << " " << to_string(payloads[i].type);
  }
}

TEST(PayloadChain, SkAndSkfRoundTripAsTheLastPayload) {
  std::vector<Payload> sk = {samples::notify(NotifyType::COOKIE, samples::pattern(16, 0)),
                             {PayloadType::SK, false, SkPayload{samples::pattern(40, 1), PayloadType::IDi}}};
  Bytes bytes = encoded(sk);
  EXPECT_EQ(bytes[bytes.size() - 44], static_cast<uint8_t>(PayloadType::IDi))
      << "SK Next Payload = first inner";
  auto back = parse_payload_chain(PayloadType::Notify, bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, sk);

  std::vector<Payload> skf = {
      {PayloadType::SKF, false, SkfPayload{1, 2, samples::pattern(40, 1), PayloadType::AUTH}}};
  auto back_skf = parse_payload_chain(PayloadType::SKF, encoded(skf));
  ASSERT_TRUE(back_skf) << back_skf.error().to_string();
  EXPECT_EQ(*back_skf, skf);
}

TEST(PayloadChain, EncodesGenericHeaders) {
  std::vector<Payload> payloads = {samples::notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED),
                                   {PayloadType::VendorID, true, VendorIdPayload{hex("abcd")}}};
  // N: Next V (43), C 0, Length 8; V: Next NONE, C 1, Length 6
  EXPECT_EQ(to_hex(encoded(payloads)),
            "2b000008"
            "0000402e"
            "00800006"
            "abcd");
}

TEST(PayloadChain, EmptyChain) {
  auto chain = parse_payload_chain(PayloadType::NONE, {});
  ASSERT_TRUE(chain) << chain.error().to_string();
  EXPECT_TRUE(chain->empty());
}

TEST(PayloadChain, UnknownNonCriticalPayloadIsKept) {
  // Unknown type 200, C 0, Length 7, three octets; then N(INITIAL_CONTACT)
  auto chain =
      parse_payload_chain(static_cast<PayloadType>(200), hex("29 00 0007 aabbcc 00 00 0008 00 00 4000"));
  ASSERT_TRUE(chain) << chain.error().to_string();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].type, static_cast<PayloadType>(200));
  EXPECT_EQ(std::get<UnknownPayload>((*chain)[0].body).body, hex("aabbcc"));
  EXPECT_EQ((*chain)[1].type, PayloadType::Notify);
}

TEST(PayloadChain, UnknownCriticalPayloadIsUnsupportedCriticalPayload) {
  // §2.5: reject, answering UNSUPPORTED_CRITICAL_PAYLOAD with the one-octet type.
  auto chain = parse_payload_chain(PayloadType::Notify, hex("c8 00 0008 00 00 4000"
                                                            "00 80 0004"));
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().code, Errc::unsupported_critical_payload);
  EXPECT_EQ(chain.error().notify, notify_number(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD));
  EXPECT_EQ(chain.error().notify_data, Bytes{0xc8});
}

TEST(PayloadChain, GspmIsUnknownToTern) {
  auto chain = parse_payload_chain(PayloadType::GSPM, hex("00 80 0004"));
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().notify_data, Bytes{static_cast<uint8_t>(PayloadType::GSPM)});
}

TEST(PayloadChain, CriticalBitOnAKnownPayloadIsIgnored) {
  auto chain =
      parse_payload_chain(PayloadType::Notify, hex("00 81 0008 00 00 4000"));  // C and a RESERVED bit
  ASSERT_TRUE(chain) << chain.error().to_string();
  EXPECT_TRUE((*chain)[0].critical);
}

TEST(PayloadChain, PayloadLengthBelowFourIsBadLength) {
  for (const char* header : {"00 00 0000", "00 00 0001", "00 00 0003"}) {
    expect_chain_error(PayloadType::VendorID, hex(header), Errc::bad_length, header);
  }
}

TEST(PayloadChain, PayloadLengthBeyondTheDataIsTruncated) {
  expect_chain_error(PayloadType::VendorID, hex("00 00 0009 aabbcc"), Errc::truncated, "9 > 7");
  expect_chain_error(PayloadType::VendorID, hex("00 00 ffff"), Errc::truncated, "0xffff");
}

TEST(PayloadChain, MissingGenericHeaderIsTruncated) {
  expect_chain_error(PayloadType::VendorID, {}, Errc::truncated, "nothing");
  expect_chain_error(PayloadType::VendorID, hex("00 00 00"), Errc::truncated, "3 octets");
  // V says another V follows, but the data ends.
  expect_chain_error(PayloadType::VendorID, hex("2b 00 0004"), Errc::truncated, "next missing");
}

TEST(PayloadChain, OctetsAfterTheLastPayloadAreBadLength) {
  expect_chain_error(PayloadType::VendorID, hex("00 00 0004 ff"), Errc::bad_length, "trailing");
  expect_chain_error(PayloadType::NONE, hex("00"), Errc::bad_length, "NONE with data");
}

TEST(PayloadChain, SkMustBeLast) {
  // SK (Next Payload IDi, 4 octets body) followed by a Vendor ID
  expect_chain_error(PayloadType::SK,
                     hex("23 00 0008 aabbccdd"
                         "00 00 0004"),
                     Errc::invalid_syntax, "SK");
  expect_chain_error(PayloadType::SKF,
                     hex("23 00 000a 0001 0001 aabb"
                         "00 00 0004"),
                     Errc::invalid_syntax, "SKF");
}

TEST(PayloadChain, BodyErrorsAreAnsweredWithInvalidSyntax) {
  // A Nonce of 4 octets.
  expect_chain_error(PayloadType::Nonce, hex("00 00 0008 01020304"), Errc::invalid_syntax, "short nonce");
}

TEST(PayloadChain, HundredsOfPayloadsAreTooMany) {
  std::vector<Payload> many(300, samples::notify(NotifyType::INITIAL_CONTACT));
  expect_chain_error(PayloadType::Notify, encoded(many), Errc::too_many, "300 notifies");

  std::vector<Payload> limit(kMaxPayloads, {PayloadType::VendorID, false, VendorIdPayload{}});
  auto ok = parse_payload_chain(PayloadType::VendorID, encoded(limit));
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->size(), kMaxPayloads);
}

TEST(PayloadChain, InnerChainGivesTheFirstTypeForTheSkHeader) {
  std::vector<Payload> inner = {
      {PayloadType::IDi, false, IdPayload{IdType::ID_IPV4_ADDR, hex("c0000201")}},
      {PayloadType::AUTH, false, AuthPayload{AuthMethod::SHARED_KEY_MIC, samples::pattern(32, 0)}}};
  InnerChain chain = encode_inner_chain(inner);
  EXPECT_EQ(chain.first, PayloadType::IDi);
  EXPECT_EQ(chain.bytes, encoded(inner));
  auto back = parse_payload_chain(chain.first, chain.bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, inner);

  InnerChain empty = encode_inner_chain({});
  EXPECT_EQ(empty.first, PayloadType::NONE);
  EXPECT_TRUE(empty.bytes.empty());
}

TEST(PayloadChain, WritesAnSkHeaderForTheSealer) {
  Bytes out;
  ByteWriter w{out};
  write_payload_header(w, PayloadType::IDi, false, 224);
  EXPECT_EQ(to_hex(out), "230000e4");  // Next IDi, C 0, Length 228
}

TEST(PayloadChain, BodyMustMatchItsType) {
  EXPECT_TRUE(body_matches_type(PayloadType::IDr, IdPayload{}));
  EXPECT_TRUE(body_matches_type(PayloadType::TSr, TsPayload{}));
  EXPECT_FALSE(body_matches_type(PayloadType::SA, KePayload{}));
  EXPECT_TRUE(body_matches_type(static_cast<PayloadType>(99), UnknownPayload{}));
  EXPECT_FALSE(body_matches_type(static_cast<PayloadType>(99), VendorIdPayload{}));
}

TEST(PayloadChain, FindsPayloadsAndNotifies) {
  Message m = samples::ike_sa_init_request();
  EXPECT_EQ(find_payload(m.payloads, PayloadType::KE), &m.payloads[1]);
  EXPECT_EQ(find_payload(m.payloads, PayloadType::AUTH), nullptr);
  const NotifyPayload* n = find_notify(m.payloads, NotifyType::NAT_DETECTION_DESTINATION_IP);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->data, samples::pattern(20, 0x11));
  EXPECT_EQ(find_notify(m.payloads, NotifyType::COOKIE), nullptr);
  EXPECT_EQ(count_payloads(m.payloads, PayloadType::Notify), 4u);
}

}  // namespace
}  // namespace tern::wire

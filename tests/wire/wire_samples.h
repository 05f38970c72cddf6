// Sample IKEv2 messages shared by the wire/ codec tests: hand-assembled hex
// (every field annotated, so the encoder is checked against an independent
// encoding) and the structures they decode to.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "base/bytes.h"
#include "wire/message.h"

namespace tern::wire::samples {

inline Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  EXPECT_TRUE(bytes.has_value()) << "bad hex in test";
  return bytes.value_or(Bytes{});
}

inline Bytes pattern(size_t n, uint8_t start) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + i);
  return out;
}

// A payload body as the chain encoder would write it (no generic header).
template <typename T>
Bytes body_of(const T& payload) {
  Bytes out;
  ByteWriter w{out};
  payload.build(w);
  return out;
}

// build -> parse -> equal.
template <typename T>
void expect_round_trip(const T& payload) {
  auto back = T::parse(body_of(payload));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(*back == payload);
}

inline void expect_syntax_error(const Error& e, Errc code) {
  EXPECT_EQ(e.code, code) << e.to_string();
  EXPECT_EQ(e.notify, notify_number(NotifyType::INVALID_SYNTAX)) << e.to_string();
}

// RFC 7748 §6.1: Alice's X25519 public key, a realistic 32-octet KEi.
inline constexpr std::string_view kX25519Public =
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

// HDR, SAi1 (2 proposals), KEi (x25519), Ni (32), N(NAT_DETECTION_SOURCE_IP),
// N(NAT_DETECTION_DESTINATION_IP), N(IKEV2_FRAGMENTATION_SUPPORTED),
// N(SIGNATURE_HASH_ALGORITHMS)  -->                       268 octets
inline Bytes ike_sa_init_request_bytes() {
  return hex(
      // IKE header
      "8a3f5c2e1d0b4a69"  // IKE SA Initiator's SPI
      "0000000000000000"  // IKE SA Responder's SPI (not known yet)
      "21 20 22 08"       // Next Payload SA, Version 2.0, IKE_SA_INIT, Flags I
      "00000000"          // Message ID 0
      "0000010c"          // Length 268
      // SA payload: Next KE, Length 84
      "22 00 0054"
      /**/
      "02 00 0024 01 01 00 03"           // Proposal 1 (more follow), length 36: IKE, no SPI, 3 transforms
                                         /*  */
      "03 00 000c 01 00 0014 800e 0100"  // ENCR_AES_GCM_16, KEY_LENGTH 256
                                         /*  */
      "03 00 0008 02 00 0005"            // PRF_HMAC_SHA2_256
                                         /*  */
      "00 00 0008 04 00 001f"            // KE CURVE25519 (last)
                                         /**/
      "00 00 002c 02 01 00 04"           // Proposal 2 (last), length 44: IKE, no SPI, 4 transforms
                                         /*  */
      "03 00 000c 01 00 000c 800e 0080"  // ENCR_AES_CBC, KEY_LENGTH 128
                                         /*  */
      "03 00 0008 02 00 0005"            // PRF_HMAC_SHA2_256
                                         /*  */
      "03 00 0008 03 00 000c"            // AUTH_HMAC_SHA2_256_128
                                         /*  */
      "00 00 0008 04 00 000e"            // KE MODP_2048 (last)
      // KE payload: Next Nonce, Length 40, group 31, RESERVED, 32 octets
      "28 00 0028 001f 0000"
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
      // Nonce payload: Next Notify, Length 36
      "29 00 0024"
      "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
      // N(NAT_DETECTION_SOURCE_IP): Length 28, no SPI, SHA-1 hash
      "29 00 001c 00 00 4004 0102030405060708090a0b0c0d0e0f1011121314"
      // N(NAT_DETECTION_DESTINATION_IP)
      "29 00 001c 00 00 4005 1112131415161718191a1b1c1d1e1f2021222324"
      // N(IKEV2_FRAGMENTATION_SUPPORTED): no data
      "29 00 0008 00 00 402e"
      // N(SIGNATURE_HASH_ALGORITHMS): SHA2_256, SHA2_384, SHA2_512, IDENTITY (last payload)
      "00 00 0010 00 00 402f 0002 0003 0004 0005");
}

inline Payload notify(NotifyType type, Bytes data = {}) {
  return {PayloadType::Notify, false, NotifyPayload{ProtocolId::NONE, {}, type, std::move(data)}};
}

inline SaPayload ike_sa_init_proposals() {
  SaPayload sa;
  sa.proposals.push_back(
      Proposal{1,
               ProtocolId::IKE,
               {},
               {
                   Transform{TransformType::ENCR,
                             static_cast<uint16_t>(EncrId::AES_GCM_16),
                             {TransformAttribute::key_length(256)}},
                   Transform{TransformType::PRF, static_cast<uint16_t>(PrfId::HMAC_SHA2_256), {}},
                   Transform{TransformType::KE, static_cast<uint16_t>(KeGroup::CURVE25519), {}},
               }});
  sa.proposals.push_back(
      Proposal{2,
               ProtocolId::IKE,
               {},
               {
                   Transform{TransformType::ENCR,
                             static_cast<uint16_t>(EncrId::AES_CBC),
                             {TransformAttribute::key_length(128)}},
                   Transform{TransformType::PRF, static_cast<uint16_t>(PrfId::HMAC_SHA2_256), {}},
                   Transform{TransformType::INTEG, static_cast<uint16_t>(IntegId::HMAC_SHA2_256_128), {}},
                   Transform{TransformType::KE, static_cast<uint16_t>(KeGroup::MODP_2048), {}},
               }});
  return sa;
}

inline Message ike_sa_init_request() {
  Message m;
  m.header.spi_i = 0x8a3f5c2e1d0b4a69;
  m.header.spi_r = 0;
  m.header.next_payload = PayloadType::SA;
  m.header.exchange = ExchangeType::IKE_SA_INIT;
  m.header.flags = kFlagInitiator;
  m.header.message_id = 0;
  m.header.length = 268;
  m.payloads.push_back({PayloadType::SA, false, ike_sa_init_proposals()});
  m.payloads.push_back({PayloadType::KE, false, KePayload{KeGroup::CURVE25519, hex(kX25519Public)}});
  m.payloads.push_back({PayloadType::Nonce, false, NoncePayload{pattern(32, 0xa0)}});
  m.payloads.push_back(notify(NotifyType::NAT_DETECTION_SOURCE_IP, pattern(20, 0x01)));
  m.payloads.push_back(notify(NotifyType::NAT_DETECTION_DESTINATION_IP, pattern(20, 0x11)));
  m.payloads.push_back(notify(NotifyType::IKEV2_FRAGMENTATION_SUPPORTED));
  m.payloads.push_back(notify(NotifyType::SIGNATURE_HASH_ALGORITHMS, hex("0002 0003 0004 0005")));
  return m;
}

// HDR, SK {IDi, AUTH, SAi2, TSi, TSr, ...}  -->   with the SK contents opaque:
// 8 octets IV, 200 octets ciphertext, 16 octets ICV (AES-GCM-16).   256 octets
inline Bytes ike_auth_request_bytes() {
  Bytes out =
      hex("8a3f5c2e1d0b4a69"        // IKE SA Initiator's SPI
          "c0ffee0123456789"        // IKE SA Responder's SPI
          "2e 20 23 08"             // Next Payload SK, Version 2.0, IKE_AUTH, Flags I
          "00000001"                // Message ID 1
          "00000100"                // Length 256
          "23 00 00e4");            // SK: Next Payload IDi (first inner payload), Length 228
  append(out, pattern(224, 0x40));  // IV || ciphertext || ICV
  return out;
}

inline Message ike_auth_request() {
  Message m;
  m.header.spi_i = 0x8a3f5c2e1d0b4a69;
  m.header.spi_r = 0xc0ffee0123456789;
  m.header.next_payload = PayloadType::SK;
  m.header.exchange = ExchangeType::IKE_AUTH;
  m.header.flags = kFlagInitiator;
  m.header.message_id = 1;
  m.header.length = 256;
  m.payloads.push_back({PayloadType::SK, false, SkPayload{pattern(224, 0x40), PayloadType::IDi}});
  return m;
}

}  // namespace tern::wire::samples

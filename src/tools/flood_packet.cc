// See flood_packet.h.
#include "tools/flood_packet.h"

#include <fmt/format.h>

#include <cstring>

#include "crypto/key_exchange.h"
#include "ike/proposal.h"
#include "wire/header.h"
#include "wire/message.h"

namespace tern::tools {
namespace {

constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kUdpHeaderSize = 8;
constexpr size_t kIkeOffset = kIpv4HeaderSize + kUdpHeaderSize;
constexpr size_t kNatDetectionHashSize = 20;  // SHA-1 (RFC 7296 §2.23)

void put16(uint8_t* p, size_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

}  // namespace

void FloodRandom::fill(uint8_t* out, size_t n) {
  while (n >= 8) {
    const uint64_t v = next();
    std::memcpy(out, &v, 8);
    out += 8;
    n -= 8;
  }
  if (n > 0) {
    const uint64_t v = next();
    std::memcpy(out, &v, n);
  }
}

Result<FloodTemplate> make_flood_template(const FloodTemplateOptions& options) {
  const std::optional<size_t> ke_size = crypto::KeyExchange::public_value_size(options.suite.ke);
  if (!ke_size) {
    return fail(Errc::invalid_syntax,
                fmt::format("group {} has no fixed public value size", wire::to_string(options.suite.ke)));
  }
  if (options.nonce_size < 16 || options.nonce_size > 256) {
    return fail(Errc::invalid_syntax,
                fmt::format("nonce size {} is outside 16..256 (RFC 7296 §3.9)", options.nonce_size));
  }
  // HDR(SPIi, 0), SAi1, KEi, Ni [, N(NAT_D) x2]: every variable value zero for now.
  wire::Message message;
  message.header.spi_i = 1;
  message.header.exchange = wire::ExchangeType::IKE_SA_INIT;
  message.header.flags = wire::kFlagInitiator;
  message.payloads.push_back(
      {wire::PayloadType::SA, false, wire::SaPayload{{ike::ike_proposal(options.suite, 1)}}});
  message.payloads.push_back(
      {wire::PayloadType::KE, false, wire::KePayload{options.suite.ke, Bytes(*ke_size, 0)}});
  message.payloads.push_back(
      {wire::PayloadType::Nonce, false, wire::NoncePayload{Bytes(options.nonce_size, 0)}});
  if (options.nat_detection) {
    for (wire::NotifyType type :
         {wire::NotifyType::NAT_DETECTION_SOURCE_IP, wire::NotifyType::NAT_DETECTION_DESTINATION_IP}) {
      message.payloads.push_back(
          {wire::PayloadType::Notify, false,
           wire::NotifyPayload{wire::ProtocolId::NONE, {}, type, Bytes(kNatDetectionHashSize, 0)}});
    }
  }
  const Bytes ike = wire::build_message(message);

  FloodTemplate t;
  t.packet.assign(kIkeOffset, 0);
  append(t.packet, ike);
  uint8_t* ip = t.packet.data();
  ip[0] = 0x45;  // version 4, 5 words
  put16(ip + 2, t.packet.size());
  ip[6] = 0x40;  // DF
  ip[8] = 64;    // TTL
  ip[9] = 17;    // UDP
  std::memcpy(ip + 16, options.target.data(), 4);
  uint8_t* udp = ip + kIpv4HeaderSize;
  put16(udp, options.source_port);
  put16(udp + 2, options.target_port);
  put16(udp + 4, kUdpHeaderSize + ike.size());
  t.spi_i_offset = kIkeOffset;

  // Walk the payload chain for the offsets of what changes per packet.
  size_t at = kIkeOffset + wire::kIkeHeaderSize;
  auto next = static_cast<wire::PayloadType>(t.packet[kIkeOffset + 16]);
  size_t natd = 0;
  while (next != wire::PayloadType::NONE && at + 4 <= t.packet.size()) {
    const auto length = static_cast<size_t>(t.packet[at + 2] << 8 | t.packet[at + 3]);
    if (next == wire::PayloadType::KE) {
      t.ke_offset = at + 8;  // group, reserved
      t.ke_size = *ke_size;
    } else if (next == wire::PayloadType::Nonce) {
      t.nonce_offset = at + 4;
      t.nonce_size = options.nonce_size;
    } else if (next == wire::PayloadType::Notify && natd < t.natd_offsets.size()) {
      t.natd_offsets[natd++] = at + 8;  // protocol, SPI size, type
    }
    next = static_cast<wire::PayloadType>(t.packet[at]);
    at += length;
  }
  return t;
}

void randomize_flood_packet(FloodTemplate& t, FloodRandom& random, uint32_t network, uint8_t prefix_len) {
  const uint32_t host_mask = prefix_len >= 32 ? 0 : 0xffffffffU >> prefix_len;
  const uint32_t source = (network & ~host_mask) | (static_cast<uint32_t>(random.next()) & host_mask);
  uint8_t* p = t.packet.data();
  p[12] = static_cast<uint8_t>(source >> 24);
  p[13] = static_cast<uint8_t>(source >> 16);
  p[14] = static_cast<uint8_t>(source >> 8);
  p[15] = static_cast<uint8_t>(source);
  random.fill(p + t.spi_i_offset, 8);
  random.fill(p + t.ke_offset, t.ke_size);
  random.fill(p + t.nonce_offset, t.nonce_size);
  for (size_t offset : t.natd_offsets) {
    if (offset != 0) random.fill(p + offset, kNatDetectionHashSize);
  }
}

}  // namespace tern::tools

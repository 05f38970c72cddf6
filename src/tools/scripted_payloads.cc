#include "tools/scripted_payloads.h"

#include "base/byte_writer.h"
#include "ike/address.h"
#include "ike/nat_detection.h"

namespace tern::tools {

using wire::TransformType;

namespace {

wire::Transform transform(TransformType type, uint16_t id) {
  return wire::Transform{type, id, {}};
}

}  // namespace

uint64_t random_ike_spi(crypto::Random& random) {
  uint64_t spi = 0;
  while (spi == 0) spi = random.u64();
  return spi;
}

uint32_t random_esp_spi(crypto::Random& random) {
  uint32_t spi = 0;
  while (spi < 256) spi = static_cast<uint32_t>(random.u64() >> 32);
  return spi;
}

wire::Proposal ike_proposal(const crypto::IkeSuite& suite) {
  wire::Proposal p;
  p.number = 1;
  p.protocol = wire::ProtocolId::IKE;
  wire::Transform encr = transform(TransformType::ENCR, static_cast<uint16_t>(suite.encr));
  encr.attributes.push_back(wire::TransformAttribute::key_length(suite.encr_key_bits));
  p.transforms.push_back(encr);
  p.transforms.push_back(transform(TransformType::PRF, static_cast<uint16_t>(suite.prf)));
  if (!crypto::is_aead(suite.encr))
    p.transforms.push_back(transform(TransformType::INTEG, static_cast<uint16_t>(suite.integ)));
  p.transforms.push_back(transform(TransformType::KE, static_cast<uint16_t>(suite.ke)));
  return p;
}

wire::Proposal esp_aes128gcm16_proposal(uint32_t spi) {
  wire::Proposal p;
  p.number = 1;
  p.protocol = wire::ProtocolId::ESP;
  ByteWriter w{p.spi};
  w.u32(spi);
  wire::Transform encr = transform(TransformType::ENCR, static_cast<uint16_t>(wire::EncrId::AES_GCM_16));
  encr.attributes.push_back(wire::TransformAttribute::key_length(128));
  p.transforms.push_back(encr);
  p.transforms.push_back(transform(TransformType::ESN, static_cast<uint16_t>(wire::EsnId::NO_ESN)));
  return p;
}

wire::IdPayload identity(std::string_view id) {
  const auto type =
      id.find('@') != std::string_view::npos ? wire::IdType::ID_RFC822_ADDR : wire::IdType::ID_FQDN;
  const ByteView data = as_bytes(id);
  return wire::IdPayload{type, Bytes(data.begin(), data.end())};
}

Bytes id_payload_body(const wire::IdPayload& id) {
  Bytes body;
  ByteWriter w{body};
  id.build(w);
  return body;
}

wire::TsPayload ipv4_prefix_ts(const std::array<uint8_t, 4>& network, uint8_t prefix_length) {
  TERN_ASSERT(prefix_length <= 32);
  uint32_t start = 0;
  for (uint8_t octet : network) start = (start << 8) | octet;
  const uint32_t host_mask = prefix_length == 0 ? 0xffffffffu : (uint32_t{1} << (32 - prefix_length)) - 1;
  start &= ~host_mask;
  const uint32_t end = start | host_mask;
  auto octets = [](uint32_t v) {
    return std::array<uint8_t, 4>{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                                  static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  };
  return wire::TsPayload{{wire::TrafficSelector::ipv4_range(octets(start), octets(end))}};
}

wire::TsPayload scripted_tsi() {
  return ipv4_prefix_ts({192, 0, 2, 0}, 24);
}

wire::TsPayload scripted_tsr() {
  return ipv4_prefix_ts({203, 0, 113, 0}, 24);
}

Bytes nat_detection_hash(uint64_t spi_i, uint64_t spi_r, const UdpEndpoint& endpoint) {
  return ike::nat_detection_hash(spi_i, spi_r, ike::Address::ipv4(endpoint.ipv4, endpoint.port));
}

wire::Payload nat_detection_notify(wire::NotifyType type, ByteView hash) {
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::NONE;
  n.type = type;
  n.data.assign(hash.begin(), hash.end());
  return wire::Payload{wire::PayloadType::Notify, false, n};
}

bool nat_detection_matches(std::span<const wire::Payload> payloads, wire::NotifyType type, uint64_t spi_i,
                           uint64_t spi_r, const UdpEndpoint& endpoint) {
  const Bytes expected = nat_detection_hash(spi_i, spi_r, endpoint);
  for (const wire::Payload& p : payloads) {
    const auto* n = std::get_if<wire::NotifyPayload>(&p.body);
    if (n != nullptr && n->type == type && equal(n->data, expected)) return true;
  }
  return false;
}

}  // namespace tern::tools

// See esp_sa.h: EspSaParams from the engine's InstallChildSa, and OutboundSa
// (encap). InboundSa (decap) is in inbound_sa.cc.
#include "esp/esp_sa.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

#include "esp/esp_packet.h"
#include "esp/ip_protocol.h"

namespace tern::esp {
namespace {

Result<std::vector<Selector>> compile_all(const std::vector<wire::TrafficSelector>& list) {
  std::vector<Selector> out;
  out.reserve(list.size());
  for (const wire::TrafficSelector& ts : list) {
    Result<Selector> s = Selector::compile(ts);
    if (!s) return fail(s.error());
    out.push_back(*s);
  }
  return out;
}

Result<EspSaParams> common_params(const ike::InstallChildSa& sa) {
  EspSaParams p;
  p.suite = sa.suite;
  p.mode = sa.mode;
  p.local = sa.local;
  p.remote = sa.remote;
  p.encap = sa.encap;
  Result<std::vector<Selector>> local = compile_all(sa.local_ts);
  if (!local) return fail(local.error());
  Result<std::vector<Selector>> remote = compile_all(sa.remote_ts);
  if (!remote) return fail(remote.error());
  p.local_ts = std::move(*local);
  p.remote_ts = std::move(*remote);
  return p;
}

}  // namespace

Result<EspSaParams> inbound_params(const ike::InstallChildSa& sa) {
  Result<EspSaParams> p = common_params(sa);
  if (!p) return fail(p.error());
  p->spi = sa.spi_in;
  p->encr_key = sa.encr_in;
  p->integ_key = sa.integ_in;
  return p;
}

Result<EspSaParams> outbound_params(const ike::InstallChildSa& sa) {
  Result<EspSaParams> p = common_params(sa);
  if (!p) return fail(p.error());
  p->spi = sa.spi_out;
  p->encr_key = sa.encr_out;
  p->integ_key = sa.integ_out;
  return p;
}

// ---------------------------------------------------------------------------
// OutboundSa

Result<OutboundSa> OutboundSa::create(const EspSaParams& params, crypto::Random& random) {
  Result<std::unique_ptr<crypto::EspCipher>> cipher =
      crypto::EspCipher::create(params.suite.encr, params.suite.encr_key_bits, params.suite.integ,
                                params.encr_key.view(), params.integ_key.view(), random);
  if (!cipher) return fail(cipher.error());
  return OutboundSa(params, std::move(*cipher));
}

OutboundSa::OutboundSa(const EspSaParams& params, std::unique_ptr<crypto::EspCipher> cipher)
    : cipher_(std::move(cipher)),
      spi_(params.spi),
      iv_size_(static_cast<uint8_t>(cipher_->iv_size())),
      icv_size_(static_cast<uint8_t>(cipher_->icv_size())),
      block_size_(static_cast<uint8_t>(cipher_->block_size())),
      mode_(params.mode),
      esn_(params.esn()) {
  TERN_ASSERT(cipher_->iv_size() <= 255 && cipher_->icv_size() <= 255);
  TERN_ASSERT(block_size_ >= kMinAlignment && cipher_->block_size() <= kMaxPadLength);
}

size_t OutboundSa::encapsulated_size(size_t payload_size) const {
  const size_t unpadded = payload_size + kEspTrailerSize;
  const size_t padded = (unpadded + block_size_ - 1) / block_size_ * block_size_;
  return kEspHeaderSize + iv_size_ + padded + icv_size_;
}

Result<size_t> OutboundSa::encap(ByteView inner, MutableByteView out) {
  if (mode_ != ike::ChildMode::tunnel) {
    ++counters_.bad_payload;
    return fail(Errc::unsupported, "ESP encap: an IP packet for a transport-mode SA");
  }
  const unsigned version = inner.empty() ? 0u : unsigned{inner[0]} >> 4;
  uint8_t next_header = 0;
  if (version == 4) {
    next_header = kIpProtoIpv4;
  } else if (version == 6) {
    next_header = kIpProtoIpv6;
  } else {
    ++counters_.bad_payload;
    return fail(Errc::bad_version, fmt::format("ESP encap: inner packet of IP version {}", version));
  }
  return frame_and_seal(inner, next_header, out);
}

Result<size_t> OutboundSa::encap(TransportPayload payload, MutableByteView out) {
  if (mode_ != ike::ChildMode::transport) {
    ++counters_.bad_payload;
    return fail(Errc::unsupported, "ESP encap: a transport payload for a tunnel-mode SA");
  }
  return frame_and_seal(payload.payload, payload.next_header, out);
}

// RFC 4303 §3.3: frame, then let the cipher write the IV, encrypt and append the ICV.
Result<size_t> OutboundSa::frame_and_seal(ByteView payload, uint8_t next_header, MutableByteView out) {
  const size_t total = encapsulated_size(payload.size());
  if (out.size() < total) {
    ++counters_.buffer_too_small;
    return fail(Errc::bad_length,
                fmt::format("ESP encap: {} octets of room for a {}-octet packet", out.size(), total));
  }
  if (seq_exhausted()) {
    ++counters_.seq_exhausted;
    return fail(Errc::too_many, fmt::format("ESP encap: SPI {:08x} has used its last sequence number {}: "
                                            "it must be rekeyed (RFC 4303 §3.3.3)",
                                            spi_, last_seq()));
  }
  const uint64_t seq = ++sent_;
  uint8_t* p = out.data();
  store_be32(p, spi_);
  store_be32(p + kSpiSize, static_cast<uint32_t>(seq));

  uint8_t* body = p + payload_offset();
  if (payload.data() != body && !payload.empty()) std::memmove(body, payload.data(), payload.size());
  const size_t pad = total - kEspHeaderSize - iv_size_ - icv_size_ - kEspTrailerSize - payload.size();
  uint8_t* trailer = body + payload.size();
  for (size_t i = 0; i < pad; ++i) trailer[i] = static_cast<uint8_t>(i + 1);  // §2.4: 1, 2, 3, ...
  trailer[pad] = static_cast<uint8_t>(pad);
  trailer[pad + 1] = next_header;

  std::optional<uint32_t> esn_high;
  if (esn_) esn_high = static_cast<uint32_t>(seq >> 32);
  cipher_->seal(out.first(total), esn_high);
  ++counters_.packets;
  counters_.bytes += payload.size();
  return total;
}

}  // namespace tern::esp

// See esp_sa.h: InboundSa, the decap path of RFC 4303 §3.4 in the order the
// header lists (length, SPI, replay check, ICV, padding, Next Header, inner
// packet, replay commit, selectors).
#include <fmt/format.h>

#include <algorithm>

#include "esp/esp_packet.h"
#include "esp/esp_sa.h"
#include "esp/ip_packet.h"
#include "esp/ip_protocol.h"
#include "wire/ts_payload.h"

namespace tern::esp {
namespace {

std::string describe(const PacketSelector& p) {
  const size_t n = p.address_size();
  std::string text =
      fmt::format("{} -> {} protocol {}", wire::ip_address_to_string(ByteView(p.src.data(), n)),
                  wire::ip_address_to_string(ByteView(p.dst.data(), n)), p.protocol);
  if (p.has_ports) text += fmt::format(" ports {} -> {}", p.src_port, p.dst_port);
  return text;
}

}  // namespace

Result<InboundSa> InboundSa::create(const EspSaParams& params, crypto::Random& random) {
  if (!ReplayWindow::valid_size(params.replay_window))
    return fail(
        Errc::invalid_syntax,
        fmt::format("ESP SA: replay window {} is neither 0 nor a multiple of 64", params.replay_window));
  if (params.local_ts.size() > 255 || params.remote_ts.size() > 255)
    return fail(
        Errc::invalid_syntax,
        fmt::format("ESP SA: {} local and {} remote traffic selectors; a TS payload holds at most 255",
                    params.local_ts.size(), params.remote_ts.size()));
  Result<std::unique_ptr<crypto::EspCipher>> cipher =
      crypto::EspCipher::create(params.suite.encr, params.suite.encr_key_bits, params.suite.integ,
                                params.encr_key.view(), params.integ_key.view(), random);
  if (!cipher) return fail(cipher.error());
  return InboundSa(params, std::move(*cipher));
}

InboundSa::InboundSa(const EspSaParams& params, std::unique_ptr<crypto::EspCipher> cipher)
    : cipher_(std::move(cipher)),
      replay_(params.replay_window, params.suite.esn),
      spi_(params.spi),
      iv_size_(static_cast<uint8_t>(cipher_->iv_size())),
      icv_size_(static_cast<uint8_t>(cipher_->icv_size())),
      local_count_(static_cast<uint8_t>(params.local_ts.size())),
      remote_count_(static_cast<uint8_t>(params.remote_ts.size())),
      mode_(params.mode) {
  TERN_ASSERT(cipher_->iv_size() <= 255 && cipher_->icv_size() <= 255);
  const size_t n = params.local_ts.size() + params.remote_ts.size();
  if (n == 0) return;
  selectors_ = std::make_unique<Selector[]>(n);
  std::copy(params.local_ts.begin(), params.local_ts.end(), selectors_.get());
  std::copy(params.remote_ts.begin(), params.remote_ts.end(), selectors_.get() + local_count_);
}

Result<Decapped> InboundSa::decap(MutableByteView packet) {
  // 1. Length: bounds before anything is read.
  const size_t minimum = kEspHeaderSize + iv_size_ + kEspTrailerSize + icv_size_;
  if (packet.size() < minimum) {
    ++counters_.malformed;
    return fail(Errc::truncated, fmt::format("ESP packet: {} octets, header + IV + trailer + ICV need {}",
                                             packet.size(), minimum));
  }
  // 2. SPI.
  const uint32_t spi = load_be32(packet.data());
  if (spi != spi_) {
    ++counters_.wrong_spi;
    return fail(Errc::bad_spi,
                fmt::format("ESP packet: SPI {:08x} given to the SA of SPI {:08x}", spi, spi_));
  }
  // 3. Replay check, before authentication: changes nothing.
  const uint32_t seq_low = load_be32(packet.data() + kSpiSize);
  const std::optional<uint64_t> seq = replay_.check(seq_low);
  if (!seq) {
    ++counters_.replay_drops;
    return fail(
        Errc::bad_message_id,
        fmt::format("ESP packet: sequence number {} replayed or left of the window (highest {}, size {})",
                    seq_low, replay_.highest(), replay_.size()));
  }
  // 4. ICV, then decryption in place.
  std::optional<uint32_t> esn_high;
  if (replay_.esn()) esn_high = static_cast<uint32_t>(*seq >> 32);
  Result<void> opened = cipher_->open(packet, esn_high);
  if (!opened) {
    if (opened.error().code == Errc::integrity_check_failed) {
      ++counters_.auth_failures;
    } else {
      ++counters_.malformed;
    }
    return fail(opened.error());
  }
  // 5. Padding: Pad Length fits and the Padding reads 1, 2, 3, ... (§2.4).
  const MutableByteView plain =
      packet.subspan(kEspHeaderSize + iv_size_, packet.size() - kEspHeaderSize - iv_size_ - icv_size_);
  const size_t pad_length = plain[plain.size() - 2];
  const uint8_t next_header = plain[plain.size() - 1];
  if (pad_length > plain.size() - kEspTrailerSize) {
    ++counters_.bad_padding;
    return fail(Errc::bad_padding, fmt::format("ESP packet: Pad Length {} but only {} octets precede it",
                                               pad_length, plain.size() - kEspTrailerSize));
  }
  const size_t pad_start = plain.size() - kEspTrailerSize - pad_length;
  for (size_t i = 0; i < pad_length; ++i) {
    if (plain[pad_start + i] != static_cast<uint8_t>(i + 1)) {
      ++counters_.bad_padding;
      return fail(Errc::bad_padding, fmt::format("ESP packet: Padding octet {} is {}, must be {}", i + 1,
                                                 plain[pad_start + i], i + 1));
    }
  }
  ByteView payload = plain.first(pad_start);
  // 6. Next Header.
  if (next_header == kIpProtoNoNext) {
    ++counters_.dummy_packets;
    return fail(Errc::unexpected_payload,
                "ESP packet: Next Header 59, a dummy packet (RFC 4303 §2.6): dropped");
  }
  if (mode_ == ike::ChildMode::transport) {
    replay_.commit(*seq);  // 8.
    ++counters_.packets;
    counters_.bytes += payload.size();
    return Decapped{payload, next_header};
  }
  if (next_header != kIpProtoIpv4 && next_header != kIpProtoIpv6) {
    ++counters_.bad_next_header;
    return fail(Errc::unsupported,
                fmt::format("ESP packet: Next Header {} in tunnel mode (4 or 41 expected)", next_header));
  }
  // 7. The inner packet: sane, of the version Next Header names, fits.
  Result<IpPacket> inner = read_ip_packet(payload);
  if (!inner) {
    ++counters_.bad_inner_packet;
    return fail(inner.error());
  }
  const ike::AddressFamily expected =
      next_header == kIpProtoIpv4 ? ike::AddressFamily::ipv4 : ike::AddressFamily::ipv6;
  if (inner->selector.family != expected) {
    ++counters_.bad_inner_packet;
    return fail(Errc::bad_version, fmt::format("ESP packet: Next Header {} carries an IPv{} packet",
                                               next_header, payload[0] >> 4));
  }
  payload = payload.first(inner->total_length);  // TFC padding (§2.7), if any, goes
  // 8. Authenticated and well-formed: the window remembers it.
  replay_.commit(*seq);
  // 9. Selectors (RFC 4301 §5.2): the inner packet must be one this SA carries.
  if (!any_matches_source(remote_ts(), inner->selector) ||
      !any_matches_destination(local_ts(), inner->selector)) {
    ++counters_.selector_mismatches;
    return fail(
        Errc::invalid_syntax,
        fmt::format("ESP packet: inner {} is outside the SA's traffic selectors", describe(inner->selector)));
  }
  ++counters_.packets;
  counters_.bytes += payload.size();
  return Decapped{payload, next_header};
}

}  // namespace tern::esp

#include "io/tun_offload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "io/inet_checksum.h"

namespace tern::io {
namespace {

using inet::fold;
using inet::get16;
using inet::get32;
using inet::put16;
using inet::put32;
using inet::sum;

constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpCwr = 0x80;

}  // namespace

VnetHeader VnetHeader::decode(ByteView o) {
  auto le16 = [&](size_t i) { return static_cast<uint16_t>(o[i] | o[i + 1] << 8); };
  VnetHeader h;
  h.flags = o[0];
  h.gso_type = static_cast<uint8_t>(o[1] & 0x7f);
  h.hdr_len = le16(2);
  h.gso_size = le16(4);
  h.csum_start = le16(6);
  h.csum_offset = le16(8);
  return h;
}

void VnetHeader::encode(uint8_t out[kSize]) const {
  auto le16 = [&](size_t i, uint16_t v) {
    out[i] = static_cast<uint8_t>(v);
    out[i + 1] = static_cast<uint8_t>(v >> 8);
  };
  out[0] = flags;
  out[1] = gso_type;
  le16(2, hdr_len);
  le16(4, gso_size);
  le16(6, csum_start);
  le16(8, csum_offset);
}

Result<void> finish_checksum(MutableByteView packet, const VnetHeader& h) {
  const size_t field = static_cast<size_t>(h.csum_start) + h.csum_offset;
  if (h.csum_start >= packet.size() || field + 2 > packet.size())
    return fail(Errc::bad_length, fmt::format("checksum offsets {}+{} outside a {}-octet packet",
                                              h.csum_start, h.csum_offset, packet.size()));
  // The field holds the pseudo-header sum; summing it with the rest gives the checksum.
  const uint16_t c =
      static_cast<uint16_t>(~fold(sum(packet.data() + h.csum_start, packet.size() - h.csum_start)));
  put16(packet.data() + field, c);
  return {};
}

Result<void> segment(ByteView packet, const VnetHeader& h, MutableByteView scratch,
                     const std::function<void(ByteView segment)>& emit) {
  size_t used = 0;
  Result<void> r = segment_into(
      packet, h,
      [&](size_t size) -> MutableByteView {
        if (used + size > scratch.size()) return {};
        MutableByteView at = scratch.subspan(used, size);
        used += size;
        return at;
      },
      emit);
  if (!r && r.error().code == Errc::too_many)
    return fail(Errc::too_many, fmt::format("the segments do not fit {} octets of scratch", scratch.size()));
  return r;
}

Result<void> segment_into(ByteView packet, const VnetHeader& h, const SegmentPlace& place,
                          const std::function<void(ByteView segment)>& emit) {
  const bool v4 = h.gso_type == VnetHeader::tcpv4;
  if (!v4 && h.gso_type != VnetHeader::tcpv6)
    return fail(Errc::unsupported, fmt::format("GSO type {} is not TCP", h.gso_type));
  const size_t l4 = h.csum_start;
  if (packet.size() < 20 || l4 + 20 > packet.size() || h.gso_size == 0)
    return fail(Errc::truncated, "TSO packet shorter than its IP and TCP headers");
  if ((packet[0] >> 4) != (v4 ? 4 : 6))
    return fail(Errc::invalid_syntax, "TSO packet's IP version disagrees");
  const size_t tcp_len = static_cast<size_t>(packet[l4 + 12] >> 4) * 4;
  const size_t headers = l4 + tcp_len;
  if (tcp_len < 20 || headers > packet.size())
    return fail(Errc::truncated, "TCP header runs past the packet");
  if (v4 && (l4 < 20 || static_cast<size_t>(packet[0] & 0x0f) * 4 != l4))
    return fail(Errc::invalid_syntax, "IPv4 header length disagrees with csum_start");
  if (!v4 && l4 < 40) return fail(Errc::invalid_syntax, "IPv6 TCP offset inside the IPv6 header");

  const size_t payload = packet.size() - headers;
  const size_t mss = h.gso_size;
  const size_t count = payload == 0 ? 1 : (payload + mss - 1) / mss;

  const uint32_t seq0 = get32(packet.data() + l4 + 4);
  const uint16_t id0 = v4 ? get16(packet.data() + 4) : 0;
  const uint8_t flags0 = packet[l4 + 13];
  // The pseudo header's addresses (the length is added per segment).
  const uint64_t addresses = v4 ? sum(packet.data() + 12, 8) : sum(packet.data() + 8, 32);

  for (size_t i = 0; i < count; ++i) {
    const size_t offset = i * mss;
    const size_t chunk = std::min(mss, payload - std::min(payload, offset));
    const size_t size = headers + chunk;
    const MutableByteView where = place(size);
    if (where.size() != size)
      return fail(Errc::too_many,
                  fmt::format("no room for segment {} of {} ({} octets)", i + 1, count, size));
    uint8_t* out = where.data();
    std::memcpy(out, packet.data(), headers);
    std::memcpy(out + headers, packet.data() + headers + offset, chunk);
    if (v4) {
      put16(out + 2, static_cast<uint16_t>(size));
      put16(out + 4, static_cast<uint16_t>(id0 + i));
      put16(out + 10, 0);
      put16(out + 10, static_cast<uint16_t>(~fold(sum(out, l4))));
    } else {
      put16(out + 4, static_cast<uint16_t>(size - 40));
    }
    uint8_t* tcp = out + l4;
    put32(tcp + 4, seq0 + static_cast<uint32_t>(offset));
    uint8_t flags = flags0;
    if (i + 1 < count) flags = static_cast<uint8_t>(flags & ~(kTcpFin | kTcpPsh));
    if (i > 0) flags = static_cast<uint8_t>(flags & ~kTcpCwr);
    tcp[13] = flags;
    put16(tcp + 16, 0);
    const size_t tcp_segment = size - l4;
    uint64_t acc = addresses + 6 + tcp_segment;  // protocol 6 (TCP) and the TCP length
    acc = sum(tcp, tcp_segment, acc);
    put16(tcp + 16, static_cast<uint16_t>(~fold(acc)));
    emit(ByteView(out, size));
  }
  return {};
}

}  // namespace tern::io

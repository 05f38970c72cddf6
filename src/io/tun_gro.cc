#include "io/tun_gro.h"

#include <algorithm>
#include <cstring>

#include "io/inet_checksum.h"

namespace tern::io {
namespace {

using inet::fold;
using inet::get16;
using inet::get32;
using inet::put16;
using inet::sum;

constexpr uint8_t kAck = 0x10;
constexpr uint8_t kPsh = 0x08;

// The IP and TCP header lengths of a TCP segment tern may coalesce: IPv4
// without options or fragmentation, or IPv6 with TCP right after the fixed
// header; flags ACK or ACK|PSH; a non-empty payload. {0, 0} otherwise.
std::pair<size_t, size_t> tcp_headers(ByteView p) {
  size_t l4 = 0;
  if (p.size() >= 20 && (p[0] >> 4) == 4) {
    if ((p[0] & 0x0f) != 5 || p[9] != 6 || (get16(p.data() + 6) & 0x3fff) != 0) return {0, 0};
    if (get16(p.data() + 2) != p.size()) return {0, 0};
    l4 = 20;
  } else if (p.size() >= 40 && (p[0] >> 4) == 6) {
    if (p[6] != 6 || static_cast<size_t>(get16(p.data() + 4)) + 40 != p.size()) return {0, 0};
    l4 = 40;
  } else {
    return {0, 0};
  }
  if (p.size() < l4 + 20) return {0, 0};
  const size_t tcp = static_cast<size_t>(p[l4 + 12] >> 4) * 4;
  const uint8_t flags = p[l4 + 13];
  if (tcp < 20 || l4 + tcp >= p.size() || (flags & ~kPsh) != kAck) return {0, 0};
  return {l4, l4 + tcp};
}

}  // namespace

TunGro::TunGro(Write write) : write_(std::move(write)) {
  flows_.reserve(kFlows);
  for (auto& buffer : pool_) buffer.reset(new uint8_t[kMaxSize + 64]);
}

void TunGro::add(ByteView packet) {
  const auto [l4, headers] = tcp_headers(packet);
  if (l4 != 0) {
    for (Flow& flow : flows_) {
      if (try_append(flow, packet, l4, headers)) return;
    }
  }
  if (flows_.size() == kFlows) flush();
  flows_.emplace_back();
  flows_.back().buffer = pool_[flows_.size() - 1].get();
  start(flows_.back(), packet, l4, headers, l4 != 0);
}

void TunGro::start(Flow& flow, ByteView packet, size_t l4, size_t headers, bool coalescable) {
  flow.size = std::min(packet.size(), kMaxSize + 64);
  std::memcpy(flow.buffer, packet.data(), flow.size);
  flow.segments = 1;
  flow.closed = !coalescable || packet.size() > kMaxSize;
  if (flow.closed) return;
  flow.v4 = l4 == 20;
  flow.l4 = l4;
  flow.headers = headers;
  flow.gso_size = packet.size() - headers;
  // Addresses and ports: the flow.
  const uint8_t* a = packet.data() + (flow.v4 ? 12 : 8);
  const size_t alen = flow.v4 ? 8 : 32;
  std::memcpy(flow.key.data(), a, alen);
  std::memcpy(flow.key.data() + alen, packet.data() + l4, 4);
  flow.next_seq = get32(packet.data() + l4 + 4) + static_cast<uint32_t>(flow.gso_size);
  if ((packet[l4 + 13] & kPsh) != 0) flow.closed = true;
}

bool TunGro::try_append(Flow& flow, ByteView p, size_t l4, size_t headers) {
  if (flow.closed || l4 != flow.l4 || headers != flow.headers) return false;
  const uint8_t* first = flow.buffer;
  const size_t alen = flow.v4 ? 8 : 32;
  if (std::memcmp(flow.key.data(), p.data() + (flow.v4 ? 12 : 8), alen) != 0 ||
      std::memcmp(flow.key.data() + alen, p.data() + l4, 4) != 0)
    return false;
  // Same flow: from here on a segment that does not continue it ends it.
  const size_t payload = p.size() - headers;
  const bool continues =
      get32(p.data() + l4 + 4) == flow.next_seq && payload <= flow.gso_size &&
      flow.size + payload <= kMaxSize &&
      // same ACK number, window and options; same TTL/TOS (v4) or class/flow/hop limit (v6)
      std::memcmp(first + l4 + 8, p.data() + l4 + 8, 4) == 0 &&
      std::memcmp(first + l4 + 14, p.data() + l4 + 14, 2) == 0 &&
      std::memcmp(first + l4 + 20, p.data() + l4 + 20, headers - l4 - 20) == 0 &&
      (flow.v4 ? first[1] == p[1] && first[8] == p[8] && (first[6] & 0x40) == (p[6] & 0x40)
               : std::memcmp(first, p.data(), 4) == 0 && first[7] == p[7]);
  if (!continues) {
    flow.closed = true;
    return false;
  }
  std::memcpy(flow.buffer + flow.size, p.data() + headers, payload);
  flow.size += payload;
  ++flow.segments;
  flow.next_seq += static_cast<uint32_t>(payload);
  if ((p[l4 + 13] & kPsh) != 0) {
    flow.buffer[l4 + 13] |= kPsh;
    flow.closed = true;
  }
  if (payload < flow.gso_size) flow.closed = true;
  return true;
}

void TunGro::emit(Flow& flow) {
  uint8_t* p = flow.buffer;
  if (flow.segments == 1) {
    write_(VnetHeader{}, ByteView(p, flow.size));  // as it came, checksums intact
    return;
  }
  coalesced_ += flow.segments;
  const size_t l4 = flow.l4;
  uint64_t pseudo = 0;
  if (flow.v4) {
    put16(p + 2, static_cast<uint16_t>(flow.size));
    put16(p + 10, 0);
    put16(p + 10, static_cast<uint16_t>(~fold(sum(p, 20))));
    pseudo = sum(p + 12, 8);
  } else {
    put16(p + 4, static_cast<uint16_t>(flow.size - 40));
    pseudo = sum(p + 8, 32);
  }
  // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; the kernel completes it per segment.
  pseudo += 6 + (flow.size - l4);
  put16(p + l4 + 16, fold(pseudo));
  VnetHeader h;
  h.flags = VnetHeader::kNeedsCsum;
  h.gso_type = flow.v4 ? VnetHeader::tcpv4 : VnetHeader::tcpv6;
  h.hdr_len = static_cast<uint16_t>(flow.headers);
  h.gso_size = static_cast<uint16_t>(flow.gso_size);
  h.csum_start = static_cast<uint16_t>(l4);
  h.csum_offset = 16;
  write_(h, ByteView(p, flow.size));
}

void TunGro::flush() {
  for (Flow& flow : flows_) emit(flow);
  flows_.clear();
}

}  // namespace tern::io

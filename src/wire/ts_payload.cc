#include "wire/ts_payload.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {

constexpr size_t kSelectorHeaderSize = 4;  // TS Type, IP Protocol ID, Selector Length

// Address size for the types tern knows; 0 for any other TS Type.
size_t address_size(TsType type) {
  switch (type) {
    case TsType::TS_IPV4_ADDR_RANGE: return 4;
    case TsType::TS_IPV6_ADDR_RANGE: return 16;
  }
  return 0;
}

// Selector Length of a known type: the 8 fixed octets plus two addresses.
size_t selector_length(size_t addr_size) {
  return 8 + 2 * addr_size;
}

// A bounds error inside the body, answered with INVALID_SYNTAX.
Unexpected<Error> bounds_error(Errc code, std::string detail) {
  return as_invalid_syntax(Error::drop(code, std::move(detail)));
}

// Bounds: cut the body into exactly `Number of TSs` selectors, each as long
// as its Selector Length says, with nothing left over.
Result<std::vector<ByteView>> split_selectors(ByteView body) {
  ByteReader r{body, "TS payload"};
  auto count = r.u8("Number of TSs");
  if (!count) return as_invalid_syntax(count.error());
  if (auto reserved = r.skip(3, "RESERVED"); !reserved) return as_invalid_syntax(reserved.error());

  std::vector<ByteView> selectors;
  for (unsigned i = 1; i <= *count; ++i) {
    ByteView rest = body.subspan(r.position());
    if (rest.size() < kSelectorHeaderSize) {
      return bounds_error(Errc::truncated,
                          fmt::format("TS payload: selector {} of {}: header needs {} octets, {} left", i,
                                      *count, kSelectorHeaderSize, rest.size()));
    }
    size_t length = static_cast<size_t>((rest[2] << 8) | rest[3]);
    if (length < kSelectorHeaderSize) {
      return bounds_error(
          Errc::bad_length,
          fmt::format("TS payload: selector {}: Selector Length {} is shorter than its header", i, length));
    }
    if (length > rest.size()) {
      return bounds_error(
          Errc::truncated,
          fmt::format("TS payload: selector {}: Selector Length {}, {} octets left", i, length, rest.size()));
    }
    auto selector = r.take(length, "Traffic Selector");  // cannot fail: length <= remaining
    if (!selector) return as_invalid_syntax(selector.error());
    selectors.push_back(*selector);
  }
  if (!r.empty()) {
    return bounds_error(Errc::bad_length,
                        fmt::format("TS payload: Number of TSs is {} but {} octets follow the last selector",
                                    *count, r.remaining()));
  }
  return selectors;
}

// Meaning: a known type whose length fits it, start <= end for addresses and ports.
Result<TrafficSelector> decode_selector(ByteView bytes, unsigned index) {
  TrafficSelector ts;
  ts.type = static_cast<TsType>(bytes[0]);
  ts.ip_protocol = bytes[1];
  size_t addr_size = address_size(ts.type);
  if (addr_size == 0) {
    return invalid_syntax(fmt::format("TS payload: selector {}: unknown TS Type {}", index, bytes[0]));
  }
  if (bytes.size() != selector_length(addr_size)) {
    return bounds_error(Errc::bad_length, fmt::format("TS payload: selector {}: length {}, {} range needs {}",
                                                      index, bytes.size(), addr_size == 4 ? "IPv4" : "IPv6",
                                                      selector_length(addr_size)));
  }
  ts.start_port = static_cast<uint16_t>((bytes[4] << 8) | bytes[5]);
  ts.end_port = static_cast<uint16_t>((bytes[6] << 8) | bytes[7]);
  ByteView start = bytes.subspan(8, addr_size);
  ByteView end = bytes.subspan(8 + addr_size, addr_size);
  ts.start_address.assign(start.begin(), start.end());
  ts.end_address.assign(end.begin(), end.end());

  // Network order compares like the numbers it encodes.
  if (std::lexicographical_compare(end.begin(), end.end(), start.begin(), start.end())) {
    return invalid_syntax(fmt::format("TS payload: selector {}: start address {} is above end address {}",
                                      index, ip_address_to_string(start), ip_address_to_string(end)));
  }
  bool opaque = ts.start_port == kOpaqueStartPort && ts.end_port == kOpaqueEndPort;
  if (!opaque && ts.start_port > ts.end_port) {
    return invalid_syntax(fmt::format("TS payload: selector {}: start port {} is above end port {}", index,
                                      ts.start_port, ts.end_port));
  }
  return ts;
}

TrafficSelector make_range(TsType type, ByteView start, ByteView end, uint8_t ip_protocol,
                           uint16_t start_port, uint16_t end_port) {
  TrafficSelector ts;
  ts.type = type;
  ts.ip_protocol = ip_protocol;
  ts.start_port = start_port;
  ts.end_port = end_port;
  ts.start_address.assign(start.begin(), start.end());
  ts.end_address.assign(end.begin(), end.end());
  return ts;
}

}  // namespace

TrafficSelector TrafficSelector::ipv4_range(const std::array<uint8_t, 4>& start,
                                            const std::array<uint8_t, 4>& end, uint8_t ip_protocol,
                                            uint16_t start_port, uint16_t end_port) {
  return make_range(TsType::TS_IPV4_ADDR_RANGE, start, end, ip_protocol, start_port, end_port);
}

TrafficSelector TrafficSelector::ipv6_range(const std::array<uint8_t, 16>& start,
                                            const std::array<uint8_t, 16>& end, uint8_t ip_protocol,
                                            uint16_t start_port, uint16_t end_port) {
  return make_range(TsType::TS_IPV6_ADDR_RANGE, start, end, ip_protocol, start_port, end_port);
}

std::string TrafficSelector::to_string() const {
  return fmt::format("{}-{} proto {} ports {}-{}", ip_address_to_string(start_address),
                     ip_address_to_string(end_address), ip_protocol, start_port, end_port);
}

Result<TsPayload> TsPayload::parse(ByteView body) {
  auto pieces = split_selectors(body);
  if (!pieces) return fail(std::move(pieces).error());
  if (pieces->empty()) return invalid_syntax("TS payload: Number of TSs is 0");

  TsPayload ts;
  ts.selectors.reserve(pieces->size());
  for (size_t i = 0; i < pieces->size(); ++i) {
    auto selector = decode_selector((*pieces)[i], static_cast<unsigned>(i + 1));
    if (!selector) return fail(std::move(selector).error());
    ts.selectors.push_back(std::move(*selector));
  }
  return ts;
}

void TsPayload::build(ByteWriter& w) const {
  if (selectors.empty() || selectors.size() > 255) {
    TERN_BUG("TS payload: building with 0 or more than 255 selectors");
  }
  w.u8(static_cast<uint8_t>(selectors.size()));
  w.zeros(3);  // RESERVED
  for (const TrafficSelector& ts : selectors) {
    size_t addr_size = address_size(ts.type);
    if (addr_size == 0 || ts.start_address.size() != addr_size || ts.end_address.size() != addr_size) {
      TERN_BUG("TS payload: building a selector whose addresses do not match its TS Type");
    }
    w.u8(static_cast<uint8_t>(ts.type));
    w.u8(ts.ip_protocol);
    w.u16(static_cast<uint16_t>(selector_length(addr_size)));
    w.u16(ts.start_port);
    w.u16(ts.end_port);
    w.bytes(ts.start_address);
    w.bytes(ts.end_address);
  }
}

std::string ip_address_to_string(ByteView address) {
  if (address.size() == 4) return fmt::format("{}.{}.{}.{}", address[0], address[1], address[2], address[3]);
  if (address.size() != 16) return to_hex(address);

  std::array<uint16_t, 8> groups{};
  for (size_t i = 0; i < 8; ++i) {
    groups[i] = static_cast<uint16_t>((address[2 * i] << 8) | address[2 * i + 1]);
  }
  // RFC 5952 §4.2: compress the longest run (first on a tie) of two or more zero groups.
  size_t best_at = 8, best_len = 0;
  for (size_t i = 0; i < 8;) {
    size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_at = i;
      best_len = j - i;
    }
    i = (j == i) ? i + 1 : j;
  }
  std::string out;
  for (size_t i = 0; i < 8; ++i) {
    if (i == best_at) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", groups[i]);
  }
  return out;
}

}  // namespace tern::wire

// IPv4 dotted quads and IPv6 text forms (RFC 4291 §2.2), see ip_syntax.h.
#include "config/ip_syntax.h"

#include <array>
#include <vector>

#include "wire/ts_payload.h"

namespace tern::config {
namespace {

std::optional<std::array<uint8_t, 4>> quad(std::string_view text) {
  std::array<uint8_t, 4> out{};
  size_t part = 0;
  size_t pos = 0;
  while (true) {
    size_t digits = 0;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 4) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
      ++digits;
    }
    // No empty parts, no leading zeros (ambiguous: octal for some tools), each <= 255.
    if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
    if (digits > 1 && text[pos - digits] == '0') return std::nullopt;
    out[part++] = static_cast<uint8_t>(value);
    if (part == 4) break;
    if (pos >= text.size() || text[pos] != '.') return std::nullopt;
    ++pos;
  }
  if (pos != text.size()) return std::nullopt;
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Groups of one side of "::": "2001:db8" -> {0x2001, 0x0db8}; an IPv4 tail
// (only where `allow_v4_tail`) counts as two groups.
std::optional<std::vector<uint16_t>> groups(std::string_view text, bool allow_v4_tail) {
  std::vector<uint16_t> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    std::string_view g =
        text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (colon == std::string_view::npos && allow_v4_tail && g.find('.') != std::string_view::npos) {
      auto v4 = quad(g);
      if (!v4) return std::nullopt;
      out.push_back(static_cast<uint16_t>(((*v4)[0] << 8) | (*v4)[1]));
      out.push_back(static_cast<uint16_t>(((*v4)[2] << 8) | (*v4)[3]));
      return out;
    }
    if (g.empty() || g.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : g) {
      int d = hex_digit(c);
      if (d < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(d);
    }
    out.push_back(static_cast<uint16_t>(value));
    if (colon == std::string_view::npos) return out;
    start = colon + 1;
  }
}

}  // namespace

std::optional<ike::Address> parse_ipv4(std::string_view text) {
  auto octets = quad(text);
  if (!octets) return std::nullopt;
  return ike::Address::ipv4(*octets, 0);
}

std::optional<ike::Address> parse_ipv6(std::string_view text) {
  if (text.size() < 2 || text.size() > 45) return std::nullopt;
  std::vector<uint16_t> all;
  size_t gap = text.find("::");
  if (gap != std::string_view::npos) {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    auto head = groups(text.substr(0, gap), false);
    auto tail = groups(text.substr(gap + 2), true);
    if (!head || !tail || head->size() + tail->size() > 7) return std::nullopt;
    all = *head;
    all.resize(8 - tail->size(), 0);
    all.insert(all.end(), tail->begin(), tail->end());
  } else {
    auto g = groups(text, true);
    if (!g || g->size() != 8) return std::nullopt;
    all = *g;
  }
  std::array<uint8_t, 16> octets{};
  for (size_t i = 0; i < 8; ++i) {
    octets[2 * i] = static_cast<uint8_t>(all[i] >> 8);
    octets[2 * i + 1] = static_cast<uint8_t>(all[i] & 0xff);
  }
  return ike::Address::ipv6(octets, 0);
}

std::optional<ike::Address> parse_ip(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  return parse_ipv4(text);
}

std::string ip_to_string(const ike::Address& address) {
  return wire::ip_address_to_string(address.ip_bytes());
}

}  // namespace tern::config

// Byte containers and views. Borrowed bytes are ByteView (a std::span);
// owned bytes are Bytes (a std::vector). Keys never live here: see SecretBytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

// Lower-case hex, no separators: "0a1b".
std::string to_hex(ByteView bytes);
// Accepts upper/lower case, ignores ':' ' ' and '\n' separators. nullopt on odd length or bad digit.
std::optional<Bytes> from_hex(std::string_view hex);

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline void append(Bytes& out, ByteView more) {
  out.insert(out.end(), more.begin(), more.end());
}

inline bool equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace tern

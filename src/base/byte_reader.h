// Bounds-checked reading of big-endian (network order) fields from a borrowed
// buffer. Every read returns a Result; a read past the end is Errc::truncated
// with a detail naming what was being read. Never throws, never asserts.
//
//   ByteReader r{body, "KE payload"};
//   auto group = r.u16("DH group");          // Result<uint16_t>
//   if (!group) return fail(group.error());
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace tern {

class ByteReader {
 public:
  // `context` prefixes error details ("SA payload"); it must outlive the reader.
  explicit ByteReader(ByteView data, std::string_view context = {}) : data_(data), context_(context) {}

  Result<uint8_t> u8(std::string_view field);
  Result<uint16_t> u16(std::string_view field);
  Result<uint32_t> u32(std::string_view field);
  Result<uint64_t> u64(std::string_view field);
  // The next n bytes, borrowed from the underlying buffer.
  Result<ByteView> take(size_t n, std::string_view field);
  // Everything not yet read.
  ByteView rest();
  Result<void> skip(size_t n, std::string_view field);

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

 private:
  Unexpected<Error> truncated(std::string_view field, size_t need) const;

  ByteView data_;
  size_t pos_ = 0;
  std::string_view context_;
};

}  // namespace tern

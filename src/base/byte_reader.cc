#include "base/byte_reader.h"

#include <fmt/format.h>

namespace tern {

Unexpected<Error> ByteReader::truncated(std::string_view field, size_t need) const {
  return fail(Errc::truncated, fmt::format("{}{}{} needs {} bytes, {} left", context_,
                                           context_.empty() ? "" : ": ", field, need, remaining()));
}

Result<uint8_t> ByteReader::u8(std::string_view field) {
  if (remaining() < 1) return truncated(field, 1);
  return data_[pos_++];
}

Result<uint16_t> ByteReader::u16(std::string_view field) {
  if (remaining() < 2) return truncated(field, 2);
  auto v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

Result<uint32_t> ByteReader::u32(std::string_view field) {
  if (remaining() < 4) return truncated(field, 4);
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

Result<uint64_t> ByteReader::u64(std::string_view field) {
  if (remaining() < 8) return truncated(field, 8);
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

Result<ByteView> ByteReader::take(size_t n, std::string_view field) {
  if (remaining() < n) return truncated(field, n);
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

ByteView ByteReader::rest() {
  ByteView v = data_.subspan(pos_);
  pos_ = data_.size();
  return v;
}

Result<void> ByteReader::skip(size_t n, std::string_view field) {
  if (remaining() < n) return truncated(field, n);
  pos_ += n;
  return {};
}

}  // namespace tern

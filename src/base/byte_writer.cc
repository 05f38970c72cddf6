#include "base/byte_writer.h"

#include "base/error.h"

namespace tern {

void ByteWriter::u16(uint16_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::u32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
}

void ByteWriter::u64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
}

void ByteWriter::patch_u8(size_t at, uint8_t v) {
  TERN_ASSERT(at < out_.size());
  out_[at] = v;
}

void ByteWriter::patch_u16(size_t at, uint16_t v) {
  TERN_ASSERT(at + 2 <= out_.size());
  out_[at] = static_cast<uint8_t>(v >> 8);
  out_[at + 1] = static_cast<uint8_t>(v);
}

void ByteWriter::patch_u32(size_t at, uint32_t v) {
  TERN_ASSERT(at + 4 <= out_.size());
  for (size_t i = 0; i < 4; ++i) out_[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

void ByteWriter::patch_length16(size_t at, size_t length) {
  if (length > 0xffff) TERN_BUG("length field overflow: built a structure longer than 65535 bytes");
  patch_u16(at, static_cast<uint16_t>(length));
}

}  // namespace tern

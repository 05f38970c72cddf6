// Appending big-endian fields to an owned buffer, with back-patching of length
// fields that are only known once the body is written:
//
//   ByteWriter w{out};
//   auto len_at = w.placeholder_u16();   // payload length, patched below
//   ... write body ...
//   w.patch_u16(len_at, w.size_from(start));
//
// Writing never fails; values that do not fit a field are our own bug (TERN_BUG).
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace tern {

class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void zeros(size_t n) { out_.insert(out_.end(), n, 0); }

  // Reserve a field to fill in later; returns its offset in the buffer.
  size_t placeholder_u16() { return reserve(2); }
  size_t placeholder_u32() { return reserve(4); }
  void patch_u8(size_t at, uint8_t v);
  void patch_u16(size_t at, uint16_t v);
  void patch_u32(size_t at, uint32_t v);
  // patch_u16 with a size_t that must fit (a message we built ourselves).
  void patch_length16(size_t at, size_t length);

  size_t size() const { return out_.size(); }
  Bytes& buffer() { return out_; }

 private:
  size_t reserve(size_t n) {
    size_t at = out_.size();
    out_.resize(at + n);
    return at;
  }
  Bytes& out_;
};

}  // namespace tern

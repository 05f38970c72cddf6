// Key material. SecretBytes owns its bytes, zeroizes them when destroyed or
// overwritten, and has no way to be printed: fmt prints "<secret: N bytes>".
// Only the keylog writer and the data-plane install path read the bytes, via
// view(); nothing logs them.
#pragma once

#include <fmt/format.h>

#include <cstdint>

#include "base/bytes.h"

namespace tern {

// Overwrites memory in a way the compiler may not elide.
void secure_zero(void* p, size_t n);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : bytes_(n, 0) {}
  explicit SecretBytes(ByteView v) : bytes_(v.begin(), v.end()) {}
  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      wipe();
      bytes_ = other.bytes_;
    }
    return *this;
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  ByteView view() const { return bytes_; }
  MutableByteView mutable_view() { return bytes_; }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Splits off [offset, offset+n) as a new secret (prf+ output -> SK_d, SK_ai, ...).
  SecretBytes slice(size_t offset, size_t n) const;
  // this || other, as a new secret.
  SecretBytes concat(ByteView other) const;

  // Constant-time comparison (for tests and key checks, not for ICVs: see crypto/).
  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  void wipe() {
    if (!bytes_.empty()) secure_zero(bytes_.data(), bytes_.size());
  }
  // Capacity never shrinks-and-copies behind our back: every constructor sizes
  // exactly, and there are no resizing operations.
  Bytes bytes_;
};

}  // namespace tern

template <>
struct fmt::formatter<tern::SecretBytes> : fmt::formatter<std::string_view> {
  auto format(const tern::SecretBytes& s, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "<secret: {} bytes>", s.size());
  }
};

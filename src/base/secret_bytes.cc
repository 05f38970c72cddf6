#include "base/secret_bytes.h"

#include <cstring>

#include "base/error.h"

namespace tern {

void secure_zero(void* p, size_t n) {
  // explicit_bzero (glibc) is guaranteed not to be optimised away.
  explicit_bzero(p, n);
}

SecretBytes SecretBytes::slice(size_t offset, size_t n) const {
  if (offset > bytes_.size() || n > bytes_.size() - offset) TERN_BUG("SecretBytes::slice out of range");
  return SecretBytes(ByteView(bytes_).subspan(offset, n));
}

SecretBytes SecretBytes::concat(ByteView other) const {
  SecretBytes out(bytes_.size() + other.size());
  if (!bytes_.empty()) std::memcpy(out.data(), bytes_.data(), bytes_.size());
  if (!other.empty()) std::memcpy(out.data() + bytes_.size(), other.data(), other.size());
  return out;
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = static_cast<uint8_t>(diff | (a.bytes_[i] ^ b.bytes_[i]));
  return diff == 0;
}

}  // namespace tern

#include "base/error.h"

#include <cstdio>
#include <cstdlib>

namespace tern {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::truncated: return "truncated";
    case Errc::bad_length: return "bad_length";
    case Errc::bad_version: return "bad_version";
    case Errc::reserved_not_zero: return "reserved_not_zero";
    case Errc::bad_spi: return "bad_spi";
    case Errc::bad_message_id: return "bad_message_id";
    case Errc::unsupported_critical_payload: return "unsupported_critical_payload";
    case Errc::invalid_syntax: return "invalid_syntax";
    case Errc::too_many: return "too_many";
    case Errc::unexpected_payload: return "unexpected_payload";
    case Errc::missing_payload: return "missing_payload";
    case Errc::unsupported: return "unsupported";
    case Errc::invalid_ke: return "invalid_ke";
    case Errc::integrity_check_failed: return "integrity_check_failed";
    case Errc::bad_padding: return "bad_padding";
    case Errc::bad_key: return "bad_key";
    case Errc::crypto_failure: return "crypto_failure";
    case Errc::bad_signature: return "bad_signature";
    case Errc::io_error: return "io_error";
  }
  return "unknown_error";
}

std::string Error::to_string() const {
  std::string out{tern::to_string(code)};
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

void internal_bug(const char* file, int line, std::string_view what) {
  std::fprintf(stderr, "tern internal bug at %s:%d: %.*s\n", file, line, static_cast<int>(what.size()),
               what.data());
  std::abort();
}

}  // namespace tern

// Error values for everything that can fail on untrusted input.
//
// Parsers and crypto operations return Result<T> = std::expected<T, Error>
// (tern::Expected: see base/expected.h for why it is an alias).
// An Error names what went wrong (Errc), says how an IKEv2 responder should
// react (answer with an error notify, or drop the message silently), and
// carries a human detail for logs ("SA payload: transform length 6 < 8").
// Broken internal invariants are not Errors: they are bugs (see TERN_BUG).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/expected.h"

namespace tern {

// Named error codes. Tests assert on these, logs print them with to_string.
enum class Errc : uint8_t {
  truncated,                     // fewer bytes than a field or length needs
  bad_length,                    // a length field disagrees with the data
  bad_version,                   // IKE major version other than 2
  reserved_not_zero,             // a RESERVED field or flag that must be zero is set
  bad_spi,                       // an SPI of the wrong size, or zero where forbidden
  bad_message_id,                // message ID not allowed here
  unsupported_critical_payload,  // unknown payload with the critical bit set
  invalid_syntax,                // well-formed bytes with a forbidden meaning
  too_many,                      // a count beyond a sane or configured limit
  unexpected_payload,            // payload not allowed in this exchange (rules table)
  missing_payload,               // a payload the exchange requires is absent
  unsupported,                   // an algorithm, group or type tern does not implement
  invalid_ke,                    // a key-exchange public value that fails validation
  integrity_check_failed,        // ICV / MAC mismatch
  bad_padding,                   // SK / ESP padding invalid
  bad_key,                       // wrong key length or unusable key material
  crypto_failure,                // the crypto library reported an error
  bad_signature,                 // signature did not verify
  io_error,                      // file or system call failure (outside the engine)
};

std::string_view to_string(Errc code);

struct Error {
  Errc code;
  // The RFC 7296 §3.10.1 error notify type to answer with; nullopt means
  // "drop silently" (e.g. anything that fails before authentication where the
  // RFC says not to answer). The number is the IANA value; wire/iana.h names it.
  std::optional<uint16_t> notify;
  std::string detail;
  // Notification Data to send with `notify` where the RFC defines some
  // (UNSUPPORTED_CRITICAL_PAYLOAD: the one-octet payload type; INVALID_KE_PAYLOAD: the group).
  Bytes notify_data = {};

  static Error drop(Errc code, std::string detail) { return {code, std::nullopt, std::move(detail)}; }
  static Error answer(Errc code, uint16_t notify_type, std::string detail) {
    return {code, notify_type, std::move(detail)};
  }

  // "truncated: SA payload: proposal needs 8 bytes, 5 left"
  std::string to_string() const;
};

template <typename T>
using Result = Expected<T, Error>;

// The error branch, spelt the way code reads: `return fail(Errc::truncated, "...")`.
inline Unexpected<Error> fail(Error e) {
  return Unexpected<Error>(std::move(e));
}
inline Unexpected<Error> fail(Errc code, std::string detail) {
  return Unexpected<Error>(Error::drop(code, std::move(detail)));
}
inline Unexpected<Error> fail(Errc code, uint16_t notify_type, std::string detail) {
  return Unexpected<Error>(Error::answer(code, notify_type, std::move(detail)));
}

// Our own broken invariant: never reachable from the network. Aborts loudly.
[[noreturn]] void internal_bug(const char* file, int line, std::string_view what);
#define TERN_BUG(what) ::tern::internal_bug(__FILE__, __LINE__, (what))
#define TERN_ASSERT(cond)                              \
  do {                                                 \
    if (!(cond)) TERN_BUG("assertion failed: " #cond); \
  } while (0)

}  // namespace tern

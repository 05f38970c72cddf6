// Error helpers shared by the payload parsers. A malformed payload body is
// INVALID_SYNTAX (RFC 7296 §3.10.1); whether the engine actually sends that
// notify (or drops, because the message is unauthenticated) is its decision.
#pragma once

#include <string>

#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

// fail(Errc::invalid_syntax, INVALID_SYNTAX, detail)
inline Unexpected<Error> invalid_syntax(std::string detail) {
  return fail(Errc::invalid_syntax, notify_number(NotifyType::INVALID_SYNTAX), std::move(detail));
}

// Same code, but answered with INVALID_SYNTAX: for a bounds error (truncated,
// bad_length) found inside a payload body.
inline Unexpected<Error> as_invalid_syntax(Error e) {
  e.notify = notify_number(NotifyType::INVALID_SYNTAX);
  return fail(std::move(e));
}

}  // namespace tern::wire

// Constant-time comparison for MACs, ICVs and AUTH values (CRYPTO_memcmp).
// Callers: cbc_hmac.cc (ICV check before decryption), psk_auth.cc (AUTH
// check). Lengths are public (they come from the wire), so only the contents
// are compared in constant time; different lengths compare unequal at once.
#pragma once

#include "base/bytes.h"

namespace tern::crypto {

bool constant_time_equal(ByteView a, ByteView b);

}  // namespace tern::crypto

// AES-XCBC-MAC (RFC 3566 §4), the full 128-bit output, for a 16-octet key.
//
// Called by Prf for PRF_AES128_XCBC (RFC 4434), which also maps keys of other
// lengths to 16 octets before calling here. OpenSSL 3 has no XCBC, so this
// builds it from AES-128-ECB. A key that is not 16 octets is our bug
// (TERN_BUG), as is an OpenSSL failure.
#pragma once

#include <span>

#include "base/bytes.h"

namespace tern::crypto {

inline constexpr size_t kAesXcbcBlockSize = 16;

// out (16 octets) = AES-XCBC-MAC(key, data[0] | data[1] | ...)
void aes_xcbc_mac(ByteView key, std::span<const ByteView> data, MutableByteView out);

}  // namespace tern::crypto

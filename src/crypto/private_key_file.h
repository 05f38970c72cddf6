// Loading the local private key from its PEM file (`key = "a.key"`): RSA
// 2048-4096 bits, ECDSA P-256/P-384/P-521, Ed25519 (PrivateKey::from_pem,
// signature_key.h, does the parsing and the type checks).
//
// Who calls it: config loading / the daemon when it (re)loads a connection
// with auth = "pubkey". The key must be readable by its owner only: a file
// that group or others may read is refused (not merely warned about), with
// the fix in the message. Tests that cannot chmod their material pass
// KeyFileCheck::skip_permissions.
//
// How it fails: Errc::io_error (missing/unreadable file), Errc::bad_key
// ("key file /x/a.key is readable by group/others (mode 0644); chmod 600 it",
// not a private key, encrypted, RSA under 2048 or over 4096 bits),
// Errc::unsupported (other key types). Every detail names the path.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "crypto/signature_key.h"

namespace tern::crypto {

enum class KeyFileCheck : uint8_t { owner_only, skip_permissions };

inline constexpr size_t kMaxRsaKeyBits = 4096;

Result<PrivateKey> load_private_key_file(const std::string& path,
                                         KeyFileCheck check = KeyFileCheck::owner_only);

}  // namespace tern::crypto

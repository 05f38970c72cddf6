// [[secret]]: pre-shared keys and the identities they are for.
//
//   [[secret]]
//   type = "psk"
//   ids = ["a@example.org", "b@example.org"]   # "%any" matches every identity
//   secret = "..."                              # "0x..." is hex (swanctl)
//
// A connection with auth = "psk" takes the secret whose ids contain both its
// local and its remote identity; with remote id %any, one listing the local
// id is enough. When several match, the best match wins (an exact id beats
// %any), then the first in the file (swanctl's rule). Identities compare by
// their canonical text (identity_syntax.h).
//
// Who calls it: load.cc. read_secrets records Problems (wrong type, no ids,
// empty secret) and warns about PSKs shorter than 8 octets (RFC 7296 §2.15
// wants them strong). Secrets stay in SecretBytes and are never printed.
#pragma once

#include <string>
#include <vector>

#include "base/secret_bytes.h"
#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

struct PskSecret {
  std::vector<std::string> ids;  // canonical text; "%any" matches all
  SecretBytes secret;
  Where at;
};

// `root`: the reader of the whole file.
std::vector<PskSecret> read_secrets(TableReader& root);

// The secret for a connection's identities, or nullptr.
const PskSecret* find_psk(const std::vector<PskSecret>& secrets, const ike::Identity& local,
                          const ike::Identity& remote);

}  // namespace tern::config

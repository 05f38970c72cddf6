// strongSwan's proposal keyword syntax for `proposals` (IKE) and
// `esp_proposals` (CHILD_SA): "aes128gcm16-prfsha256-x25519",
// "aes256-sha256-modp2048", "aes128gcm16", "aes256-sha256-esn".
//
// One string may name several algorithms of one type; it then stands for
// every combination, in keyword order (encryption, then integrity, then prf,
// then group / ESN), each one suite (one SA proposal on the wire):
//   "aes128-aes256-sha256-modp2048-x25519" -> aes128/sha256/modp2048,
//   aes128/sha256/x25519, aes256/sha256/modp2048, aes256/sha256/x25519.
// At most 32 suites per string.
//
// Rules (IKE): one encryption keyword at least; AEAD ciphers take no
// integrity keyword and need an explicit prf; a non-AEAD cipher needs an
// integrity keyword and, without a prf keyword, uses the PRF of the same hash
// (sha256 -> prfsha256); a key exchange group is required. ESP: encryption,
// integrity for non-AEAD only, optional esn / noesn (default noesn), no prf,
// and an optional PFS group ("aes128gcm16-x25519"): offered with KE in
// CREATE_CHILD_SA rekeys only (never in IKE_AUTH, which has no KE).
//
// Only algorithms src/crypto implements are accepted. Keywords strongSwan
// knows but tern does not implement fail with "not supported by tern: ...",
// weak ones (3des, md5, modp1024, ...) with "refused as weak: ...".
//
// Who calls it: the config loader (connection_section, child_section) and
// tools that take a --proposal. Fails with a one-line message naming the
// keyword and listing what is allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "crypto/suite.h"
#include "ike/connection_config.h"

namespace tern::config {

Expected<std::vector<crypto::IkeSuite>, std::string> parse_ike_proposal(std::string_view text);
Expected<std::vector<ike::EspSuite>, std::string> parse_esp_proposal(std::string_view text);

// The canonical keywords of one suite; parse_*_proposal(to_keywords(s)) == {s}.
// IKE: "aes128gcm16-prfsha256-x25519", "aes256-sha256-modp2048" (the prf is
// written only when it differs from the integrity's hash).
std::string to_keywords(const crypto::IkeSuite& suite);
// ESP: "aes128gcm16", "aes256-sha256", "aes128gcm16-esn".
std::string to_keywords(const ike::EspSuite& suite);

// The keywords tern accepts, for messages and docs:
// "encryption: aes128 aes192 ...; integrity: ...; prf: ...; groups: ..."
std::string ike_keyword_summary();
std::string esp_keyword_summary();

}  // namespace tern::config

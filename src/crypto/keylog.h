// Wireshark key export: one line of the `ikev2_decryption_table` UAT file
// (Edit > Preferences > Protocols > ISAKMP > IKEv2 Decryption Table), which
// lets Wireshark 4.0 decrypt the SK payloads of one IKE SA:
//
//   SPIi,SPIr,SK_ei,SK_er,"<encryption algorithm>",SK_ai,SK_ar,"<integrity algorithm>"
//
// SPIs are 16 hex digits, keys plain hex (SK_e of AES-GCM includes its
// 4-octet salt; SK_a is empty for AEAD), algorithm names spelt exactly as
// Wireshark 4.0's menu spells them.
//
// Who calls it: ternd, when `keylog` is configured, once per IKE SA after
// the keys are derived; the daemon owns the file and appends the line and a
// newline. Key material leaves the process only through this function.
//
// How it fails: Errc::unsupported when Wireshark 4.0 cannot decrypt the
// suite (ChaCha20-Poly1305 is the notable one) — the detail says so, for the
// daemon to log once — and Errc::bad_key when a key's length does not match
// the suite.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/secret_bytes.h"
#include "crypto/suite.h"
#include "wire/iana.h"

namespace tern::crypto {

// "AES-CBC-256 [RFC3602]", "AES-GCM-128 with 16 octet ICV [RFC5282]", ...
Result<std::string_view> wireshark_encr_name(wire::EncrId encr, uint16_t key_bits);
// "NONE [RFC4306]", "HMAC_SHA2_256_128 [RFC4868]", ...
Result<std::string_view> wireshark_integ_name(wire::IntegId integ);

Result<std::string> format_keylog_line(uint64_t spi_i, uint64_t spi_r, const IkeSuite& suite,
                                       const SecretBytes& SK_ei, const SecretBytes& SK_er,
                                       const SecretBytes& SK_ai, const SecretBytes& SK_ar);

}  // namespace tern::crypto

#include "crypto/keylog.h"

#include <fmt/format.h>

namespace tern::crypto {

using wire::EncrId;
using wire::IntegId;

// Names as listed by Wireshark 4.0's IKEv2 dissector (packet-isakmp.c's
// encryption and integrity algorithm tables for the decryption UAT).
Result<std::string_view> wireshark_encr_name(EncrId encr, uint16_t key_bits) {
  if (encr == EncrId::AES_CBC) {
    switch (key_bits) {
      case 128: return "AES-CBC-128 [RFC3602]";
      case 192: return "AES-CBC-192 [RFC3602]";
      case 256: return "AES-CBC-256 [RFC3602]";
      default: break;
    }
  }
  if (encr == EncrId::AES_GCM_16) {
    switch (key_bits) {
      case 128: return "AES-GCM-128 with 16 octet ICV [RFC5282]";
      case 192: return "AES-GCM-192 with 16 octet ICV [RFC5282]";
      case 256: return "AES-GCM-256 with 16 octet ICV [RFC5282]";
      default: break;
    }
  }
  if (encr == EncrId::CHACHA20_POLY1305)
    return fail(Errc::unsupported, "keylog: ChaCha20-Poly1305 is not decryptable by Wireshark 4.0");
  return fail(Errc::unsupported, fmt::format("keylog: no Wireshark name for {} with a {}-bit key",
                                             wire::to_string(encr), key_bits));
}

Result<std::string_view> wireshark_integ_name(IntegId integ) {
  switch (integ) {
    case IntegId::NONE: return "NONE [RFC4306]";
    case IntegId::HMAC_SHA1_96: return "HMAC_SHA1_96 [RFC2404]";
    case IntegId::HMAC_SHA2_256_128: return "HMAC_SHA2_256_128 [RFC4868]";
    case IntegId::HMAC_SHA2_384_192: return "HMAC_SHA2_384_192 [RFC4868]";
    case IntegId::HMAC_SHA2_512_256: return "HMAC_SHA2_512_256 [RFC4868]";
    default:
      return fail(Errc::unsupported, fmt::format("keylog: no Wireshark name for {}", wire::to_string(integ)));
  }
}

Result<std::string> format_keylog_line(uint64_t spi_i, uint64_t spi_r, const IkeSuite& suite,
                                       const SecretBytes& SK_ei, const SecretBytes& SK_er,
                                       const SecretBytes& SK_ai, const SecretBytes& SK_ar) {
  auto encr = wireshark_encr_name(suite.encr, suite.encr_key_bits);
  if (!encr) return fail(encr.error());
  auto integ = wireshark_integ_name(suite.integ);
  if (!integ) return fail(integ.error());

  const auto encr_size = encr_key_size(suite.encr, suite.encr_key_bits);
  const auto integ_size = integ_key_size(suite.integ);
  if (!encr_size || !integ_size) return fail(Errc::unsupported, "keylog: suite " + suite.to_string());
  if (SK_ei.size() != *encr_size || SK_er.size() != *encr_size || SK_ai.size() != *integ_size ||
      SK_ar.size() != *integ_size)
    return fail(Errc::bad_key, fmt::format("keylog: key lengths {}/{}/{}/{} do not fit {}", SK_ei.size(),
                                           SK_er.size(), SK_ai.size(), SK_ar.size(), suite.to_string()));

  return fmt::format("{:016x},{:016x},{},{},\"{}\",{},{},\"{}\"", spi_i, spi_r, to_hex(SK_ei.view()),
                     to_hex(SK_er.view()), *encr, to_hex(SK_ai.view()), to_hex(SK_ar.view()), *integ);
}

}  // namespace tern::crypto

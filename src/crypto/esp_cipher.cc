#include "crypto/esp_cipher.h"

#include <fmt/format.h>

#include "crypto/esp_aead.h"
#include "crypto/esp_cbc_hmac.h"
#include "crypto/suite.h"

namespace tern::crypto {

Result<std::unique_ptr<EspCipher>> EspCipher::create(wire::EncrId encr, uint16_t key_bits,
                                                     wire::IntegId integ, ByteView encr_key,
                                                     ByteView integ_key, Random& random) {
  if (is_aead(encr)) {
    // RFC 4303 §3.2 / RFC 8221: a combined-mode algorithm takes no separate integrity algorithm.
    if (integ != wire::IntegId::NONE)
      return fail(Errc::unsupported, fmt::format("ESP {} combined with integrity {}", wire::to_string(encr),
                                                 wire::to_string(integ)));
    if (!integ_key.empty())
      return fail(Errc::bad_key, fmt::format("ESP {} takes no integrity key", wire::to_string(encr)));
    return make_esp_aead(encr, key_bits, encr_key);
  }
  if (encr == wire::EncrId::AES_CBC) return make_esp_cbc_hmac(key_bits, integ, encr_key, integ_key, random);
  return fail(Errc::unsupported, fmt::format("ESP encryption {} not implemented", wire::to_string(encr)));
}

}  // namespace tern::crypto

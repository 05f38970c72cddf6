#include "crypto/sk_cipher.h"

#include <fmt/format.h>

#include "crypto/aead.h"
#include "crypto/cbc_hmac.h"
#include "crypto/suite.h"

namespace tern::crypto {

Result<std::unique_ptr<SkCipher>> SkCipher::create(wire::EncrId encr, uint16_t key_bits, wire::IntegId integ,
                                                   ByteView encr_key, ByteView integ_key) {
  if (is_aead(encr)) {
    // RFC 5282 §8: an AEAD transform is never combined with an integrity transform.
    if (integ != wire::IntegId::NONE)
      return fail(Errc::unsupported, fmt::format("{} combined with integrity {}", wire::to_string(encr),
                                                 wire::to_string(integ)));
    if (!integ_key.empty())
      return fail(Errc::bad_key, fmt::format("{} takes no integrity key", wire::to_string(encr)));
    return make_aead_cipher(encr, key_bits, encr_key);
  }
  if (encr == wire::EncrId::AES_CBC) return make_cbc_hmac_cipher(key_bits, integ, encr_key, integ_key);
  return fail(Errc::unsupported, fmt::format("encryption {} not implemented", wire::to_string(encr)));
}

}  // namespace tern::crypto

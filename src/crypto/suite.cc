#include "crypto/suite.h"

#include <fmt/format.h>

namespace tern::crypto {

using wire::EncrId;
using wire::IntegId;
using wire::PrfId;

std::string IkeSuite::to_string() const {
  std::string s = fmt::format("{}_{}", wire::to_string(encr), encr_key_bits);
  if (integ != IntegId::NONE) s += "/" + wire::to_string(integ);
  s += "/PRF_" + wire::to_string(prf) + "/" + wire::to_string(ke);
  return s;
}

bool is_aead(EncrId encr) {
  switch (encr) {
    case EncrId::AES_GCM_8:
    case EncrId::AES_GCM_12:
    case EncrId::AES_GCM_16:
    case EncrId::AES_CCM_8:
    case EncrId::AES_CCM_12:
    case EncrId::AES_CCM_16:
    case EncrId::CHACHA20_POLY1305: return true;
    default: return false;
  }
}

std::optional<size_t> encr_key_size(EncrId encr, uint16_t key_bits) {
  switch (encr) {
    case EncrId::AES_CBC:
      if (key_bits == 128 || key_bits == 192 || key_bits == 256) return key_bits / 8;
      return std::nullopt;
    case EncrId::AES_GCM_16:
      if (key_bits == 128 || key_bits == 192 || key_bits == 256) return key_bits / 8 + 4;
      return std::nullopt;
    case EncrId::CHACHA20_POLY1305:
      // RFC 7634: no Key Length attribute; a 256-bit key plus a 4-octet salt.
      if (key_bits == 0 || key_bits == 256) return 36;
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<size_t> integ_key_size(IntegId integ) {
  switch (integ) {
    case IntegId::NONE: return 0;
    case IntegId::HMAC_SHA1_96: return 20;
    case IntegId::HMAC_SHA2_256_128: return 32;
    case IntegId::HMAC_SHA2_384_192: return 48;
    case IntegId::HMAC_SHA2_512_256: return 64;
    default: return std::nullopt;
  }
}

std::optional<size_t> integ_icv_size(IntegId integ) {
  switch (integ) {
    case IntegId::NONE: return 0;
    case IntegId::HMAC_SHA1_96: return 12;
    case IntegId::HMAC_SHA2_256_128: return 16;
    case IntegId::HMAC_SHA2_384_192: return 24;
    case IntegId::HMAC_SHA2_512_256: return 32;
    default: return std::nullopt;
  }
}

std::optional<size_t> prf_key_size(PrfId prf) {
  switch (prf) {
    case PrfId::HMAC_SHA1: return 20;
    case PrfId::HMAC_SHA2_256: return 32;
    case PrfId::HMAC_SHA2_384: return 48;
    case PrfId::HMAC_SHA2_512: return 64;
    case PrfId::AES128_XCBC:
    case PrfId::AES128_CMAC: return 16;
    default: return std::nullopt;
  }
}

}  // namespace tern::crypto

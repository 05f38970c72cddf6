// The proposal keyword table and the parser for strongSwan's proposal
// strings (see proposal_keywords.h).
#include "config/proposal_keywords.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <span>

#include "config/suggest.h"

namespace tern::config {
namespace {

using wire::EncrId;
using wire::EsnId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

enum class Kind : uint8_t { encryption, integrity, prf, group, esn };

struct Keyword {
  std::string_view name;
  Kind kind;
  uint16_t id;            // EncrId / IntegId / PrfId / KeGroup / EsnId
  uint16_t key_bits = 0;  // encryption only
  bool canonical = true;  // false: an alias that to_keywords never prints
};

template <typename E>
constexpr uint16_t id(E e) {
  return static_cast<uint16_t>(e);
}

// clang-format off
constexpr Keyword kKeywords[] = {
    // Encryption (Transform Type 1): AES-CBC (RFC 3602), AES-GCM with a
    // 16-octet ICV (RFC 4106 / 5282), ChaCha20-Poly1305 (RFC 7634).
    {"aes128",           Kind::encryption, id(EncrId::AES_CBC), 128},
    {"aes192",           Kind::encryption, id(EncrId::AES_CBC), 192},
    {"aes256",           Kind::encryption, id(EncrId::AES_CBC), 256},
    {"aes",              Kind::encryption, id(EncrId::AES_CBC), 128, false},
    {"aes128gcm16",      Kind::encryption, id(EncrId::AES_GCM_16), 128},
    {"aes192gcm16",      Kind::encryption, id(EncrId::AES_GCM_16), 192},
    {"aes256gcm16",      Kind::encryption, id(EncrId::AES_GCM_16), 256},
    {"aes128gcm",        Kind::encryption, id(EncrId::AES_GCM_16), 128, false},
    {"aes192gcm",        Kind::encryption, id(EncrId::AES_GCM_16), 192, false},
    {"aes256gcm",        Kind::encryption, id(EncrId::AES_GCM_16), 256, false},
    {"aes128gcm128",     Kind::encryption, id(EncrId::AES_GCM_16), 128, false},
    {"aes192gcm128",     Kind::encryption, id(EncrId::AES_GCM_16), 192, false},
    {"aes256gcm128",     Kind::encryption, id(EncrId::AES_GCM_16), 256, false},
    {"chacha20poly1305", Kind::encryption, id(EncrId::CHACHA20_POLY1305), 256},
    // Integrity (Transform Type 3): HMAC-SHA1-96 (RFC 2404), HMAC-SHA2 (RFC 4868).
    {"sha1",     Kind::integrity, id(IntegId::HMAC_SHA1_96)},
    {"sha256",   Kind::integrity, id(IntegId::HMAC_SHA2_256_128)},
    {"sha384",   Kind::integrity, id(IntegId::HMAC_SHA2_384_192)},
    {"sha512",   Kind::integrity, id(IntegId::HMAC_SHA2_512_256)},
    {"sha",      Kind::integrity, id(IntegId::HMAC_SHA1_96), 0, false},
    {"sha2_256", Kind::integrity, id(IntegId::HMAC_SHA2_256_128), 0, false},
    {"sha2_384", Kind::integrity, id(IntegId::HMAC_SHA2_384_192), 0, false},
    {"sha2_512", Kind::integrity, id(IntegId::HMAC_SHA2_512_256), 0, false},
    // PRF (Transform Type 2): HMAC (RFC 2104, 4868), AES-XCBC (RFC 4434), AES-CMAC (RFC 4615).
    {"prfsha1",    Kind::prf, id(PrfId::HMAC_SHA1)},
    {"prfsha256",  Kind::prf, id(PrfId::HMAC_SHA2_256)},
    {"prfsha384",  Kind::prf, id(PrfId::HMAC_SHA2_384)},
    {"prfsha512",  Kind::prf, id(PrfId::HMAC_SHA2_512)},
    {"prfaesxcbc", Kind::prf, id(PrfId::AES128_XCBC)},
    {"prfaescmac", Kind::prf, id(PrfId::AES128_CMAC)},
    // Key exchange (Transform Type 4): RFC 3526, RFC 5903, RFC 8031.
    {"modp2048",   Kind::group, id(KeGroup::MODP_2048)},
    {"modp3072",   Kind::group, id(KeGroup::MODP_3072)},
    {"modp4096",   Kind::group, id(KeGroup::MODP_4096)},
    {"ecp256",     Kind::group, id(KeGroup::ECP_256)},
    {"ecp384",     Kind::group, id(KeGroup::ECP_384)},
    {"ecp521",     Kind::group, id(KeGroup::ECP_521)},
    {"x25519",     Kind::group, id(KeGroup::CURVE25519)},
    {"x448",       Kind::group, id(KeGroup::CURVE448)},
    {"curve25519", Kind::group, id(KeGroup::CURVE25519), 0, false},
    {"curve448",   Kind::group, id(KeGroup::CURVE448), 0, false},
    // Extended Sequence Numbers (Transform Type 5), ESP only.
    {"esn",   Kind::esn, id(EsnId::ESN)},
    {"noesn", Kind::esn, id(EsnId::NO_ESN)},
};
// clang-format on

// A keyword strongSwan knows that tern refuses, with the whole reason.
struct Refused {
  std::string name;
  std::string message;
};

void add_weak(std::vector<Refused>& out, std::string_view name, std::string_view why) {
  out.push_back({std::string(name), fmt::format("'{}' is refused as weak: {}", name, why)});
}

void add_unsupported(std::vector<Refused>& out, std::string_view name, std::string_view what) {
  out.push_back({std::string(name), fmt::format("not supported by tern: '{}' ({})", name, what)});
}

const std::vector<Refused>& refused_keywords() {
  static const std::vector<Refused> table = [] {
    std::vector<Refused> t;
    add_weak(t, "des", "DES has a 56-bit key");
    add_weak(t, "3des", "3DES has a 64-bit block (RFC 8247); use aes128 or aes128gcm16");
    add_weak(t, "blowfish", "Blowfish has a 64-bit block; use aes128 or aes128gcm16");
    add_weak(t, "cast128", "CAST-128 has a 64-bit block; use aes128 or aes128gcm16");
    add_weak(t, "null", "ENCR_NULL leaves the traffic in clear");
    add_weak(t, "md5", "HMAC-MD5 (RFC 8247: MUST NOT); use sha256");
    add_weak(t, "md5_128", "HMAC-MD5 (RFC 8247: MUST NOT); use sha256");
    add_weak(t, "prfmd5", "PRF_HMAC_MD5 (RFC 8247: MUST NOT); use prfsha256");
    add_weak(t, "modp768", "MODP group 1 is far too small (RFC 8247: MUST NOT); use modp2048 or x25519");
    add_weak(t, "modp1024", "MODP group 2 is too small (RFC 8247: SHOULD NOT); use modp2048 or x25519");
    add_weak(t, "modp1536", "MODP group 5 is too small (RFC 8247: SHOULD NOT); use modp2048 or x25519");
    add_weak(t, "modp1024s160", "MODP group 22 (RFC 8247: SHOULD NOT); use modp2048 or x25519");
    add_weak(t, "ecp192", "ECP group 25 is too small; use ecp256 or x25519");
    for (std::string_view bits : {"128", "192", "256"}) {
      std::string aes = fmt::format("aes{}", bits);
      std::string gcm16_hint = fmt::format("AES-GCM with a short ICV; tern implements {}gcm16", aes);
      for (std::string_view icv : {"8", "64", "12", "96"})
        add_unsupported(t, aes + "gcm" + std::string(icv), gcm16_hint);
      for (std::string_view icv : {"", "8", "64", "12", "96", "16", "128"})
        add_unsupported(t, aes + "ccm" + std::string(icv), "AES-CCM; use " + aes + "gcm16");
      add_unsupported(t, aes + "ctr", "AES-CTR; use " + aes + "gcm16");
      add_unsupported(t, aes + "gmac", "AES-GMAC, authentication without encryption");
      std::string camellia = fmt::format("camellia{}", bits);
      add_unsupported(t, camellia, "Camellia; use " + aes);
      add_unsupported(t, camellia + "ctr", "Camellia; use " + aes);
      for (std::string_view icv : {"8", "12", "16"})
        add_unsupported(t, camellia + "ccm" + std::string(icv), "Camellia");
    }
    add_unsupported(t, "camellia", "Camellia; use aes128");
    add_unsupported(t, "aesxcbc", "AES-XCBC-96 integrity; use sha256");
    add_unsupported(t, "aescmac", "AES-CMAC-96 integrity; use sha256");
    add_unsupported(t, "sha256_96", "HMAC-SHA-256 truncated to 96 bits (pre-RFC 4868); use sha256");
    add_unsupported(t, "sha1_160", "HMAC-SHA1-160; use sha1 or sha256");
    add_unsupported(t, "prfcamelliaxcbc", "PRF_CAMELLIA128_XCBC; use prfsha256");
    add_unsupported(t, "modp6144", "MODP group 17; use modp4096");
    add_unsupported(t, "modp8192", "MODP group 18; use modp4096");
    add_unsupported(t, "modp2048s224", "RFC 5114 MODP group 23; use modp2048");
    add_unsupported(t, "modp2048s256", "RFC 5114 MODP group 24; use modp2048");
    add_unsupported(t, "ecp224", "ECP group 26; use ecp256");
    for (std::string_view bp : {"ecp224bp", "ecp256bp", "ecp384bp", "ecp512bp"})
      add_unsupported(t, bp, "Brainpool curves; use ecp256, ecp384 or ecp521");
    for (std::string_view kem : {"mlkem512", "mlkem768", "mlkem1024"})
      add_unsupported(t, kem, "ML-KEM additional key exchanges (RFC 9370)");
    return t;
  }();
  return table;
}

enum class Syntax : uint8_t { ike, esp };

std::string names_of(Kind kind) {
  std::string out;
  for (const Keyword& k : kKeywords) {
    if (k.kind != kind || !k.canonical) continue;
    if (!out.empty()) out += ' ';
    out += k.name;
  }
  return out;
}

std::string summary(Syntax syntax) {
  std::string out =
      fmt::format("encryption: {}; integrity: {}", names_of(Kind::encryption), names_of(Kind::integrity));
  if (syntax == Syntax::ike) {
    out += fmt::format("; prf: {}; groups: {}", names_of(Kind::prf), names_of(Kind::group));
  } else {
    out += fmt::format("; esn: {}; PFS groups: {}", names_of(Kind::esn), names_of(Kind::group));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Expected<const Keyword*, std::string> lookup(std::string_view token, Syntax syntax) {
  std::string name = lower(token);
  for (const Keyword& k : kKeywords) {
    if (k.name == name) return &k;
  }
  for (const Refused& r : refused_keywords()) {
    if (r.name == name) return Unexpected<std::string>(r.message);
  }
  std::vector<std::string_view> candidates;
  for (const Keyword& k : kKeywords) {
    if (syntax == Syntax::esp && k.kind == Kind::prf) continue;
    if (syntax == Syntax::ike && k.kind == Kind::esn) continue;
    candidates.push_back(k.name);
  }
  std::string hint;
  if (auto near = closest(name, candidates)) hint = fmt::format(", did you mean '{}'?", *near);
  return Unexpected<std::string>(fmt::format("unknown keyword '{}'{} ({})", token, hint, summary(syntax)));
}

bool same_algorithm(const Keyword& a, const Keyword& b) {
  return a.kind == b.kind && a.id == b.id && a.key_bits == b.key_bits;
}

bool keyword_is_aead(const Keyword& k) {
  return crypto::is_aead(static_cast<EncrId>(k.id));
}

// The keywords of one proposal string, by type, in the order written.
struct Collected {
  std::vector<const Keyword*> encryption, integrity, prf, group, esn;

  std::vector<const Keyword*>& of(Kind kind) {
    switch (kind) {
      case Kind::encryption: return encryption;
      case Kind::integrity: return integrity;
      case Kind::prf: return prf;
      case Kind::group: return group;
      case Kind::esn: return esn;
    }
    TERN_BUG("keyword kind");
  }
};

constexpr size_t kMaxSuitesPerString = 32;

Expected<Collected, std::string> collect(std::string_view text, Syntax syntax) {
  if (text.empty()) {
    return Unexpected<std::string>(syntax == Syntax::ike
                                       ? "empty proposal (example: \"aes128gcm16-prfsha256-x25519\")"
                                       : "empty proposal (example: \"aes128gcm16\")");
  }
  Collected c;
  size_t start = 0;
  while (start <= text.size()) {
    size_t dash = text.find('-', start);
    if (dash == std::string_view::npos) dash = text.size();
    std::string_view token = text.substr(start, dash - start);
    start = dash + 1;
    if (token.empty()) {
      return Unexpected<std::string>(
          fmt::format("empty keyword in '{}' (keywords are separated by a single '-')", text));
    }
    auto kw = lookup(token, syntax);
    if (!kw) return Unexpected<std::string>(kw.error());
    const Keyword& k = **kw;
    if (syntax == Syntax::ike && k.kind == Kind::esn)
      return Unexpected<std::string>(
          fmt::format("'{}' belongs in esp_proposals, not in IKE proposals", token));
    if (syntax == Syntax::esp && k.kind == Kind::prf) {
      return Unexpected<std::string>(
          fmt::format("'{}' is a prf keyword: it belongs in the connection's proposals (ESP keys come from "
                      "the IKE SA's prf)",
                      token));
    }
    std::vector<const Keyword*>& list = c.of(k.kind);
    for (const Keyword* seen : list) {
      if (same_algorithm(*seen, k))
        return Unexpected<std::string>(
            fmt::format("'{}' names the same algorithm as '{}' twice", token, seen->name));
    }
    list.push_back(&k);
  }
  if (c.encryption.empty()) {
    return Unexpected<std::string>(
        fmt::format("'{}' has no encryption keyword (encryption: {})", text, names_of(Kind::encryption)));
  }
  const Keyword* aead = nullptr;
  const Keyword* classic = nullptr;
  for (const Keyword* k : c.encryption) (keyword_is_aead(*k) ? aead : classic) = k;
  if (aead && classic) {
    return Unexpected<std::string>(
        fmt::format("'{}' mixes the AEAD cipher {} with the non-AEAD cipher {}; write them as two proposals",
                    text, aead->name, classic->name));
  }
  if (aead && !c.integrity.empty()) {
    return Unexpected<std::string>(
        fmt::format("{} is an AEAD cipher and takes no integrity keyword; remove {}", aead->name,
                    c.integrity.front()->name));
  }
  if (classic && c.integrity.empty()) {
    return Unexpected<std::string>(fmt::format("{} is not an AEAD cipher and needs an integrity keyword ({})",
                                               classic->name, names_of(Kind::integrity)));
  }
  if (syntax == Syntax::ike && c.group.empty()) {
    return Unexpected<std::string>(
        fmt::format("'{}' has no key exchange group (groups: {})", text, names_of(Kind::group)));
  }
  if (syntax == Syntax::ike && aead && c.prf.empty())
    return Unexpected<std::string>("AEAD proposals need a prf keyword, e.g. prfsha256");
  return c;
}

// The PRF strongSwan pairs with an integrity algorithm when none is written.
PrfId prf_of(IntegId integ) {
  switch (integ) {
    case IntegId::HMAC_SHA1_96: return PrfId::HMAC_SHA1;
    case IntegId::HMAC_SHA2_256_128: return PrfId::HMAC_SHA2_256;
    case IntegId::HMAC_SHA2_384_192: return PrfId::HMAC_SHA2_384;
    case IntegId::HMAC_SHA2_512_256: return PrfId::HMAC_SHA2_512;
    default: TERN_BUG("integrity keyword without a PRF");
  }
}

const Keyword* find_prf_keyword(PrfId prf) {
  for (const Keyword& k : kKeywords) {
    if (k.kind == Kind::prf && k.id == id(prf)) return &k;
  }
  return nullptr;
}

Unexpected<std::string> too_many(std::string_view text, size_t n) {
  return Unexpected<std::string>(fmt::format("'{}' expands to {} proposals; at most {} per string (split it)",
                                             text, n, kMaxSuitesPerString));
}

std::string name_of(Kind kind, uint16_t value, uint16_t key_bits, std::string_view iana_name) {
  for (const Keyword& k : kKeywords) {
    if (!k.canonical || k.kind != kind || k.id != value) continue;
    if (kind == Kind::encryption && value != id(EncrId::CHACHA20_POLY1305) && k.key_bits != key_bits)
      continue;
    return std::string(k.name);
  }
  // Not expressible in keywords (a suite built by hand with an algorithm tern refuses).
  return fmt::format("<{}>", iana_name);
}

}  // namespace

Expected<std::vector<crypto::IkeSuite>, std::string> parse_ike_proposal(std::string_view text) {
  auto collected = collect(text, Syntax::ike);
  if (!collected) return Unexpected<std::string>(collected.error());
  Collected& c = *collected;
  if (c.prf.empty()) {
    // Non-AEAD without a prf keyword: the PRF of each integrity algorithm's hash.
    for (const Keyword* integ : c.integrity) {
      const Keyword* prf = find_prf_keyword(prf_of(static_cast<IntegId>(integ->id)));
      TERN_ASSERT(prf != nullptr);
      if (std::find(c.prf.begin(), c.prf.end(), prf) == c.prf.end()) c.prf.push_back(prf);
    }
  }
  static const Keyword kNoIntegrity{"", Kind::integrity, id(IntegId::NONE)};
  if (c.integrity.empty()) c.integrity.push_back(&kNoIntegrity);
  size_t n = c.encryption.size() * c.integrity.size() * c.prf.size() * c.group.size();
  if (n > kMaxSuitesPerString) return too_many(text, n);
  std::vector<crypto::IkeSuite> suites;
  for (const Keyword* encr : c.encryption) {
    for (const Keyword* integ : c.integrity) {
      for (const Keyword* prf : c.prf) {
        for (const Keyword* group : c.group) {
          suites.push_back({static_cast<EncrId>(encr->id), encr->key_bits, static_cast<PrfId>(prf->id),
                            static_cast<IntegId>(integ->id), static_cast<KeGroup>(group->id)});
        }
      }
    }
  }
  return suites;
}

Expected<std::vector<ike::EspSuite>, std::string> parse_esp_proposal(std::string_view text) {
  auto collected = collect(text, Syntax::esp);
  if (!collected) return Unexpected<std::string>(collected.error());
  Collected& c = *collected;
  static const Keyword kNoIntegrity{"", Kind::integrity, id(IntegId::NONE)};
  static const Keyword kNoEsn{"", Kind::esn, id(EsnId::NO_ESN)};
  if (c.integrity.empty()) c.integrity.push_back(&kNoIntegrity);
  static const Keyword kNoGroup{"", Kind::group, id(KeGroup::NONE)};
  if (c.esn.empty()) c.esn.push_back(&kNoEsn);
  if (c.group.empty()) c.group.push_back(&kNoGroup);
  size_t n = c.encryption.size() * c.integrity.size() * c.esn.size() * c.group.size();
  if (n > kMaxSuitesPerString) return too_many(text, n);
  std::vector<ike::EspSuite> suites;
  for (const Keyword* encr : c.encryption) {
    for (const Keyword* integ : c.integrity) {
      for (const Keyword* esn : c.esn) {
        for (const Keyword* group : c.group) {
          suites.push_back({static_cast<EncrId>(encr->id), encr->key_bits, static_cast<IntegId>(integ->id),
                            static_cast<EsnId>(esn->id), static_cast<KeGroup>(group->id)});
        }
      }
    }
  }
  return suites;
}

std::string to_keywords(const crypto::IkeSuite& suite) {
  std::string out =
      name_of(Kind::encryption, id(suite.encr), suite.encr_key_bits, wire::to_string(suite.encr));
  bool prf_implied = false;
  if (suite.integ != IntegId::NONE) {
    out += "-" + name_of(Kind::integrity, id(suite.integ), 0, wire::to_string(suite.integ));
    std::string integ_name = name_of(Kind::integrity, id(suite.integ), 0, "");
    prf_implied =
        !crypto::is_aead(suite.encr) && integ_name.front() != '<' && prf_of(suite.integ) == suite.prf;
  }
  if (!prf_implied) out += "-" + name_of(Kind::prf, id(suite.prf), 0, wire::to_string(suite.prf));
  out += "-" + name_of(Kind::group, id(suite.ke), 0, wire::to_string(suite.ke));
  return out;
}

std::string to_keywords(const ike::EspSuite& suite) {
  std::string out =
      name_of(Kind::encryption, id(suite.encr), suite.encr_key_bits, wire::to_string(suite.encr));
  if (suite.integ != IntegId::NONE)
    out += "-" + name_of(Kind::integrity, id(suite.integ), 0, wire::to_string(suite.integ));
  if (suite.esn == EsnId::ESN) out += "-esn";
  if (suite.ke != KeGroup::NONE)
    out += "-" + name_of(Kind::group, id(suite.ke), 0, wire::to_string(suite.ke));
  return out;
}

std::string ike_keyword_summary() {
  return summary(Syntax::ike);
}

std::string esp_keyword_summary() {
  return summary(Syntax::esp);
}

}  // namespace tern::config

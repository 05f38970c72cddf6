#include "crypto/x509_certificate.h"

#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <climits>
#include <cstring>
#include <ctime>
#include <string_view>

#include "crypto/signature_key_openssl.h"
#include "crypto/x509_openssl.h"

namespace tern::crypto {
namespace {

using Bio = std::unique_ptr<BIO, ossl::Deleter<BIO, BIO_free_all>>;

std::string asn1_string(const ASN1_STRING* s) {
  if (s == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<void> read_sans(X509* x509, SubjectAltNames& out) {
  int crit = 0;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, &crit, nullptr));
  if (names == nullptr) {
    // crit == -1: absent; -2: present more than once; otherwise undecodable.
    if (crit == -1) return {};
    return fail(Errc::invalid_syntax, "certificate: unreadable subjectAltName extension");
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    switch (gn->type) {
      case GEN_DNS: out.dns.push_back(asn1_string(gn->d.dNSName)); break;
      case GEN_EMAIL: out.email.push_back(asn1_string(gn->d.rfc822Name)); break;
      case GEN_IPADD: {
        const std::string ip = asn1_string(gn->d.iPAddress);
        out.ip.emplace_back(ip.begin(), ip.end());
        break;
      }
      default: break;  // URI, otherName, directoryName, ...: not IKE identities here
    }
  }
  GENERAL_NAMES_free(names);
  return {};
}

Result<void> read_eku(X509* x509, std::vector<std::string>& out) {
  int crit = 0;
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x509, NID_ext_key_usage, &crit, nullptr));
  if (eku == nullptr) {
    if (crit == -1) return {};
    return fail(Errc::invalid_syntax, "certificate: unreadable extendedKeyUsage extension");
  }
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
    char oid[128] = {};
    const int n = OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, i), 1);
    if (n > 0 && static_cast<size_t>(n) < sizeof oid) out.emplace_back(oid, static_cast<size_t>(n));
  }
  sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
  return {};
}

Bytes name_der(const X509_NAME* name) {
  const unsigned char* der = nullptr;
  size_t len = 0;
  if (X509_NAME_get0_der(const_cast<X509_NAME*>(name), &der, &len) != 1)
    TERN_BUG("X509_NAME_get0_der failed on a parsed certificate");
  return Bytes(der, der + len);
}

}  // namespace

std::string openssl_error_text() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "no detail from OpenSSL";
}

std::string format_wall_time(WallTime t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::optional<WallTime> wall_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  const int64_t days = days_from_civil(int64_t{tm.tm_year} + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                       static_cast<unsigned>(tm.tm_mday));
  const int64_t secs = days * 86400 + int64_t{tm.tm_hour} * 3600 + int64_t{tm.tm_min} * 60 + tm.tm_sec;
  return WallTime{std::chrono::seconds{secs}};
}

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  Bio bio{BIO_new(BIO_s_mem())};
  if (!bio) TERN_BUG("BIO_new failed");
  // RFC 2253/4514 escaping, ", " between RDNs, in the certificate's order.
  const unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
                              (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) {
    ERR_clear_error();
    return "<unprintable name>";
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string ip_to_string(ByteView ip) {
  if (ip.size() == 4) return fmt::format("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]);
  if (ip.size() == 16) {
    // RFC 5952: the longest run (length >= 2) of zero groups becomes "::".
    uint16_t g[8];
    for (size_t i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(ip[2 * i] << 8 | ip[2 * i + 1]);
    size_t best = 8, best_len = 0;
    for (size_t i = 0; i < 8;) {
      size_t j = i;
      while (j < 8 && g[j] == 0) ++j;
      if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
      i = j == i ? i + 1 : j;
    }
    std::string out;
    for (size_t i = 0; i < 8; ++i) {
      if (i == best) {
        out += "::";
        i += best_len - 1;
        continue;
      }
      if (!out.empty() && out.back() != ':') out += ':';
      out += fmt::format("{:x}", g[i]);
    }
    return out;
  }
  return to_hex(ip);
}

std::string SubjectAltNames::to_string() const {
  std::string out;
  auto add = [&out](std::string_view kind, const std::string& value) {
    if (!out.empty()) out += ", ";
    out += kind;
    out += ": ";
    out += value;
  };
  for (const auto& d : dns) add("DNS", d);
  for (const auto& e : email) add("email", e);
  for (const auto& i : ip) add("IP", ip_to_string(i));
  return out.empty() ? "none" : out;
}

// --- parsing ---

Result<Certificate> Certificate::from_der(ByteView der) {
  if (der.empty()) return fail(Errc::invalid_syntax, "certificate: no octets");
  if (der.size() > kMaxCertificateSize)
    return fail(Errc::bad_length,
                fmt::format("certificate: {} octets, at most {} accepted", der.size(), kMaxCertificateSize));
  const unsigned char* p = der.data();
  ossl::X509Cert x509{d2i_X509(nullptr, &p, static_cast<long>(der.size()))};
  if (!x509) return fail(Errc::invalid_syntax, "certificate: not DER X.509: " + openssl_error_text());
  if (p != der.data() + der.size())
    return fail(Errc::invalid_syntax,
                fmt::format("certificate: {} octets after the certificate", der.data() + der.size() - p));

  auto impl = std::make_shared<Impl>();
  // Decode and cache the extensions now, once: afterwards reads do not
  // modify the X509, and an undecodable extension is refused here.
  X509_check_purpose(x509.get(), -1, 0);
  if ((X509_get_extension_flags(x509.get()) & EXFLAG_INVALID) != 0) {
    ERR_clear_error();
    return fail(Errc::invalid_syntax, "certificate: an extension does not decode");
  }
  auto not_before = wall_time(X509_get0_notBefore(x509.get()));
  auto not_after = wall_time(X509_get0_notAfter(x509.get()));
  if (!not_before || !not_after) {
    ERR_clear_error();
    return fail(Errc::invalid_syntax, "certificate: unreadable validity dates");
  }
  impl->not_before = *not_before;
  impl->not_after = *not_after;
  if (auto r = read_sans(x509.get(), impl->sans); !r) return fail(r.error());
  if (auto r = read_eku(x509.get(), impl->eku); !r) return fail(r.error());

  impl->der.assign(der.begin(), der.end());
  impl->x509 = std::move(x509);
  const Bytes spki = Certificate(impl).spki_der();
  impl->spki_sha1 = sha1({ByteView(spki)});
  impl->fingerprint = sha256({ByteView(impl->der)});
  if (auto key = Certificate(impl).public_key()) impl->public_key = std::move(*key);
  ERR_clear_error();
  return Certificate(std::move(impl));
}

Result<Certificate> CertAccess::adopt(X509* x509) {
  const int len = i2d_X509(x509, nullptr);
  if (len <= 0) return fail(Errc::invalid_syntax, "certificate: does not re-encode");
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  if (i2d_X509(x509, &p) != len) TERN_BUG("i2d_X509 changed its mind");
  return Certificate::from_der(der);
}

Result<std::vector<Certificate>> Certificate::from_pem_chain(ByteView pem) {
  if (pem.size() > INT_MAX) return fail(Errc::bad_length, "PEM text too large");
  Bio bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (!bio) TERN_BUG("BIO_new_mem_buf failed");
  std::vector<Certificate> out;
  for (;;) {
    ossl::X509Cert x509{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
    if (!x509) break;
    auto cert = CertAccess::adopt(x509.get());
    if (!cert) return fail(cert.error());
    out.push_back(std::move(*cert));
  }
  // The loop ends at the first block that is not a certificate: end of text
  // (PEM_R_NO_START_LINE) is the normal way out; anything else is damage.
  const unsigned long err = ERR_peek_last_error();
  const bool clean_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
  if (err != 0 && !clean_end) return fail(Errc::invalid_syntax, "PEM certificate: " + openssl_error_text());
  ERR_clear_error();
  if (out.empty()) return fail(Errc::invalid_syntax, "no PEM CERTIFICATE block");
  return out;
}

Result<Certificate> Certificate::from_pem(ByteView pem) {
  auto chain = from_pem_chain(pem);
  if (!chain) return fail(chain.error());
  return std::move(chain->front());
}

// --- accessors ---

const Bytes& Certificate::der() const {
  return impl_->der;
}
std::string Certificate::subject() const {
  return name_to_string(X509_get_subject_name(impl_->x509.get()));
}
Bytes Certificate::subject_der() const {
  return name_der(X509_get_subject_name(impl_->x509.get()));
}
std::string Certificate::issuer() const {
  return name_to_string(X509_get_issuer_name(impl_->x509.get()));
}
Bytes Certificate::issuer_der() const {
  return name_der(X509_get_issuer_name(impl_->x509.get()));
}
std::string Certificate::serial() const {
  ossl::Bignum bn{ASN1_INTEGER_to_BN(X509_get0_serialNumber(impl_->x509.get()), nullptr)};
  if (!bn) return "?";
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return "?";
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}
const SubjectAltNames& Certificate::subject_alt_names() const {
  return impl_->sans;
}
WallTime Certificate::not_before() const {
  return impl_->not_before;
}
WallTime Certificate::not_after() const {
  return impl_->not_after;
}
std::optional<uint32_t> Certificate::key_usage() const {
  if ((X509_get_extension_flags(impl_->x509.get()) & EXFLAG_KUSAGE) == 0) return std::nullopt;
  return X509_get_key_usage(impl_->x509.get()) & 0xffu;
}
const std::vector<std::string>& Certificate::extended_key_usage() const {
  return impl_->eku;
}
bool Certificate::is_ca() const {
  return X509_check_ca(impl_->x509.get()) != 0;
}
bool Certificate::is_self_issued() const {
  return (X509_get_extension_flags(impl_->x509.get()) & EXFLAG_SI) != 0;
}
Result<PublicKey> Certificate::public_key() const {
  if (impl_->public_key) return *impl_->public_key;
  EVP_PKEY* raw = X509_get_pubkey(impl_->x509.get());
  if (raw == nullptr)
    return fail(Errc::unsupported,
                "certificate " + subject() + ": public key of an unknown algorithm: " + openssl_error_text());
  auto key = KeyAccess::adopt_public(ossl::PKey{raw});
  if (!key) {
    Error e = key.error();
    e.detail = "certificate " + subject() + ": " + e.detail;
    return fail(std::move(e));
  }
  return key;
}
Bytes Certificate::spki_der() const {
  const X509_PUBKEY* spki = X509_get_X509_PUBKEY(impl_->x509.get());
  const int len = i2d_X509_PUBKEY(spki, nullptr);
  if (len <= 0) TERN_BUG("i2d_X509_PUBKEY failed on a parsed certificate");
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_X509_PUBKEY(spki, &p) != len) TERN_BUG("i2d_X509_PUBKEY changed its mind");
  return out;
}
const Sha1Digest& Certificate::spki_sha1() const {
  return impl_->spki_sha1;
}
const Sha256Digest& Certificate::fingerprint() const {
  return impl_->fingerprint;
}

}  // namespace tern::crypto

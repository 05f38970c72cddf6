#include "crypto/cert_identity.h"

#include <fmt/format.h>
#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "crypto/x509_openssl.h"

namespace tern::crypto {
namespace {

Unexpected<Error> mismatch(std::string reason) {
  return fail(Errc::bad_signature, static_cast<uint16_t>(wire::NotifyType::AUTHENTICATION_FAILED),
              std::move(reason));
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool email_equal(std::string_view a, std::string_view b) {
  const size_t at_a = a.rfind('@');
  const size_t at_b = b.rfind('@');
  if (at_a == std::string_view::npos || at_b == std::string_view::npos) return a == b;
  return a.substr(0, at_a) == b.substr(0, at_b) && iequal(a.substr(at_a), b.substr(at_b));
}

// The ID as the reason shows it: printable ASCII as is, anything else \xNN.
std::string printable(ByteView data) {
  std::string out;
  for (uint8_t c : data) {
    if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

Result<void> check_dn(const Certificate& cert, ByteView id_data, std::string_view label) {
  const Bytes subject = cert.subject_der();
  if (std::ranges::equal(subject, id_data)) return {};
  const unsigned char* p = id_data.data();
  ossl::X509Name name{d2i_X509_NAME(nullptr, &p, static_cast<long>(id_data.size()))};
  if (!name || p != id_data.data() + id_data.size()) {
    ERR_clear_error();
    return fail(Errc::invalid_syntax, fmt::format("{} of type ID_DER_ASN1_DN is not a DER Name", label));
  }
  const int cmp = X509_NAME_cmp(name.get(), X509_get_subject_name(CertAccess::x509(cert)));
  ERR_clear_error();
  if (cmp == 0) return {};
  return mismatch(fmt::format("{} {} is not the certificate's subject {}", label, name_to_string(name.get()),
                              cert.subject()));
}

}  // namespace

Result<void> check_identity(const Certificate& cert, wire::IdType type, ByteView id_data,
                            std::string_view label) {
  const SubjectAltNames& sans = cert.subject_alt_names();
  const std::string_view text(reinterpret_cast<const char*>(id_data.data()), id_data.size());
  switch (type) {
    case wire::IdType::ID_DER_ASN1_DN: return check_dn(cert, id_data, label);
    case wire::IdType::ID_FQDN:
      for (const std::string& dns : sans.dns)
        if (iequal(dns, text)) return {};
      break;
    case wire::IdType::ID_RFC822_ADDR:
      for (const std::string& email : sans.email)
        if (email_equal(email, text)) return {};
      break;
    case wire::IdType::ID_IPV4_ADDR:
    case wire::IdType::ID_IPV6_ADDR:
      for (const Bytes& ip : sans.ip)
        if (std::ranges::equal(ip, id_data)) return {};
      return mismatch(fmt::format("{} {} is not in the certificate's subjectAltNames ({})", label,
                                  ip_to_string(id_data), sans.to_string()));
    default:
      return fail(Errc::unsupported, fmt::format("{} of type {} cannot be bound to a certificate", label,
                                                 wire::to_string(type)));
  }
  return mismatch(fmt::format("{} {} is not in the certificate's subjectAltNames ({})", label,
                              printable(id_data), sans.to_string()));
}

}  // namespace tern::crypto

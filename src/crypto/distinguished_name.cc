// DN text <-> DER (see distinguished_name.h).
#include "crypto/distinguished_name.h"

#include <fmt/format.h>
#include <openssl/err.h>

#include <climits>
#include <vector>

#include "crypto/x509_openssl.h"

namespace tern::crypto {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits at unescaped `sep`; the escapes stay (unescape() removes them).
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == sep) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

ossl::X509Name parse_der(ByteView der) {
  if (der.empty() || der.size() > LONG_MAX) return nullptr;
  const unsigned char* p = der.data();
  ossl::X509Name name{d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size()))};
  if (!name || p != der.data() + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return name;
}

}  // namespace

Result<Bytes> dn_from_text(std::string_view text) {
  std::string_view body = trim(text);
  const char sep = body.starts_with('/') ? '/' : ',';
  if (sep == '/') body.remove_prefix(1);
  if (body.empty()) return fail(Errc::invalid_syntax, "empty distinguished name");
  ossl::X509Name name{X509_NAME_new()};
  if (!name) TERN_BUG("X509_NAME_new failed");
  for (std::string_view rdn : split(body, sep)) {
    rdn = trim(rdn);
    const size_t eq = rdn.find('=');
    if (eq == std::string_view::npos)
      return fail(Errc::invalid_syntax, fmt::format("'{}' in DN '{}' is not type=value", rdn, text));
    const std::string type(trim(rdn.substr(0, eq)));
    const std::string value = unescape(trim(rdn.substr(eq + 1)));
    if (type.empty() || value.empty())
      return fail(Errc::invalid_syntax, fmt::format("'{}' in DN '{}' needs a type and a value", rdn, text));
    if (X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      ERR_clear_error();
      return fail(
          Errc::invalid_syntax,
          fmt::format("'{}' in DN '{}': unknown attribute type or bad value (use C, ST, L, O, OU, CN, "
                      "emailAddress, DC, serialNumber, UID or a dotted OID)",
                      rdn, text));
    }
  }
  unsigned char* out = nullptr;
  const int len = i2d_X509_NAME(name.get(), &out);
  if (len <= 0) {
    ERR_clear_error();
    return fail(Errc::invalid_syntax, fmt::format("DN '{}' cannot be encoded", text));
  }
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

std::string dn_to_text(ByteView der) {
  ossl::X509Name name = parse_der(der);
  if (!name) return "dn:" + to_hex(der);
  return name_to_string(name.get());
}

bool dn_equal(ByteView a, ByteView b) {
  if (equal(a, b)) return true;
  ossl::X509Name x = parse_der(a);
  ossl::X509Name y = parse_der(b);
  if (!x || !y) return false;
  const int cmp = X509_NAME_cmp(x.get(), y.get());
  ERR_clear_error();
  return cmp == 0;
}

}  // namespace tern::crypto

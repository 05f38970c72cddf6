#include "wire/cert_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {
constexpr size_t kSha1Size = 20;  // the hash in front of a Hash and URL entry
}  // namespace

Result<CertPayload> CertPayload::parse(ByteView body) {
  ByteReader r{body, "CERT payload"};
  auto encoding = r.u8("Cert Encoding");
  if (!encoding) return as_invalid_syntax(encoding.error());

  CertPayload cert;
  cert.encoding = static_cast<CertEncoding>(*encoding);
  ByteView data = r.rest();
  cert.data.assign(data.begin(), data.end());

  if (data.empty()) {
    return invalid_syntax(
        fmt::format("CERT payload: {} with empty Certificate Data", wire::to_string(cert.encoding)));
  }
  bool hash_and_url = cert.encoding == CertEncoding::HASH_URL_X509_CERT ||
                      cert.encoding == CertEncoding::HASH_URL_X509_BUNDLE;
  if (hash_and_url && data.size() <= kSha1Size) {
    return invalid_syntax(fmt::format("CERT payload: {} needs a {}-octet hash and a URL, got {} octets",
                                      wire::to_string(cert.encoding), kSha1Size, data.size()));
  }
  return cert;
}

void CertPayload::build(ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(encoding));
  w.bytes(data);
}

}  // namespace tern::wire

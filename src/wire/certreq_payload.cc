#include "wire/certreq_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

Result<CertReqPayload> CertReqPayload::parse(ByteView body) {
  ByteReader r{body, "CERTREQ payload"};
  auto encoding = r.u8("Cert Encoding");
  if (!encoding) return as_invalid_syntax(encoding.error());

  CertReqPayload req;
  req.encoding = static_cast<CertEncoding>(*encoding);
  ByteView data = r.rest();
  req.data.assign(data.begin(), data.end());
  return req;
}

void CertReqPayload::build(ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(encoding));
  w.bytes(data);
}

Result<std::vector<ByteView>> CertReqPayload::authorities() const {
  bool defined = encoding == CertEncoding::X509_SIGNATURE || encoding == CertEncoding::HASH_URL_X509_CERT ||
                 encoding == CertEncoding::HASH_URL_X509_BUNDLE;
  if (!defined) {
    return fail(Errc::unsupported, fmt::format("CERTREQ payload: no Certification Authority format for {}",
                                               wire::to_string(encoding)));
  }
  if (data.size() % kCaKeyHashSize != 0) {
    return invalid_syntax(
        fmt::format("CERTREQ payload: Certification Authority of {} octets is not a list of {}-octet hashes",
                    data.size(), kCaKeyHashSize));
  }
  std::vector<ByteView> hashes;
  ByteView all{data};
  for (size_t at = 0; at < all.size(); at += kCaKeyHashSize)
    hashes.push_back(all.subspan(at, kCaKeyHashSize));
  return hashes;
}

}  // namespace tern::wire

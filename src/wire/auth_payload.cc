#include "wire/auth_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {

constexpr uint8_t kDerSequence = 0x30;

// The content length of the DER SEQUENCE that must fill `der` exactly (short
// form, or long form with one length octet: ASN.1 Length caps it at 255).
bool is_one_der_sequence(ByteView der) {
  if (der.size() < 2 || der[0] != kDerSequence) return false;
  if (der[1] < 0x80) return der.size() == 2u + der[1];
  if (der[1] == 0x81) return der.size() >= 3 && der[2] >= 0x80 && der.size() == 3u + der[2];
  return false;
}

}  // namespace

Result<AuthPayload> AuthPayload::parse(ByteView body) {
  ByteReader r{body, "AUTH payload"};
  auto method = r.u8("Auth Method");
  if (!method) return as_invalid_syntax(method.error());
  if (auto reserved = r.skip(3, "RESERVED"); !reserved) return as_invalid_syntax(reserved.error());

  AuthPayload auth;
  auth.method = static_cast<AuthMethod>(*method);
  ByteView data = r.rest();
  if (data.empty()) {
    return invalid_syntax(
        fmt::format("AUTH payload: {} with empty Authentication Data", wire::to_string(auth.method)));
  }
  auth.data.assign(data.begin(), data.end());
  return auth;
}

void AuthPayload::build(ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(method));
  w.zeros(3);  // RESERVED
  w.bytes(data);
}

Result<SignatureAuthData> parse_signature_auth_data(ByteView data) {
  ByteReader r{data, "AUTH payload: signature data"};
  auto length = r.u8("ASN.1 Length");
  if (!length) return as_invalid_syntax(length.error());
  auto algorithm = r.take(*length, "AlgorithmIdentifier");
  if (!algorithm) return as_invalid_syntax(algorithm.error());
  ByteView signature = r.rest();

  if (*length == 0) return invalid_syntax("AUTH payload: signature data: ASN.1 Length is 0");
  if (!is_one_der_sequence(*algorithm)) {
    return invalid_syntax(fmt::format(
        "AUTH payload: signature data: AlgorithmIdentifier is not one DER SEQUENCE of {} octets", *length));
  }
  if (signature.empty()) return invalid_syntax("AUTH payload: signature data: empty Signature Value");
  return SignatureAuthData{Bytes(algorithm->begin(), algorithm->end()),
                           Bytes(signature.begin(), signature.end())};
}

Bytes build_signature_auth_data(const SignatureAuthData& auth_data) {
  size_t length = auth_data.algorithm_identifier.size();
  if (length == 0 || length > 255) TERN_BUG("RFC 7427 AlgorithmIdentifier must be 1..255 octets");
  Bytes out;
  ByteWriter w{out};
  w.u8(static_cast<uint8_t>(length));
  w.bytes(auth_data.algorithm_identifier);
  w.bytes(auth_data.signature);
  return out;
}

}  // namespace tern::wire

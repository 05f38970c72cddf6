// Identity binding (RFC 7296 §2.15, §3.5; RFC 4945 §3.1): the peer's IDi/IDr
// must be bound to the certificate whose key signed AUTH.
//
// Who calls it: the ike_auth task, after TrustStore::verify accepted the
// chain and before it verifies AUTH (and when it picks a local certificate
// for a configured local ID).
//
// Rules:
//   ID_DER_ASN1_DN  the DN equals the certificate subject: same DER, or the
//                   same name after OpenSSL's canonicalisation (X509_NAME_cmp:
//                   case and whitespace folded in string values)
//   ID_FQDN         equals a dNSName subjectAltName, ASCII case-insensitive;
//                   no wildcards ("*.example.org" matches only the literal
//                   string), and the CN is never consulted
//   ID_RFC822_ADDR  equals an rfc822Name subjectAltName: the local part
//                   exactly, the domain ASCII case-insensitive
//   ID_IPV4_ADDR /  equals an iPAddress subjectAltName of the same length,
//   ID_IPV6_ADDR    octet for octet
// Any other ID type (KEY_ID, DER_ASN1_GN, NULL) cannot be bound.
//
// How it fails: Errc::bad_signature with notify AUTHENTICATION_FAILED and the
// reason, e.g. "IDr b.example.org is not in the certificate's
// subjectAltNames (DNS: c.example.org)"; Errc::unsupported for ID types that
// cannot be bound; Errc::invalid_syntax for an ID_DER_ASN1_DN that is not a
// DER Name. `label` is "IDi" or "IDr" (how the reason names the ID).
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/x509_certificate.h"
#include "wire/iana.h"

namespace tern::crypto {

Result<void> check_identity(const Certificate& cert, wire::IdType type, ByteView id_data,
                            std::string_view label);

}  // namespace tern::crypto

// Distinguished names as identities (ID_DER_ASN1_DN, RFC 7296 §3.5): the
// text an operator writes ("C=CH, O=tern, CN=a.example.org") to the DER Name
// an ID payload carries, back to text for logs, and the comparison of two DER
// names.
//
// Who calls it: config/ (id = "C=CH, O=tern, CN=a.example.org"), ike/ to
// match a received IDi/IDr against a configured DN and to show DN identities
// in logs and `ternctl status`.
//
// Text syntax: RDNs separated by ',' (or '/' when the text starts with '/',
// OpenSSL's -subj form), each `type=value` with an attribute short name or
// dotted OID OpenSSL knows (C, ST, L, O, OU, CN, emailAddress, serialNumber,
// DC, UID, ...); spaces around ',' and '=' are ignored; '\' escapes the next
// character. Most significant RDN first, as certificates print.
//
// How it fails: dn_from_text returns Errc::invalid_syntax with the reason
// (unknown attribute, missing '=', empty value). dn_to_text and dn_equal
// cannot fail: bytes that are not a DER Name print as "dn:<hex>" and compare
// only octet for octet.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::crypto {

Result<Bytes> dn_from_text(std::string_view text);
// "C=CH, O=tern, CN=a.example.org" (RFC 4514 escaping).
std::string dn_to_text(ByteView der);
// The same name: identical DER, or equal after OpenSSL's canonical form
// (X509_NAME_cmp: string types, case and inner whitespace folded).
bool dn_equal(ByteView a, ByteView b);

}  // namespace tern::crypto

// Choosing which of our certificate chains to send, from the peer's CERTREQ
// (RFC 7296 §3.7: the Certification Authority field lists SHA-1 hashes of
// the SubjectPublicKeyInfo of CAs the peer trusts).
//
// Who calls it: the ike_cert task when it builds IKE_AUTH, with the chains
// of the connection's local certificates and the hashes of every received
// CERTREQ (wire::CertReqPayload::authorities()). Pure: cannot fail.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "crypto/x509_certificate.h"

namespace tern::crypto {

// One local chain: the end entity first, then its intermediates, then (if
// known) the root. Only the certificates after the first are CAs whose key
// hash a peer can ask for.
struct LocalChain {
  std::vector<Certificate> certs;
};

// The index of the first chain with a CA whose SPKI SHA-1 equals one of
// `ca_hashes` (each expected to be 20 octets; others never match). nullopt
// when none matches or the peer sent no hashes: the caller then sends its
// default chain anyway (§3.7 makes CERTREQ a hint).
std::optional<size_t> select_chain(std::span<const LocalChain> chains, std::span<const ByteView> ca_hashes);

}  // namespace tern::crypto

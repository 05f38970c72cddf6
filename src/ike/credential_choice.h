// Which of the connection's certificates an IKE SA authenticates with
// (local auth = "pubkey" with several `cert` entries; RFC 7296 §3.7).
//
// The peer's CERTREQ lists the SHA-1 hashes of the public keys of CAs it
// trusts; the responder sends it in IKE_SA_INIT, the initiator in IKE_AUTH,
// so each side knows them before it signs. A credential is preferred, in
// this order, when
//   1. its key can sign for this peer (Ed25519 needs the peer's RFC 7427
//      "Identity" hash; signature_auth.h can_sign),
//   2. its certificate is valid now (wall clock; a renewed certificate
//      loaded beside the expiring one takes over),
//   3. its chain holds a CA the peer asked for: an intermediate, the root
//      when `certs` lists it, or the CA in our own cacerts that issued the
//      chain's last certificate (often the same PKI);
// and among equals the first in the configuration wins. The peer's CERTREQ
// is a hint (§3.7): when no chain names one of its CAs the best one is sent
// anyway, and `note` says so for the log if that chain's root is known (else
// the peer may well trust it).
//
// Who calls it: the ike_auth task, when it builds our AUTH; the expiry watch
// (cert_expiry.cc) asks current_credential_exists before it reauthenticates.
// Pure: no I/O, cannot fail.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/trust_store.h"
#include "crypto/x509_certificate.h"
#include "ike/connection_config.h"
#include "wire/iana.h"

namespace tern::ike {

struct CredentialChoice {
  std::shared_ptr<const LocalCredential> credential;  // nullptr only when there are none
  std::string note;                                   // "" unless the choice is worth a log line
};

CredentialChoice choose_credential(std::span<const std::shared_ptr<const LocalCredential>> credentials,
                                   const crypto::TrustStore* our_trust,
                                   const std::vector<Bytes>& peer_ca_hashes,
                                   const std::optional<std::vector<wire::HashAlgorithm>>& peer_hashes,
                                   std::optional<crypto::WallTime> now);

// Whether the certificate is within its validity at `now` (true when unknown).
bool valid_at(const crypto::Certificate& cert, std::optional<crypto::WallTime> now);

}  // namespace tern::ike

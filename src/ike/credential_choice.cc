// choose_credential (see credential_choice.h).
#include "ike/credential_choice.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/cert_select.h"
#include "ike/signature_auth.h"

namespace tern::ike {
namespace {

// The credential's chain for CERTREQ matching: ours, plus the trust anchor
// above it when our cacerts hold the CA that issued its last certificate.
crypto::LocalChain matching_chain(const LocalCredential& credential, const crypto::TrustStore* our_trust) {
  crypto::LocalChain chain{credential.chain};
  if (chain.certs.back().is_self_issued() || our_trust == nullptr) return chain;
  const Bytes issuer = chain.certs.back().issuer_der();
  for (const crypto::Certificate& anchor : our_trust->anchors()) {
    if (anchor.subject_der() != issuer) continue;
    chain.certs.push_back(anchor);
    break;
  }
  return chain;
}

bool names_asked_ca(const LocalCredential& credential, const crypto::TrustStore* our_trust,
                    std::span<const ByteView> hashes) {
  const crypto::LocalChain chains[] = {matching_chain(credential, our_trust)};
  return crypto::select_chain(chains, hashes).has_value();
}

}  // namespace

bool valid_at(const crypto::Certificate& cert, std::optional<crypto::WallTime> now) {
  return !now || (cert.not_before() <= *now && *now < cert.not_after());
}

CredentialChoice choose_credential(std::span<const std::shared_ptr<const LocalCredential>> credentials,
                                   const crypto::TrustStore* our_trust,
                                   const std::vector<Bytes>& peer_ca_hashes,
                                   const std::optional<std::vector<wire::HashAlgorithm>>& peer_hashes,
                                   std::optional<crypto::WallTime> now) {
  if (credentials.empty()) return {};
  const std::vector<ByteView> hashes(peer_ca_hashes.begin(), peer_ca_hashes.end());
  int best_score = -1;
  size_t best = 0;
  bool best_named = false;
  for (size_t i = 0; i < credentials.size(); ++i) {
    const LocalCredential& c = *credentials[i];
    const bool named = !hashes.empty() && names_asked_ca(c, our_trust, hashes);
    const int score =
        (can_sign(c.key, peer_hashes) ? 4 : 0) + (valid_at(c.chain.front(), now) ? 2 : 0) + (named ? 1 : 0);
    if (score <= best_score) continue;
    best_score = score;
    best = i;
    best_named = named;
  }
  CredentialChoice choice{credentials[best], {}};
  // Only a chain whose top we know can be said to be one the peer does not trust.
  const bool top_known = matching_chain(*choice.credential, our_trust).certs.back().is_self_issued();
  if (!hashes.empty() && !best_named && top_known) {
    const crypto::Certificate& cert = choice.credential->chain.front();
    choice.note = fmt::format(
        "the peer's CERTREQ names none of the CAs of our certificate{} ({} CA hash{} asked for); sending {} "
        "(issuer {}) anyway",
        credentials.size() == 1 ? "" : "s", hashes.size(), hashes.size() == 1 ? "" : "es", cert.subject(),
        cert.issuer());
  }
  return choice;
}

}  // namespace tern::ike

// RFC 7296 §2.8.1 tie-break of simultaneous CHILD_SA rekeys (see rekey_collision.h).
#include "ike/rekey_collision.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

namespace tern::ike {
namespace {

// An exchange's nonces, lowest first.
std::pair<ByteView, ByteView> ordered(const RekeyExchange& e) {
  ByteView i = e.nonce_i, r = e.nonce_r;
  return nonce_lower(r, i) ? std::pair{r, i} : std::pair{i, r};
}

}  // namespace

bool nonce_lower(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

RedundantRekey redundant_rekey(const RekeyExchange& ours, const RekeyExchange& theirs, Role ike_sa_role) {
  const auto [ours_low, ours_high] = ordered(ours);
  const auto [theirs_low, theirs_high] = ordered(theirs);
  if (nonce_lower(ours_low, theirs_low)) return RedundantRekey::ours;
  if (nonce_lower(theirs_low, ours_low)) return RedundantRekey::theirs;
  if (nonce_lower(ours_high, theirs_high)) return RedundantRekey::ours;
  if (nonce_lower(theirs_high, ours_high)) return RedundantRekey::theirs;
  return ike_sa_role == Role::initiator ? RedundantRekey::ours : RedundantRekey::theirs;
}

std::string lowest_nonce_hex(const RekeyExchange& ours, const RekeyExchange& theirs) {
  ByteView low = ordered(ours).first;
  if (ByteView t = ordered(theirs).first; nonce_lower(t, low)) low = t;
  std::string out;
  for (size_t i = 0; i < low.size() && i < 8; ++i) out += fmt::format("{:02x}", low[i]);
  return low.size() > 8 ? out + "…" : out;
}

Duration temporary_failure_retry(crypto::Random& random) {
  return seconds(2) +
         Duration{static_cast<Duration::rep>(random.u64() % static_cast<uint64_t>(seconds(8).count()))};
}

}  // namespace tern::ike

#include "crypto/cert_select.h"

#include <algorithm>

namespace tern::crypto {

std::optional<size_t> select_chain(std::span<const LocalChain> chains, std::span<const ByteView> ca_hashes) {
  for (size_t i = 0; i < chains.size(); ++i) {
    const auto& certs = chains[i].certs;
    for (size_t k = 1; k < certs.size(); ++k) {
      const Sha1Digest& have = certs[k].spki_sha1();
      for (ByteView wanted : ca_hashes)
        if (std::ranges::equal(wanted, have)) return i;
    }
  }
  return std::nullopt;
}

}  // namespace tern::crypto

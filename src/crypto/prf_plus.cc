#include "crypto/prf_plus.h"

#include <algorithm>

#include "base/error.h"
#include "crypto/prf_key.h"

namespace tern::crypto {

SecretBytes prf_plus(const Prf& prf, ByteView key, ByteView seed, size_t length) {
  const size_t block = prf.output_size();
  if (length > kPrfPlusMaxIterations * block) TERN_BUG("prf+: more than 255 iterations requested");

  // The key is applied once for all iterations (PrfKey); each T(n) is made in
  // place in `out` when it fits whole, the last partial one in `tail`.
  const PrfKey keyed(prf, key);
  SecretBytes out(length);
  SecretBytes tail(length % block == 0 ? 0 : block);
  ByteView previous;  // T(n-1); empty before T1
  for (size_t n = 1, done = 0; done < length; ++n) {
    const uint8_t counter = static_cast<uint8_t>(n);
    const ByteView parts[] = {previous, seed, ByteView(&counter, 1)};
    const size_t take = std::min(block, length - done);
    if (take == block) {
      const MutableByteView t(out.data() + done, block);
      keyed.compute(parts, t);
      previous = t;
    } else {
      keyed.compute(parts, tail.mutable_view());
      std::copy_n(tail.data(), take, out.data() + done);
    }
    done += take;
  }
  return out;
}

}  // namespace tern::crypto

#include "crypto/prf_plus.h"

#include <algorithm>

#include "base/error.h"

namespace tern::crypto {

SecretBytes prf_plus(const Prf& prf, ByteView key, ByteView seed, size_t length) {
  const size_t block = prf.output_size();
  if (length > kPrfPlusMaxIterations * block) TERN_BUG("prf+: more than 255 iterations requested");

  SecretBytes out(length);
  SecretBytes t;  // T(n-1); empty before T1
  size_t done = 0;
  for (size_t n = 1; done < length; ++n) {
    const uint8_t counter = static_cast<uint8_t>(n);
    t = prf.compute(key, {t.view(), seed, ByteView(&counter, 1)});
    const size_t take = std::min(block, length - done);
    std::copy_n(t.data(), take, out.data() + done);
    done += take;
  }
  return out;
}

}  // namespace tern::crypto

#include "crypto/hash.h"

// The one-shot SHA functions are marked deprecated in OpenSSL 3.0; they are
// used here because EVP_Digest* costs a context allocation and provider
// dispatch per call (NAT-D hashes four times per IKE_SA_INIT, the cookie jar
// once), more than the one or two compression blocks hashed. Same assembler
// underneath. See also hmac.h.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "base/error.h"
#include "base/secret_bytes.h"

namespace tern::crypto {
namespace {

// digest(part0 | part1 | ...) into `out`, which is exactly the digest's size.
template <typename Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, size_t),
          int (*Final)(unsigned char*, Ctx*)>
void digest_parts(std::span<const ByteView> parts, std::span<uint8_t> out) {
  Ctx ctx;
  if (Init(&ctx) != 1) TERN_BUG("digest init failed");
  for (ByteView part : parts) {
    if (!part.empty() && Update(&ctx, part.data(), part.size()) != 1) TERN_BUG("digest update failed");
  }
  if (Final(out.data(), &ctx) != 1) TERN_BUG("digest final failed");
  secure_zero(&ctx, sizeof ctx);  // the cookie's input holds the secret
}

}  // namespace

Sha1Digest sha1(std::span<const ByteView> parts) {
  Sha1Digest digest{};
  digest_parts<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final>(parts, digest);
  return digest;
}

Sha256Digest sha256(std::span<const ByteView> parts) {
  Sha256Digest digest{};
  digest_parts<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final>(parts, digest);
  return digest;
}

}  // namespace tern::crypto

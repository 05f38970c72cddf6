#include "crypto/hash.h"

#include "base/error.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {
namespace {
// Not in ossl_handles.h: hash.cc is the only user of a digest context so far.
using MdCtx = std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
}  // namespace

Sha1Digest sha1(std::span<const ByteView> parts) {
  MdCtx ctx{EVP_MD_CTX_new()};
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1) TERN_BUG("SHA-1 init failed");
  for (ByteView part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) TERN_BUG("SHA-1 update failed");
  }
  Sha1Digest digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1 || size != kSha1Size)
    TERN_BUG("SHA-1 final failed");
  return digest;
}

}  // namespace tern::crypto

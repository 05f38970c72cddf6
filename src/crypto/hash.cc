#include "crypto/hash.h"

#include "base/error.h"
#include "crypto/ossl_handles.h"

namespace tern::crypto {
namespace {
// Not in ossl_handles.h: hash.cc is the only user of a digest context so far.
using MdCtx = std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

// Fetched once per process and never freed: EVP_sha256() and friends make
// EVP_DigestInit_ex look the algorithm up in the provider on every call.
const EVP_MD* fetch_digest(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) TERN_BUG("EVP_MD_fetch failed");
  return md;
}

// digest(part0 | part1 | ...) into `out`, which is exactly the digest's size.
void digest_parts(const EVP_MD* md, std::span<const ByteView> parts, std::span<uint8_t> out) {
  MdCtx ctx{EVP_MD_CTX_new()};
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) TERN_BUG("digest init failed");
  for (ByteView part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) TERN_BUG("digest update failed");
  }
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1 || size != out.size())
    TERN_BUG("digest final failed");
}

}  // namespace

Sha1Digest sha1(std::span<const ByteView> parts) {
  Sha1Digest digest{};
  static const EVP_MD* const md = fetch_digest("SHA1");
  digest_parts(md, parts, digest);
  return digest;
}

Sha256Digest sha256(std::span<const ByteView> parts) {
  Sha256Digest digest{};
  static const EVP_MD* const md = fetch_digest("SHA2-256");
  digest_parts(md, parts, digest);
  return digest;
}

}  // namespace tern::crypto

#include "crypto/trust_store.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

#include "crypto/pem_file.h"
#include "crypto/verified_chain_cache.h"
#include "crypto/x509_openssl.h"
#include "wire/iana.h"

namespace tern::crypto {
namespace {

using Bio = std::unique_ptr<BIO, ossl::Deleter<BIO, BIO_free_all>>;

Bio memory_bio(ByteView data) {
  Bio bio{BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))};
  if (!bio) TERN_BUG("BIO_new_mem_buf failed");
  return bio;
}

Unexpected<Error> refuse(std::string reason) {
  return fail(Errc::bad_signature, static_cast<uint16_t>(wire::NotifyType::AUTHENTICATION_FAILED),
              std::move(reason));
}

std::string time_text(const ASN1_TIME* t) {
  auto wt = wall_time(t);
  return wt ? format_wall_time(*wt) : std::string("an unreadable date");
}

// The plain-words reason for a failed X509_verify_cert.
std::string reason_for(X509_STORE_CTX* ctx) {
  const int err = X509_STORE_CTX_get_error(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  const std::string subject = cert != nullptr ? name_to_string(X509_get_subject_name(cert)) : "?";
  const std::string issuer = cert != nullptr ? name_to_string(X509_get_issuer_name(cert)) : "?";
  X509_CRL* crl = X509_STORE_CTX_get0_current_crl(ctx);
  const std::string crl_issuer = crl != nullptr ? name_to_string(X509_CRL_get_issuer(crl)) : issuer;
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return fmt::format("certificate {} expired on {}", subject,
                         time_text(cert != nullptr ? X509_get0_notAfter(cert) : nullptr));
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return fmt::format("certificate {} is not yet valid until {}", subject,
                         time_text(cert != nullptr ? X509_get0_notBefore(cert) : nullptr));
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return fmt::format("issuer {} of certificate {} is not a trusted CA", issuer, subject);
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return fmt::format("certificate {} is self-signed and not a trusted CA", subject);
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return fmt::format("the chain ends in self-signed {}, which is not a trusted CA", subject);
    case X509_V_ERR_CERT_REVOKED: {
      std::string when;
      X509_REVOKED* revoked = nullptr;
      if (crl != nullptr && cert != nullptr && X509_CRL_get0_by_cert(crl, &revoked, cert) == 1 &&
          revoked != nullptr)
        when = " on " + time_text(X509_REVOKED_get0_revocationDate(revoked));
      return fmt::format("certificate {} was revoked{} (CRL of {})", subject, when, crl_issuer);
    }
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      return fmt::format(
          "no CRL of {} is loaded to check certificate {} (CRLs are checked for "
          "every CA once any CRL is configured)",
          issuer, subject);
    case X509_V_ERR_CRL_HAS_EXPIRED:
      if (crl == nullptr) return fmt::format("the CRL of {} has expired; load a fresh one", crl_issuer);
      return fmt::format("the CRL of {} expired on {}; load a fresh one", crl_issuer,
                         time_text(X509_CRL_get0_nextUpdate(crl)));
    case X509_V_ERR_CRL_NOT_YET_VALID:
      if (crl == nullptr) return fmt::format("the CRL of {} is not yet valid", crl_issuer);
      return fmt::format("the CRL of {} is not yet valid until {}", crl_issuer,
                         time_text(X509_CRL_get0_lastUpdate(crl)));
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
      return fmt::format("the signature on the CRL of {} does not verify", crl_issuer);
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      return fmt::format("the signature on certificate {} does not verify with the key of its issuer {}",
                         subject, issuer);
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
      return fmt::format(
          "certificate {} issued another certificate but is not a CA "
          "(basicConstraints CA:true and keyUsage keyCertSign are required)",
          subject);
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
      return fmt::format("the chain through {} is longer than its CA allows", subject);
    default: return fmt::format("certificate {}: {}", subject, X509_verify_cert_error_string(err));
  }
}

// Called by X509_verify_cert at each check; on the first failure it records
// the reason while the failing certificate and CRL are still current (they
// are reset before X509_verify_cert returns). Returning `ok` keeps OpenSSL's
// decision: the first error ends the verification.
int record_first_failure(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0) {
    auto* reason = static_cast<std::string*>(X509_STORE_CTX_get_app_data(ctx));
    if (reason != nullptr && reason->empty()) *reason = reason_for(ctx);
  }
  return ok;
}

}  // namespace

class TrustStore::Impl {
 public:
  ossl::X509Store store{X509_STORE_new()};
  std::vector<Certificate> anchors;
  size_t crls = 0;
  // When every loaded CRL is current: the latest thisUpdate, the earliest nextUpdate.
  std::optional<WallTime> crls_valid_from;
  std::optional<WallTime> crls_valid_until;
  // Chains accepted before (verified_chain_cache.h); the lock is held for the
  // look-up and the insertion only, never while a chain is verified.
  mutable std::mutex cache_mutex;
  mutable VerifiedChainCache cache{kVerifiedChainCacheSize};
};

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

Result<TrustStore> TrustStore::from_pem(std::span<const ByteView> ca_pems,
                                        std::span<const ByteView> crl_pems) {
  auto impl = std::make_unique<Impl>();
  if (!impl->store) TERN_BUG("X509_STORE_new failed");
  for (size_t i = 0; i < ca_pems.size(); ++i) {
    auto certs = Certificate::from_pem_chain(ca_pems[i]);
    if (!certs) {
      Error e = certs.error();
      e.detail = fmt::format("CA certificates #{}: {}", i + 1, e.detail);
      return fail(std::move(e));
    }
    for (Certificate& c : *certs) {
      if (!c.is_ca())
        return fail(Errc::invalid_syntax,
                    fmt::format("{} is not a CA certificate (no basicConstraints CA:true)", c.subject()));
      if (X509_STORE_add_cert(impl->store.get(), CertAccess::x509(c)) != 1) {
        ERR_clear_error();  // the same CA twice: harmless
        continue;
      }
      impl->anchors.push_back(std::move(c));
    }
  }
  if (impl->anchors.empty()) return fail(Errc::invalid_syntax, "no CA certificate loaded");
  for (size_t i = 0; i < crl_pems.size(); ++i) {
    if (crl_pems[i].size() > INT_MAX) return fail(Errc::bad_length, "CRL text too large");
    Bio bio = memory_bio(crl_pems[i]);
    size_t found = 0;
    for (;;) {
      ossl::X509Crl crl{PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)};
      if (!crl) break;
      if (X509_STORE_add_crl(impl->store.get(), crl.get()) != 1)
        return fail(Errc::invalid_syntax, "CRL not accepted: " + openssl_error_text());
      if (const ASN1_TIME* last = X509_CRL_get0_lastUpdate(crl.get()); last != nullptr) {
        // Unreadable: no verification is remembered (a chain is good only while every CRL is).
        const WallTime from = wall_time(last).value_or(WallTime::max());
        impl->crls_valid_from = std::max(impl->crls_valid_from.value_or(from), from);
      }
      if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get()); next != nullptr) {
        const WallTime until = wall_time(next).value_or(WallTime::min());
        impl->crls_valid_until = std::min(impl->crls_valid_until.value_or(until), until);
      }
      ++found;
    }
    const unsigned long err = ERR_peek_last_error();
    const bool clean_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
    if ((err != 0 && !clean_end) || found == 0)
      return fail(Errc::invalid_syntax,
                  fmt::format("CRL #{}: no readable PEM X509 CRL: {}", i + 1, openssl_error_text()));
    ERR_clear_error();
    impl->crls += found;
  }
  return TrustStore(std::move(impl));
}

Result<TrustStore> TrustStore::load_files(std::span<const std::string> ca_files,
                                          std::span<const std::string> crl_files) {
  std::vector<Bytes> texts;
  texts.reserve(ca_files.size() + crl_files.size());
  for (const auto* files : {&ca_files, &crl_files}) {
    for (const std::string& path : *files) {
      auto text = read_pem_file(path);
      if (!text) return fail(text.error());
      texts.push_back(std::move(*text));
    }
  }
  std::vector<ByteView> views(texts.begin(), texts.end());
  auto store = from_pem(std::span(views).first(ca_files.size()), std::span(views).subspan(ca_files.size()));
  if (!store) {
    Error e = store.error();
    const std::string& first = !ca_files.empty() ? ca_files.front() : std::string("(none)");
    e.detail = fmt::format("{} (CA files: {}{})", e.detail, first, ca_files.size() > 1 ? ", ..." : "");
    return fail(std::move(e));
  }
  return store;
}

Result<std::vector<Certificate>> TrustStore::verify(const Certificate& end_entity,
                                                    std::span<const Certificate> intermediates,
                                                    WallTime now) const {
  if (intermediates.size() > kMaxIntermediates)
    return fail(Errc::too_many, fmt::format("{} intermediate certificates, at most {} accepted",
                                            intermediates.size(), kMaxIntermediates));
  const Sha256Digest key = VerifiedChainCache::key(end_entity, intermediates);
  {
    std::lock_guard lock(impl_->cache_mutex);
    if (auto known = impl_->cache.find(key, now)) return std::move(*known);
  }
  ossl::X509Stack untrusted{sk_X509_new_null()};
  ossl::X509StoreCtx ctx{X509_STORE_CTX_new()};
  if (!untrusted || !ctx) TERN_BUG("out of memory for X509 verification");
  for (const Certificate& c : intermediates)
    if (sk_X509_push(untrusted.get(), CertAccess::x509(c)) <= 0) TERN_BUG("sk_X509_push failed");
  if (X509_STORE_CTX_init(ctx.get(), impl_->store.get(), CertAccess::x509(end_entity), untrusted.get()) != 1)
    TERN_BUG("X509_STORE_CTX_init failed");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now.time_since_epoch().count()));
  X509_VERIFY_PARAM_set_depth(param, static_cast<int>(kMaxIntermediates) + 1);
  if (impl_->crls > 0) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);

  std::string reason;
  X509_STORE_CTX_set_app_data(ctx.get(), &reason);
  X509_STORE_CTX_set_verify_cb(ctx.get(), record_first_failure);

  if (X509_verify_cert(ctx.get()) != 1) {
    if (reason.empty()) reason = reason_for(ctx.get());
    ERR_clear_error();
    return refuse(std::move(reason));
  }

  std::vector<Certificate> chain;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(built); ++i) {
    X509* x = sk_X509_value(built, i);
    const Certificate* known = nullptr;
    if (x == CertAccess::x509(end_entity)) known = &end_entity;
    for (const Certificate& c : intermediates)
      if (x == CertAccess::x509(c)) known = &c;
    for (const Certificate& c : impl_->anchors)
      if (x == CertAccess::x509(c)) known = &c;
    if (known != nullptr) {
      chain.push_back(*known);
      continue;
    }
    auto adopted = CertAccess::adopt(x);
    if (!adopted) return fail(adopted.error());
    chain.push_back(std::move(*adopted));
  }
  ERR_clear_error();

  // IKE AUTH is a signature made with the end entity's key.
  if (auto ku = end_entity.key_usage(); ku && (*ku & (kKuDigitalSignature | kKuNonRepudiation)) == 0)
    return refuse(fmt::format("certificate {} may not sign: its keyUsage lacks digitalSignature",
                              end_entity.subject()));
  // Good while every certificate of it (and every CRL) is: what X509_verify_cert checked at `now`.
  WallTime valid_from = impl_->crls > 0 ? impl_->crls_valid_from.value_or(WallTime::max()) : WallTime::min();
  WallTime valid_until =
      impl_->crls > 0 ? impl_->crls_valid_until.value_or(WallTime::max()) : WallTime::max();
  for (const Certificate& c : chain) {
    valid_from = std::max(valid_from, c.not_before());
    valid_until = std::min(valid_until, c.not_after());
  }
  if (valid_from <= now && now < valid_until) {
    std::lock_guard lock(impl_->cache_mutex);
    impl_->cache.insert(key, chain, valid_from, valid_until);
  }
  return chain;
}

uint64_t TrustStore::verified_chain_hits() const {
  std::lock_guard lock(impl_->cache_mutex);
  return impl_->cache.hits();
}

const std::vector<Certificate>& TrustStore::anchors() const {
  return impl_->anchors;
}

std::vector<Sha1Digest> TrustStore::anchor_hashes() const {
  std::vector<Sha1Digest> out;
  out.reserve(impl_->anchors.size());
  for (const Certificate& c : impl_->anchors) out.push_back(c.spki_sha1());
  return out;
}

size_t TrustStore::crl_count() const {
  return impl_->crls;
}

}  // namespace tern::crypto

// crypto/-internal: the OpenSSL side of Certificate (x509_certificate.h) and
// the RAII handles of the X.509 code. Included only by .cc files in
// src/crypto/ (x509_certificate.cc, trust_store.cc, cert_identity.cc).
#pragma once

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <string>

#include "crypto/ossl_handles.h"
#include "crypto/x509_certificate.h"

namespace tern::crypto {

namespace ossl {
using X509Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509Crl = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using X509Name = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using X509Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtx = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }  // borrows the certificates
};
using X509Stack = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;
}  // namespace ossl

class Certificate::Impl {
 public:
  ossl::X509Cert x509;
  Bytes der;
  SubjectAltNames sans;
  std::vector<std::string> eku;
  Sha1Digest spki_sha1{};
  Sha256Digest fingerprint{};
  WallTime not_before{};
  WallTime not_after{};
  // The subject's public key, decoded once at parse time (every AUTH check of a
  // cached certificate uses it); nullopt when it does not decode (public_key() says why).
  std::optional<PublicKey> public_key;
};

struct CertAccess {
  static X509* x509(const Certificate& c) { return c.impl_->x509.get(); }
  // Takes an X509 that OpenSSL parsed (e.g. from a PEM block): re-parses its
  // DER so that every Certificate is made the same way.
  static Result<Certificate> adopt(X509* x509);
};

// "C=CH, O=tern, CN=a.example.org" for any X509_NAME ("" for nullptr).
std::string name_to_string(const X509_NAME* name);
// ASN1_TIME -> WallTime; nullopt if OpenSSL cannot read it.
std::optional<WallTime> wall_time(const ASN1_TIME* t);
// The last OpenSSL error as text, clearing the thread's error queue.
std::string openssl_error_text();

}  // namespace tern::crypto

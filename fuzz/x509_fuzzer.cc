// fuzz_x509: crypto::Certificate::from_der on arbitrary octets — what a CERT
// payload of encoding X509_SIGNATURE carries from an unauthenticated peer —
// and every accessor of a certificate that parsed, plus identity binding
// against names taken from the input. The invariant: parse or fail with a
// named Error with a detail; never crash, hang or trip a sanitizer.
//
// Seeds: fuzz/corpus/x509/ (certificates of the test PKI made by
// tests/crypto/x509/make_test_pki.sh: RSA-3072 root, ECDSA P-256
// intermediate, ECDSA / RSA / Ed25519 end entities).
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "crypto/cert_identity.h"
#include "crypto/x509_certificate.h"

using namespace tern;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto cert = crypto::Certificate::from_der(ByteView{data, size});
  if (!cert) {
    if (cert.error().detail.empty()) TERN_BUG("a refused certificate without a detail");
    return 0;
  }
  if (cert->der().size() != size) TERN_BUG("certificate DER is not the input");
  (void)cert->subject();
  (void)cert->issuer();
  (void)cert->serial();
  (void)cert->key_usage();
  (void)cert->is_ca();
  (void)cert->is_self_issued();
  (void)cert->spki_der();
  (void)crypto::format_wall_time(cert->not_after());
  (void)cert->public_key();
  const crypto::SubjectAltNames& sans = cert->subject_alt_names();
  (void)sans.to_string();
  (void)crypto::check_identity(*cert, wire::IdType::ID_DER_ASN1_DN, cert->subject_der(), "IDr");
  for (const std::string& dns : sans.dns)
    (void)crypto::check_identity(*cert, wire::IdType::ID_FQDN,
                                 ByteView{reinterpret_cast<const uint8_t*>(dns.data()), dns.size()}, "IDr");
  for (const Bytes& ip : sans.ip) (void)crypto::check_identity(*cert, wire::IdType::ID_IPV4_ADDR, ip, "IDr");
  return 0;
}

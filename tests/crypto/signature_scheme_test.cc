// RFC 7427 AlgorithmIdentifiers: the blobs tern sends are the Appendix A
// bytes, every blob maps back to its scheme, the encodings RFC 4055 lets a
// signer choose are recognised, and anything else is unsupported.
#include "crypto/signature_scheme.h"

#include <gtest/gtest.h>

namespace tern::crypto {
namespace {

using S = SignatureScheme;
using wire::AuthMethod;
using wire::HashAlgorithm;

Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

TEST(SignatureScheme, AlgorithmIdentifiersAreTheRfc7427AppendixABytes) {
  // A.1.2 - A.1.4: sha{256,384,512}WithRSAEncryption
  EXPECT_EQ(to_hex(algorithm_identifier(S::rsa_pkcs1_sha256)), "300d06092a864886f70d01010b0500");
  EXPECT_EQ(to_hex(algorithm_identifier(S::rsa_pkcs1_sha384)), "300d06092a864886f70d01010c0500");
  EXPECT_EQ(to_hex(algorithm_identifier(S::rsa_pkcs1_sha512)), "300d06092a864886f70d01010d0500");
  // A.3.2 - A.3.4: ecdsa-with-sha{256,384,512}
  EXPECT_EQ(to_hex(algorithm_identifier(S::ecdsa_sha256)), "300a06082a8648ce3d040302");
  EXPECT_EQ(to_hex(algorithm_identifier(S::ecdsa_sha384)), "300a06082a8648ce3d040303");
  EXPECT_EQ(to_hex(algorithm_identifier(S::ecdsa_sha512)), "300a06082a8648ce3d040304");
  // A.4.3: RSASSA-PSS with SHA-256 (MGF1 SHA-256, salt 32, trailerField 1)
  EXPECT_EQ(
      to_hex(algorithm_identifier(S::rsa_pss_sha256)),
      "304606092a864886f70d01010a3039a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06"
      "096086480165030402010500a203020120a303020101");
  // Not in the RFC: the same structure with SHA-384 / salt 48 and SHA-512 / salt 64.
  EXPECT_EQ(
      to_hex(algorithm_identifier(S::rsa_pss_sha384)),
      "304606092a864886f70d01010a3039a00f300d06096086480165030402020500a11c301a06092a864886f70d010108300d06"
      "096086480165030402020500a203020130a303020101");
  EXPECT_EQ(
      to_hex(algorithm_identifier(S::rsa_pss_sha512)),
      "304606092a864886f70d01010a3039a00f300d06096086480165030402030500a11c301a06092a864886f70d010108300d06"
      "096086480165030402030500a203020140a303020101");
  // RFC 8420 §2: id-Ed25519
  EXPECT_EQ(to_hex(algorithm_identifier(S::ed25519)), "300506032b6570");
}

TEST(SignatureScheme, EveryIdentifierMapsBackToItsScheme) {
  for (S s : kAllSignatureSchemes) {
    SCOPED_TRACE(to_string(s));
    auto back = scheme_from_algorithm_identifier(algorithm_identifier(s));
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, s);
  }
}

TEST(SignatureScheme, RecognisesTheOtherEncodingsRfc4055Allows) {
  // sha256WithRSAEncryption with the parameters absent.
  EXPECT_EQ(scheme_from_algorithm_identifier(h("300b06092a864886f70d01010b")), S::rsa_pkcs1_sha256);
  EXPECT_EQ(scheme_from_algorithm_identifier(h("300b06092a864886f70d01010d")), S::rsa_pkcs1_sha512);
  // RSASSA-PSS SHA-256 in strict DER: trailerField left at its DEFAULT (what strongSwan sends).
  EXPECT_EQ(
      scheme_from_algorithm_identifier(h(
          "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d"
          "06096086480165030402010500a203020120")),
      S::rsa_pss_sha256);
  // ... and with the hash parameters absent as well.
  EXPECT_EQ(
      scheme_from_algorithm_identifier(h(
          "303d06092a864886f70d01010a3030a00d300b0609608648016503040203a11a301806092a864886f70d010108300b0609"
          "608648016503040203a203020140")),
      S::rsa_pss_sha512);
}

TEST(SignatureScheme, UnknownIdentifiersAreUnsupported) {
  const char* unknown[] = {
      "300d06092a864886f70d0101050500",  // A.1.1 sha1WithRSAEncryption
      "300b0609608648016503040302",      // A.2.2 dsa-with-sha256
      "300906072a8648ce3d0401",          // A.3.1 ecdsa-with-sha1
      "300d06092a864886f70d01010a3000",  // A.4.1 RSASSA-PSS with empty parameters (SHA-1)
      "300506032b6571",                  // id-Ed448
      // RSASSA-PSS SHA-256 with a 20-octet salt
      "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d0609"
      "608648"
      "0165030402010500a203020114",
      // RSASSA-PSS with SHA-256 but MGF1 over SHA-384
      "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d0609"
      "608648"
      "0165030402020500a203020120",
      "300a06082a8648ce3d0403",      // truncated ecdsa-with-sha256
      "300a06082a8648ce3d04030200",  // trailing octet
      "",
  };
  for (const char* blob : unknown) {
    SCOPED_TRACE(blob);
    auto s = scheme_from_algorithm_identifier(h(blob));
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, Errc::unsupported);
  }
}

TEST(SignatureScheme, HashesForSignatureHashAlgorithmsNotify) {
  EXPECT_EQ(scheme_hash(S::rsa_pkcs1_sha384), HashAlgorithm::SHA2_384);
  EXPECT_EQ(scheme_hash(S::rsa_pss_sha256), HashAlgorithm::SHA2_256);
  EXPECT_EQ(scheme_hash(S::ecdsa_sha512), HashAlgorithm::SHA2_512);
  EXPECT_EQ(scheme_hash(S::ed25519), HashAlgorithm::IDENTITY);  // RFC 8420 §2
}

TEST(SignatureScheme, ClassicEcdsaMethodsFixCurveAndHash) {
  // RFC 4754: method 9 = P-256/SHA-256, 10 = P-384/SHA-384, 11 = P-521/SHA-512.
  EXPECT_EQ(classic_auth_scheme(AuthMethod::ECDSA_SHA256_P256, KeyType::ecdsa_p256), S::ecdsa_sha256);
  EXPECT_EQ(classic_auth_scheme(AuthMethod::ECDSA_SHA384_P384, KeyType::ecdsa_p384), S::ecdsa_sha384);
  EXPECT_EQ(classic_auth_scheme(AuthMethod::ECDSA_SHA512_P521, KeyType::ecdsa_p521), S::ecdsa_sha512);
  EXPECT_EQ(classic_auth_scheme(AuthMethod::ECDSA_SHA256_P256, KeyType::ecdsa_p384).error().code,
            Errc::unsupported);
  // RFC 7296 §3.8 method 1: RSASSA-PKCS1-v1_5 with SHA-1, RSA keys only.
  EXPECT_EQ(classic_auth_scheme(AuthMethod::RSA_DIGITAL_SIGNATURE, KeyType::rsa), S::rsa_pkcs1_sha1);
  EXPECT_EQ(classic_auth_scheme(AuthMethod::RSA_DIGITAL_SIGNATURE, KeyType::ecdsa_p256).error().code,
            Errc::unsupported);
  EXPECT_EQ(classic_auth_scheme(AuthMethod::SHARED_KEY_MIC, KeyType::rsa).error().code, Errc::unsupported);
}

TEST(SignatureScheme, KeysAndDefaults) {
  EXPECT_TRUE(key_supports(KeyType::rsa, S::rsa_pss_sha512));
  EXPECT_FALSE(key_supports(KeyType::rsa, S::ecdsa_sha256));
  EXPECT_TRUE(key_supports(KeyType::ecdsa_p256, S::ecdsa_sha384));  // RFC 7427 decouples hash and curve
  EXPECT_FALSE(key_supports(KeyType::ecdsa_p256, S::ed25519));
  EXPECT_FALSE(key_supports(KeyType::ed25519, S::ecdsa_sha256));
  EXPECT_EQ(default_scheme(KeyType::rsa), S::rsa_pkcs1_sha256);
  EXPECT_EQ(default_scheme(KeyType::ecdsa_p384), S::ecdsa_sha384);
  EXPECT_EQ(default_scheme(KeyType::ed25519), S::ed25519);
  for (KeyType k :
       {KeyType::rsa, KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ecdsa_p521, KeyType::ed25519})
    EXPECT_TRUE(key_supports(k, default_scheme(k)));
}

}  // namespace
}  // namespace tern::crypto

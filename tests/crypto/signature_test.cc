// Signatures for IKEv2 AUTH: every scheme signs and verifies with the test
// keys in tests/data/keys/, and every way of getting a signature wrong — the
// other key, a flipped bit in data or signature, a truncated signature, the
// wrong ECDSA encoding — is Errc::bad_signature. Plus key loading.
#include "crypto/signature.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "crypto/signature_key.h"

namespace tern::crypto {
namespace {

using S = SignatureScheme;

Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

Bytes read_key_file(const std::string& name) {
  std::ifstream in(std::string(TERN_SOURCE_DIR) + "/tests/data/keys/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

PrivateKey private_key(const std::string& name) {
  auto key = PrivateKey::from_pem(read_key_file(name));
  if (!key) {
    ADD_FAILURE() << name << ": " << key.error().to_string();
    std::abort();
  }
  return std::move(*key);
}

// The signed octets of a real exchange are a whole message plus a nonce and
// a MAC; any bytes will do here.
const Bytes kSignedOctets = [] {
  Bytes b(300);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 7 + 3);
  return b;
}();

struct Case {
  const char* key;
  const char* other_key;  // same type, different key
  S scheme;
};

const Case kCases[] = {
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pkcs1_sha1},  // classic AUTH method 1 (RFC 7296 §3.8)
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pkcs1_sha256},
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pkcs1_sha384},
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pkcs1_sha512},
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pss_sha256},
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pss_sha384},
    {"rsa2048.pem", "rsa2048_other.pem", S::rsa_pss_sha512},
    {"ec_p256.pem", "ec_p256_traditional.pem", S::ecdsa_sha256},
    {"ec_p384.pem", "ec_p521.pem", S::ecdsa_sha384},
    {"ec_p521.pem", "ec_p384.pem", S::ecdsa_sha512},
    {"ec_p256.pem", "ec_p256_traditional.pem", S::ecdsa_sha512},  // RFC 7427: any hash on any curve
    {"ed25519.pem", nullptr, S::ed25519},
};

void expect_bad_signature(const Result<void>& r, const std::string& what) {
  ASSERT_FALSE(r.has_value()) << what << " verified";
  EXPECT_EQ(r.error().code, Errc::bad_signature) << what << ": " << r.error().to_string();
}

TEST(Signature, EverySchemeSignsAndVerifiesAndRejectsTampering) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.key) + " " + std::string(to_string(c.scheme)));
    const PrivateKey key = private_key(c.key);
    const PublicKey pub = key.public_key();
    auto sig = sign(key, c.scheme, kSignedOctets);
    ASSERT_TRUE(sig.has_value()) << sig.error().to_string();
    auto ok = verify(pub, c.scheme, kSignedOctets, *sig);
    EXPECT_TRUE(ok.has_value()) << ok.error().to_string();

    const PublicKey other = c.other_key != nullptr ? private_key(c.other_key).public_key()
                                                   : PrivateKey::generate(KeyType::ed25519)->public_key();
    expect_bad_signature(verify(other, c.scheme, kSignedOctets, *sig), "other key");

    Bytes data = kSignedOctets;
    data[123] ^= 0x10;
    expect_bad_signature(verify(pub, c.scheme, data, *sig), "altered data");
    for (size_t at : {size_t{0}, sig->size() / 2, sig->size() - 1}) {
      Bytes bad = *sig;
      bad[at] ^= 0x01;
      expect_bad_signature(verify(pub, c.scheme, kSignedOctets, bad), "bit flipped at " + std::to_string(at));
    }
    expect_bad_signature(verify(pub, c.scheme, kSignedOctets, ByteView(*sig).first(sig->size() - 1)),
                         "truncated");
    Bytes longer = *sig;
    longer.push_back(0);
    expect_bad_signature(verify(pub, c.scheme, kSignedOctets, longer), "extended");
    expect_bad_signature(verify(pub, c.scheme, kSignedOctets, {}), "empty");
  }
}

TEST(Signature, Pkcs1IsDeterministicPssIsSalted) {
  const PrivateKey key = private_key("rsa2048.pem");
  EXPECT_EQ(*sign(key, S::rsa_pkcs1_sha256, kSignedOctets), *sign(key, S::rsa_pkcs1_sha256, kSignedOctets));
  auto a = sign(key, S::rsa_pss_sha256, kSignedOctets);
  auto b = sign(key, S::rsa_pss_sha256, kSignedOctets);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->size(), 256u);
  EXPECT_TRUE(verify(key.public_key(), S::rsa_pss_sha256, kSignedOctets, *b).has_value());
  // A PSS signature is not a PKCS#1 v1.5 signature, nor PSS with another hash.
  expect_bad_signature(verify(key.public_key(), S::rsa_pkcs1_sha256, kSignedOctets, *a), "PSS as PKCS#1");
  expect_bad_signature(verify(key.public_key(), S::rsa_pss_sha384, kSignedOctets, *a),
                       "PSS SHA-256 as SHA-384");
}

TEST(Signature, EcdsaRawAndDerEncodings) {
  struct Raw {
    const char* key;
    S scheme;
    size_t raw_size;  // RFC 4754: r || s, each the size of the group order
  };
  for (const Raw& c : {Raw{"ec_p256.pem", S::ecdsa_sha256, 64}, Raw{"ec_p384.pem", S::ecdsa_sha384, 96},
                       Raw{"ec_p521.pem", S::ecdsa_sha512, 132}}) {
    SCOPED_TRACE(c.key);
    const PrivateKey key = private_key(c.key);
    const PublicKey pub = key.public_key();
    auto raw = sign(key, c.scheme, kSignedOctets, EcdsaEncoding::raw);
    ASSERT_TRUE(raw.has_value());
    EXPECT_EQ(raw->size(), c.raw_size);
    EXPECT_TRUE(verify(pub, c.scheme, kSignedOctets, *raw, EcdsaEncoding::raw).has_value());
    auto der = sign(key, c.scheme, kSignedOctets, EcdsaEncoding::der);
    ASSERT_TRUE(der.has_value());
    EXPECT_EQ((*der)[0], 0x30);  // SEQUENCE { r, s }
    EXPECT_TRUE(verify(pub, c.scheme, kSignedOctets, *der, EcdsaEncoding::der).has_value());
    // Each encoding is refused where the other is expected.
    expect_bad_signature(verify(pub, c.scheme, kSignedOctets, *raw, EcdsaEncoding::der), "raw as DER");
    expect_bad_signature(verify(pub, c.scheme, kSignedOctets, *der, EcdsaEncoding::raw), "DER as raw");
    // r = 0, s = 0 is never a signature.
    expect_bad_signature(verify(pub, c.scheme, kSignedOctets, Bytes(c.raw_size, 0), EcdsaEncoding::raw),
                         "zeros");
  }
  // BER instead of DER: a DER signature with a redundant leading zero in r.
  const PrivateKey key = private_key("ec_p256.pem");
  auto der = *sign(key, S::ecdsa_sha256, kSignedOctets);
  ASSERT_EQ(der[2], 0x02);
  Bytes ber{0x30, static_cast<uint8_t>(der[1] + 1), 0x02, static_cast<uint8_t>(der[3] + 1), 0x00};
  ber.insert(ber.end(), der.begin() + 4, der.end());
  expect_bad_signature(verify(key.public_key(), S::ecdsa_sha256, kSignedOctets, ber), "BER r");
}

TEST(Signature, Ed25519Rfc8032TestVector1) {
  // RFC 8032 §7.1 TEST 1: the empty message. PKCS#8 wrapping of the 32-octet seed (RFC 8410).
  auto key =
      PrivateKey::from_der(h("302e020100300506032b657004220420"
                             "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.has_value()) << key.error().to_string();
  EXPECT_EQ(to_hex(key->public_key().to_der()),
            "302a300506032b6570032100"
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const char* expected =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5"
      "f0595bbe24"
      "655141438e7a100b";
  auto sig = sign(*key, S::ed25519, {});
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(to_hex(*sig), expected);
  EXPECT_TRUE(verify(key->public_key(), S::ed25519, {}, h(expected)).has_value());
}

TEST(Signature, KeyOfTheWrongTypeIsBadKey) {
  const PrivateKey rsa = private_key("rsa2048.pem");
  const PrivateKey ec = private_key("ec_p256.pem");
  EXPECT_EQ(sign(rsa, S::ecdsa_sha256, kSignedOctets).error().code, Errc::bad_key);
  EXPECT_EQ(sign(ec, S::rsa_pss_sha256, kSignedOctets).error().code, Errc::bad_key);
  EXPECT_EQ(sign(ec, S::ed25519, kSignedOctets).error().code, Errc::bad_key);
  auto ec_sig = *sign(ec, S::ecdsa_sha256, kSignedOctets);
  EXPECT_EQ(verify(rsa.public_key(), S::ecdsa_sha256, kSignedOctets, ec_sig).error().code, Errc::bad_key);
  EXPECT_EQ(verify(ec.public_key(), S::rsa_pkcs1_sha256, kSignedOctets, ec_sig).error().code, Errc::bad_key);
}

TEST(SignatureKey, LoadsEverySupportedKeyForm) {
  struct Form {
    const char* file;
    KeyType type;
    size_t bits;
  };
  for (const Form& f :
       {Form{"rsa2048.pem", KeyType::rsa, 2048}, Form{"rsa2048_e3.pem", KeyType::rsa, 2048},
        Form{"ec_p256.pem", KeyType::ecdsa_p256, 256}, Form{"ec_p384.pem", KeyType::ecdsa_p384, 384},
        Form{"ec_p521.pem", KeyType::ecdsa_p521, 521},
        Form{"ec_p256_traditional.pem", KeyType::ecdsa_p256, 256},  // EC PARAMETERS + EC PRIVATE KEY
        Form{"ed25519.pem", KeyType::ed25519, 256}}) {
    SCOPED_TRACE(f.file);
    const PrivateKey key = private_key(f.file);
    EXPECT_EQ(key.type(), f.type);
    EXPECT_EQ(key.bits(), f.bits);
    const PublicKey pub = key.public_key();
    EXPECT_EQ(pub.type(), f.type);
    auto again = PublicKey::from_der(pub.to_der());
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(*again == pub);
  }
  auto pub = PublicKey::from_pem(read_key_file("rsa2048.pub.pem"));
  ASSERT_TRUE(pub.has_value()) << pub.error().to_string();
  EXPECT_TRUE(*pub == private_key("rsa2048.pem").public_key());
  EXPECT_FALSE(*pub == private_key("rsa2048_other.pem").public_key());
}

TEST(SignatureKey, RefusesWhatItCannotUse) {
  auto load = [](const char* file) {
    auto k = PrivateKey::from_pem(read_key_file(file));
    EXPECT_FALSE(k.has_value()) << file;
    return k ? Errc::io_error : k.error().code;
  };
  EXPECT_EQ(load("ec_p256_encrypted.pem"), Errc::bad_key);  // and no passphrase prompt
  EXPECT_EQ(load("rsa1024.pem"), Errc::bad_key);            // under 2048 bits
  EXPECT_EQ(load("ec_secp256k1.pem"), Errc::unsupported);
  EXPECT_EQ(load("ed448.pem"), Errc::unsupported);
  EXPECT_EQ(load("rsa2048.pub.pem"), Errc::bad_key);  // a public key is not a private key
  EXPECT_EQ(PrivateKey::from_pem(as_bytes("not a key")).error().code, Errc::bad_key);
  EXPECT_EQ(PublicKey::from_pem(read_key_file("ec_p256.pem")).error().code, Errc::bad_key);

  Bytes spki = private_key("ec_p256.pem").public_key().to_der();
  EXPECT_EQ(PublicKey::from_der(ByteView(spki).first(spki.size() - 1)).error().code, Errc::bad_key);
  spki.push_back(0);
  EXPECT_EQ(PublicKey::from_der(spki).error().code, Errc::bad_key);  // trailing octet
}

TEST(SignatureKey, GeneratesKeysOfEveryEllipticType) {
  for (KeyType t : {KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ecdsa_p521, KeyType::ed25519}) {
    SCOPED_TRACE(to_string(t));
    auto key = PrivateKey::generate(t);
    ASSERT_TRUE(key.has_value()) << key.error().to_string();
    EXPECT_EQ(key->type(), t);
    auto sig = sign(*key, default_scheme(t), kSignedOctets);
    ASSERT_TRUE(sig.has_value());
    EXPECT_TRUE(verify(key->public_key(), default_scheme(t), kSignedOctets, *sig).has_value());
  }
}

}  // namespace
}  // namespace tern::crypto

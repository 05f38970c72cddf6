// RSASSA-PKCS1-v1_5 verification re-encodes; it never parses. Checked with
// hand-built encodings signed by a raw RSA operation
// (tests/data/keys/rsa2048_pkcs1_tampered.txt) and with a Bleichenbacher-2006
// forgery against an e = 3 key, computed here: a cube root whose cube starts
// with a valid-looking 00 01 ff..ff 00 DigestInfo and ends in garbage.
#include "crypto/signature_pkcs1.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "crypto/signature.h"

namespace tern::crypto {
namespace {

using S = SignatureScheme;
using wire::HashAlgorithm;

Bytes h(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

std::string read_data_file(const std::string& name) {
  std::ifstream in(std::string(TERN_SOURCE_DIR) + "/tests/data/keys/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

PublicKey public_key(const std::string& name) {
  auto key = PublicKey::from_pem(as_bytes(read_data_file(name)));
  if (!key) {
    ADD_FAILURE() << name << ": " << key.error().to_string();
    std::abort();
  }
  return std::move(*key);
}

// FIPS 180-2 Appendix B.1: SHA-256("abc").
const Bytes kAbc = {'a', 'b', 'c'};
const char* const kSha256OfAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Pkcs1, EncodingIsTheWholeRfc8017Block) {
  const Bytes digest = h(kSha256OfAbc);
  auto em = emsa_pkcs1_v1_5_encode(HashAlgorithm::SHA2_256, digest, 256);
  ASSERT_TRUE(em.has_value());
  // 00 01 | 202 x ff | 00 | DigestInfo prefix (19) | SHA-256 (32)
  Bytes expected{0x00, 0x01};
  expected.insert(expected.end(), 202, 0xff);
  expected.push_back(0x00);
  append(expected, h("3031300d060960864801650304020105000420"));
  append(expected, digest);
  EXPECT_EQ(to_hex(*em), to_hex(expected));

  auto em512 = emsa_pkcs1_v1_5_encode(HashAlgorithm::SHA2_512, Bytes(64, 0xab), 256);
  ASSERT_TRUE(em512.has_value());
  EXPECT_EQ(to_hex(ByteView(*em512).subspan(256 - 64 - 19, 19)), "3051300d060960864801650304020305000440");
  // k must leave room for 8 octets of PS: tLen + 11.
  EXPECT_TRUE(emsa_pkcs1_v1_5_encode(HashAlgorithm::SHA2_256, digest, 51 + 11).has_value());
  EXPECT_EQ(emsa_pkcs1_v1_5_encode(HashAlgorithm::SHA2_256, digest, 51 + 10).error().code, Errc::bad_key);
  // SHA-1 for AUTH method 1 only (RFC 7296 §3.8): DigestInfo prefix of RFC 8017 §9.2 Note 1.
  auto em1 = emsa_pkcs1_v1_5_encode(HashAlgorithm::SHA1, Bytes(20, 0xab), 256);
  ASSERT_TRUE(em1.has_value());
  EXPECT_EQ(to_hex(ByteView(*em1).subspan(256 - 20 - 15, 15)), "3021300906052b0e03021a05000414");
  EXPECT_EQ(emsa_pkcs1_v1_5_encode(HashAlgorithm::IDENTITY, Bytes(20), 256).error().code, Errc::unsupported);
}

TEST(Pkcs1, HandBuiltEncodingsOtherThanTheExactOneAreRejected) {
  std::map<std::string, Bytes> vectors;
  std::istringstream lines(read_data_file("rsa2048_pkcs1_tampered.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    vectors[line.substr(0, space)] = h(line.substr(space + 1));
  }
  ASSERT_EQ(vectors.size(), 8u);  // the message and seven signatures
  const Bytes message = vectors.at("message");
  const PublicKey key = public_key("rsa2048.pub.pem");

  // The control shows the raw-RSA construction itself is right: it verifies,
  // and it is exactly what sign() makes (PKCS#1 v1.5 is deterministic).
  auto ok = verify(key, S::rsa_pkcs1_sha256, message, vectors.at("control_valid"));
  EXPECT_TRUE(ok.has_value()) << ok.error().to_string();
  auto priv = PrivateKey::from_pem(as_bytes(read_data_file("rsa2048.pem")));
  ASSERT_TRUE(priv.has_value());
  EXPECT_EQ(to_hex(*sign(*priv, S::rsa_pkcs1_sha256, message)), to_hex(vectors.at("control_valid")));

  for (const char* name : {"garbage_after_digest_info", "digest_info_without_null", "block_type_2",
                           "non_ff_padding", "leading_zero_shift", "short_padding_long_digest_info"}) {
    SCOPED_TRACE(name);
    auto r = verify(key, S::rsa_pkcs1_sha256, message, vectors.at(name));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::bad_signature);
  }
}

// --- a little unsigned arithmetic, little-endian base 256, enough to take a cube root ---

using Big = std::vector<uint32_t>;  // one octet per element, least significant first

Big from_be(ByteView be) {
  Big n(be.rbegin(), be.rend());
  return n;
}
Bytes to_be(const Big& n, size_t size) {
  Bytes be(size, 0);
  for (size_t i = 0; i < n.size() && i < size; ++i) be[size - 1 - i] = static_cast<uint8_t>(n[i]);
  return be;
}
Big mul(const Big& a, const Big& b) {
  Big r(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint32_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      const uint32_t t = r[i + j] + a[i] * b[j] + carry;
      r[i + j] = t & 0xff;
      carry = t >> 8;
    }
    for (size_t k = i + b.size(); carry != 0; ++k) {
      const uint32_t t = r[k] + carry;
      r[k] = t & 0xff;
      carry = t >> 8;
    }
  }
  return r;
}
int compare(const Big& a, const Big& b) {
  for (size_t i = std::max(a.size(), b.size()); i-- > 0;) {
    const uint32_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}
// floor(cbrt(n)), one bit at a time from the top.
Big cube_root(const Big& n, size_t bits) {
  Big r((bits + 7) / 8, 0);
  for (size_t bit = bits; bit-- > 0;) {
    r[bit / 8] |= 1u << (bit % 8);
    if (compare(mul(mul(r, r), r), n) > 0) r[bit / 8] &= ~(1u << (bit % 8));
  }
  return r;
}

TEST(Pkcs1, Bleichenbacher2006ForgeryAgainstExponent3IsRejected) {
  const PublicKey key = public_key("rsa2048_e3.pub.pem");  // e = 3, 2048 bits
  ASSERT_EQ(key.bits(), 2048u);
  const size_t k = 256;
  const Bytes& message = kAbc;
  // What a careless parser looks for: 00 01, a few ff, 00, DigestInfo(SHA-256(m)) — and then stops reading.
  Bytes prefix =
      h("0001ffffffffffffffff00"
        "3031300d060960864801650304020105000420");
  append(prefix, h(kSha256OfAbc));
  // The largest 2048-bit number with that prefix; its integer cube root, cubed,
  // keeps the prefix because the 194 octets of "garbage" absorb the rounding.
  Bytes target = prefix;
  target.resize(k, 0xff);
  const Big s = cube_root(from_be(target), 683);
  const Bytes forged = to_be(s, k);
  const Bytes cubed = to_be(mul(mul(s, s), s), k);
  ASSERT_EQ(to_hex(ByteView(cubed).first(prefix.size())), to_hex(prefix)) << "the forgery is not a forgery";
  ASSERT_NE(to_hex(cubed), to_hex(*emsa_pkcs1_v1_5_encode(HashAlgorithm::SHA2_256, h(kSha256OfAbc), k)));

  auto r = verify(key, S::rsa_pkcs1_sha256, message, forged);
  ASSERT_FALSE(r.has_value()) << "accepted a Bleichenbacher-2006 forgery";
  EXPECT_EQ(r.error().code, Errc::bad_signature);

  // The key itself is fine: a real signature by it verifies.
  auto priv = PrivateKey::from_pem(as_bytes(read_data_file("rsa2048_e3.pem")));
  ASSERT_TRUE(priv.has_value());
  auto real = sign(*priv, S::rsa_pkcs1_sha256, message);
  ASSERT_TRUE(real.has_value());
  EXPECT_TRUE(verify(key, S::rsa_pkcs1_sha256, message, *real).has_value());
}

TEST(Pkcs1, SignatureOfTheWrongLengthOrOutOfRangeIsRejected) {
  const PublicKey key = public_key("rsa2048.pub.pem");
  const Bytes& message = kAbc;
  EXPECT_EQ(verify(key, S::rsa_pkcs1_sha256, message, Bytes(255, 1)).error().code, Errc::bad_signature);
  EXPECT_EQ(verify(key, S::rsa_pkcs1_sha256, message, Bytes(257, 1)).error().code, Errc::bad_signature);
  // s >= n (all ones is above any 2048-bit modulus): RFC 8017 §5.2.2 "signature representative out of range".
  EXPECT_EQ(verify(key, S::rsa_pkcs1_sha256, message, Bytes(256, 0xff)).error().code, Errc::bad_signature);
}

}  // namespace
}  // namespace tern::crypto

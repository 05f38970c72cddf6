// Certificates and signatures for IKE_AUTH (see signature_auth.h).
#include "ike/signature_auth.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/byte_writer.h"
#include "crypto/cert_identity.h"
#include "crypto/signature.h"
#include "crypto/signature_scheme.h"
#include "crypto/trust_store.h"
#include "wire/cert_payload.h"
#include "wire/certreq_payload.h"

namespace tern::ike {
namespace {

using crypto::KeyType;
using crypto::SignatureScheme;
using wire::AuthMethod;
using wire::HashAlgorithm;
using wire::PayloadType;

constexpr HashAlgorithm kOurHashes[] = {HashAlgorithm::SHA2_256, HashAlgorithm::SHA2_384,
                                        HashAlgorithm::SHA2_512, HashAlgorithm::IDENTITY};

bool listed(const std::vector<HashAlgorithm>& hashes, HashAlgorithm h) {
  return std::find(hashes.begin(), hashes.end(), h) != hashes.end();
}

Unexpected<Error> auth_failed(std::string detail) {
  return fail(Errc::bad_signature, static_cast<uint16_t>(wire::NotifyType::AUTHENTICATION_FAILED),
              std::move(detail));
}

// RFC 7427 scheme for our key, given the hashes the peer verifies; nullopt: none fits.
std::optional<SignatureScheme> rfc7427_scheme(KeyType key, const std::vector<HashAlgorithm>& peer) {
  using S = SignatureScheme;
  auto first_listed = [&](std::initializer_list<std::pair<HashAlgorithm, S>> order) -> std::optional<S> {
    for (auto [h, s] : order)
      if (listed(peer, h)) return s;
    return std::nullopt;
  };
  switch (key) {
    case KeyType::rsa:
      return first_listed({{HashAlgorithm::SHA2_256, S::rsa_pss_sha256},
                           {HashAlgorithm::SHA2_384, S::rsa_pss_sha384},
                           {HashAlgorithm::SHA2_512, S::rsa_pss_sha512}});
    case KeyType::ecdsa_p256:
      return first_listed({{HashAlgorithm::SHA2_256, S::ecdsa_sha256},
                           {HashAlgorithm::SHA2_384, S::ecdsa_sha384},
                           {HashAlgorithm::SHA2_512, S::ecdsa_sha512}});
    case KeyType::ecdsa_p384:
      return first_listed({{HashAlgorithm::SHA2_384, S::ecdsa_sha384},
                           {HashAlgorithm::SHA2_512, S::ecdsa_sha512},
                           {HashAlgorithm::SHA2_256, S::ecdsa_sha256}});
    case KeyType::ecdsa_p521:
      return first_listed({{HashAlgorithm::SHA2_512, S::ecdsa_sha512},
                           {HashAlgorithm::SHA2_384, S::ecdsa_sha384},
                           {HashAlgorithm::SHA2_256, S::ecdsa_sha256}});
    case KeyType::ed25519:
      if (listed(peer, HashAlgorithm::IDENTITY)) return S::ed25519;
      return std::nullopt;
  }
  return std::nullopt;
}

// The classic method (RFC 7296 §3.8, RFC 4754) for our key; nullopt for Ed25519.
std::optional<AuthMethod> classic_method(KeyType key) {
  switch (key) {
    case KeyType::rsa: return AuthMethod::RSA_DIGITAL_SIGNATURE;
    case KeyType::ecdsa_p256: return AuthMethod::ECDSA_SHA256_P256;
    case KeyType::ecdsa_p384: return AuthMethod::ECDSA_SHA384_P384;
    case KeyType::ecdsa_p521: return AuthMethod::ECDSA_SHA512_P521;
    case KeyType::ed25519: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool uses_signatures(const ConnectionConfig& config) {
  return config.local_auth == AuthKind::pubkey || config.remote_auth == AuthKind::pubkey;
}

Bytes our_signature_hashes() {
  Bytes out;
  ByteWriter w(out);
  for (HashAlgorithm h : kOurHashes) w.u16(static_cast<uint16_t>(h));
  return out;
}

std::vector<HashAlgorithm> parse_signature_hashes(ByteView data) {
  std::vector<HashAlgorithm> out;
  for (size_t i = 0; i + 1 < data.size(); i += 2)
    out.push_back(static_cast<HashAlgorithm>(static_cast<uint16_t>(data[i] << 8 | data[i + 1])));
  return out;
}

wire::CertReqPayload certreq_for(const crypto::TrustStore& trust) {
  wire::CertReqPayload req;
  req.encoding = wire::CertEncoding::X509_SIGNATURE;
  for (const crypto::Sha1Digest& h : trust.anchor_hashes()) append(req.data, h);
  return req;
}

std::vector<Bytes> collect_ca_hashes(const IkeMessage& msg) {
  std::vector<Bytes> out;
  for (const wire::Payload& p : msg.payloads) {
    const auto* req = std::get_if<wire::CertReqPayload>(&p.body);
    if (req == nullptr || p.type != PayloadType::CERTREQ) continue;
    auto authorities = req->authorities();
    if (!authorities) continue;
    for (ByteView a : *authorities) out.emplace_back(a.begin(), a.end());
  }
  return out;
}

void add_our_certificates(const LocalCredential& credential, IkeMessage& msg) {
  for (size_t i = 0; i < credential.chain.size(); ++i) {
    const crypto::Certificate& c = credential.chain[i];
    if (i > 0 && c.is_self_issued()) continue;  // the peer must have the root already
    msg.add(PayloadType::CERT, wire::CertPayload{wire::CertEncoding::X509_SIGNATURE, c.der()});
  }
}

bool can_sign(const crypto::PrivateKey& key, const std::optional<std::vector<HashAlgorithm>>& peer_hashes) {
  if (peer_hashes && rfc7427_scheme(key.type(), *peer_hashes)) return true;
  return classic_method(key.type()).has_value();
}

Result<wire::AuthPayload> sign_auth(const LocalCredential& credential,
                                    const std::optional<std::vector<HashAlgorithm>>& peer_hashes,
                                    ByteView signed_octets) {
  const KeyType key = credential.key.type();
  if (peer_hashes) {
    if (auto scheme = rfc7427_scheme(key, *peer_hashes)) {
      auto signature = crypto::sign(credential.key, *scheme, signed_octets, crypto::EcdsaEncoding::der);
      if (!signature) return fail(signature.error());
      wire::SignatureAuthData data;
      const ByteView id = crypto::algorithm_identifier(*scheme);
      data.algorithm_identifier.assign(id.begin(), id.end());
      data.signature = std::move(*signature);
      return wire::AuthPayload{AuthMethod::DIGITAL_SIGNATURE, wire::build_signature_auth_data(data)};
    }
  }
  const std::optional<AuthMethod> method = classic_method(key);
  if (!method) {
    return auth_failed(peer_hashes
                           ? "our Ed25519 key needs the peer to accept the Identity hash (RFC 8420), and its "
                             "SIGNATURE_HASH_ALGORITHMS does not list it"
                           : "our Ed25519 key needs RFC 7427 signatures, but the peer sent no "
                             "SIGNATURE_HASH_ALGORITHMS");
  }
  auto scheme = crypto::classic_auth_scheme(*method, key);
  if (!scheme) return fail(scheme.error());
  auto signature = crypto::sign(credential.key, *scheme, signed_octets, crypto::EcdsaEncoding::raw);
  if (!signature) return fail(signature.error());
  return wire::AuthPayload{*method, std::move(*signature)};
}

Result<crypto::Certificate> verify_peer_certificate(const IkeMessage& msg, const crypto::TrustStore& trust,
                                                    crypto::CertCache& cache,
                                                    std::optional<crypto::WallTime> now,
                                                    const wire::IdPayload& peer_id, std::string_view label) {
  std::vector<const wire::CertPayload*> certs;
  for (const wire::Payload& p : msg.payloads) {
    if (p.type != PayloadType::CERT) continue;
    if (const auto* c = std::get_if<wire::CertPayload>(&p.body)) certs.push_back(c);
  }
  if (certs.empty()) return auth_failed("it sent no certificate (CERT payload)");
  if (certs.size() > crypto::kMaxIntermediates + 1)
    return auth_failed(fmt::format("it sent {} certificates; at most {} are accepted", certs.size(),
                                   crypto::kMaxIntermediates + 1));
  if (certs.front()->encoding != wire::CertEncoding::X509_SIGNATURE)
    return auth_failed(
        fmt::format("its first CERT payload has encoding {}; only X.509 Certificate - "
                    "Signature (4) is supported",
                    wire::to_string(certs.front()->encoding)));
  auto end_entity = cache.parse(certs.front()->data);
  if (!end_entity)
    return auth_failed(fmt::format("its certificate is unusable: {}", end_entity.error().detail));
  std::vector<crypto::Certificate> intermediates;
  for (size_t i = 1; i < certs.size(); ++i) {
    if (certs[i]->encoding != wire::CertEncoding::X509_SIGNATURE) continue;  // not ours to read
    auto c = cache.parse(certs[i]->data);
    if (!c) return auth_failed(fmt::format("its CERT payload {} is unusable: {}", i + 1, c.error().detail));
    intermediates.push_back(std::move(*c));
  }
  if (!now) return auth_failed("no wall-clock time to check certificates with (engine not told the time)");
  auto chain = trust.verify(*end_entity, intermediates, *now);
  if (!chain) return auth_failed(chain.error().detail);
  auto bound = crypto::check_identity(*end_entity, peer_id.type, peer_id.data, label);
  if (!bound) return auth_failed(bound.error().detail);
  return *end_entity;
}

std::string describe_auth(const wire::AuthPayload& auth) {
  std::string out = wire::to_string(auth.method);
  if (auth.method != AuthMethod::DIGITAL_SIGNATURE) return out;
  auto data = wire::parse_signature_auth_data(auth.data);
  if (!data) return out;
  auto scheme = crypto::scheme_from_algorithm_identifier(data->algorithm_identifier);
  return scheme ? fmt::format("{} ({})", out, crypto::to_string(*scheme)) : out;
}

Result<void> verify_peer_signature(const crypto::Certificate& cert, const wire::AuthPayload& auth,
                                   ByteView signed_octets) {
  auto key = cert.public_key();
  if (!key)
    return auth_failed(fmt::format("the key of {} is unusable: {}", cert.subject(), key.error().detail));
  SignatureScheme scheme{};
  ByteView signature;
  crypto::EcdsaEncoding encoding = crypto::EcdsaEncoding::raw;
  wire::SignatureAuthData data;
  if (auth.method == AuthMethod::DIGITAL_SIGNATURE) {
    auto parsed = wire::parse_signature_auth_data(auth.data);
    if (!parsed) return auth_failed(fmt::format("malformed RFC 7427 AUTH data: {}", parsed.error().detail));
    data = std::move(*parsed);
    auto s = crypto::scheme_from_algorithm_identifier(data.algorithm_identifier);
    if (!s) return auth_failed(s.error().detail);
    if (!listed(std::vector<HashAlgorithm>(std::begin(kOurHashes), std::end(kOurHashes)),
                crypto::scheme_hash(*s)))
      return auth_failed(
          fmt::format("it signed with {}, whose hash we do not accept", crypto::to_string(*s)));
    scheme = *s;
    signature = data.signature;
    encoding = crypto::EcdsaEncoding::der;
  } else if (auth.method == AuthMethod::SHARED_KEY_MIC) {
    return auth_failed(
        "it authenticated with a pre-shared key, but we expect a certificate (remote auth = pubkey)");
  } else {
    auto s = crypto::classic_auth_scheme(auth.method, key->type());
    if (!s) return auth_failed(s.error().detail);
    scheme = *s;
    signature = auth.data;
  }
  if (!crypto::key_supports(key->type(), scheme))
    return auth_failed(fmt::format("it signed with {}, which its {} key cannot make",
                                   crypto::to_string(scheme), crypto::to_string(key->type())));
  auto ok = crypto::verify(*key, scheme, signed_octets, signature, encoding);
  if (!ok)
    return auth_failed(fmt::format("its AUTH ({} with the key of {}) does not verify",
                                   crypto::to_string(scheme), cert.subject()));
  return {};
}

}  // namespace tern::ike

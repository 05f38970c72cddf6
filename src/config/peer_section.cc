// [connection.local] / [connection.remote] -> auth method, identity and
// credentials (see peer_section.h).
#include "config/peer_section.h"

#include <fmt/format.h>

#include <filesystem>
#include <span>

#include "config/identity_syntax.h"
#include "crypto/cert_identity.h"
#include "crypto/hash.h"
#include "crypto/pem_file.h"
#include "crypto/private_key_file.h"
#include "crypto/trust_store.h"
#include "crypto/x509_certificate.h"

namespace tern::config {
namespace {

constexpr std::string_view kLocalKeys[] = {"auth", "id", "cert", "certs", "key"};
constexpr std::string_view kRemoteKeys[] = {"auth", "id", "cacerts", "crls"};
constexpr Reserved kLocalReserved[] = {
    {"cacerts", "belongs to [connection.remote]: the CAs that vouch for the peer"},
    {"crls", "belongs to [connection.remote], beside cacerts"},
    {"pubkeys", "is not supported (raw public keys); use cert and key"},
    {"eap_id", "belongs to EAP authentication, which is not supported yet (supported: psk, pubkey)"},
};
constexpr Reserved kRemoteReserved[] = {
    {"cert", "belongs to [connection.local]: our own certificate (the peer's comes in IKE_AUTH)"},
    {"certs", "belongs to [connection.local]: our own intermediates"},
    {"key", "belongs to [connection.local]: our own private key"},
    {"pubkeys", "is not supported (raw public keys); use cacerts"},
    {"eap_id", "belongs to EAP authentication, which is not supported yet (supported: psk, pubkey)"},
};

bool known_later(std::string_view method) {
  return method.starts_with("eap") || method.starts_with("xauth") || method == "rsa" || method == "ecdsa" ||
         method == "bliss";
}

std::string resolve(const TableReader& r, const std::string& file) {
  std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  std::filesystem::path base =
      std::filesystem::path(const_cast<TableReader&>(r).problems().file()).parent_path();
  return (base / p).lexically_normal().string();
}

int64_t unix_seconds(crypto::WallTime t) {
  return t.time_since_epoch().count();
}

// Reads the file (for the digest) and returns its certificates, or records the problem.
std::optional<std::vector<crypto::Certificate>> read_certs(TableReader& r, Where at, const std::string& key,
                                                           const std::string& path,
                                                           crypto::Sha256Digest& digest) {
  auto pem = crypto::read_pem_file(path);
  if (!pem) {
    r.problems().error(at, key, pem.error().detail);
    return std::nullopt;
  }
  digest = crypto::sha256({digest, *pem});
  auto certs = crypto::Certificate::from_pem_chain(*pem);
  if (!certs) {
    r.problems().error(at, key, fmt::format("{}: no usable PEM certificate: {}", path, certs.error().detail));
    return std::nullopt;
  }
  return std::move(*certs);
}

void read_local_credential(TableReader& r, PeerSettings& out, crypto::Sha256Digest& digest) {
  auto cert_file = r.string("cert");
  if (!cert_file) {
    if (!r.has("cert"))
      r.missing("cert", "auth = \"pubkey\" needs our certificate, e.g. cert = \"a.pem\" (PEM)");
  }
  auto key_file = r.string("key");
  if (!key_file) {
    if (!r.has("key"))
      r.missing("key", "auth = \"pubkey\" needs our private key, e.g. key = \"a.key\" (PEM, chmod 600)");
  }
  std::vector<crypto::Certificate> chain;  // end entity first, then intermediates
  std::vector<LoadedCertificate> listed;
  auto list = [&listed](LoadedCertificate::Role role, const crypto::Certificate& c, const std::string& file) {
    listed.push_back({role, c.subject(), c.issuer(), unix_seconds(c.not_after()), file});
  };
  bool ok = cert_file && key_file;
  std::string cert_path;
  if (cert_file) {
    cert_path = resolve(r, *cert_file);
    if (auto certs = read_certs(r, r.at("cert"), r.key("cert"), cert_path, digest)) {
      chain = std::move(*certs);
      for (size_t i = 0; i < chain.size(); ++i)
        list(i == 0 ? LoadedCertificate::Role::local : LoadedCertificate::Role::intermediate, chain[i],
             cert_path);
      if (chain.front().is_ca()) {
        r.error("cert", fmt::format("{}: the first certificate, {}, is a CA; cert must start with our own "
                                    "(end-entity) certificate",
                                    cert_path, chain.front().subject()));
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (auto extra = r.strings("certs")) {
    for (const StringItem& item : *extra) {
      const std::string path = resolve(r, item.value);
      auto certs = read_certs(r, item.at, item.key, path, digest);
      if (!certs) {
        ok = false;
        continue;
      }
      for (crypto::Certificate& c : *certs) {
        if (!c.is_ca()) {
          r.problems().error(item.at, item.key,
                             fmt::format("{}: {} is not a CA certificate; certs lists intermediate CAs only",
                                         path, c.subject()));
          ok = false;
        }
        list(LoadedCertificate::Role::intermediate, c, path);
        chain.push_back(std::move(c));
      }
    }
  }
  std::optional<crypto::PrivateKey> key;
  if (key_file) {
    const std::string path = resolve(r, *key_file);
    auto loaded = crypto::load_private_key_file(path);
    if (!loaded) {
      r.error("key", loaded.error().detail);
      ok = false;
    } else {
      key = std::move(*loaded);
      if (auto pem = crypto::read_pem_file(path)) digest = crypto::sha256({digest, *pem});
    }
  }
  if (key && !chain.empty()) {
    auto cert_key = chain.front().public_key();
    if (!cert_key) {
      r.error("cert", fmt::format("{}: the key of {} cannot sign IKE AUTH: {}", cert_path,
                                  chain.front().subject(), cert_key.error().detail));
      ok = false;
    } else if (!(*cert_key == key->public_key())) {
      r.error("key", fmt::format("{} does not match the certificate {} ({}): the certificate's public key is "
                                 "another one",
                                 resolve(r, *key_file), chain.front().subject(), cert_path));
      ok = false;
    }
  }
  out.certificates = std::move(listed);
  if (!ok || !key) return;
  auto credential = std::make_shared<ike::LocalCredential>(
      ike::LocalCredential{std::move(*key), std::move(chain), cert_path, resolve(r, *key_file)});
  out.credential = std::move(credential);
}

void read_trust(TableReader& r, PeerSettings& out, crypto::Sha256Digest& digest) {
  auto cas = r.strings("cacerts");
  if (!cas) {
    if (!r.has("cacerts"))
      r.missing("cacerts",
                "auth = \"pubkey\" needs the CA certificates that vouch for the peer, e.g. "
                "cacerts = [\"ca.pem\"]");
    return;
  }
  if (cas->empty()) {
    r.error("cacerts", "cacerts is empty; list the CA certificates (PEM) that vouch for the peer");
    return;
  }
  std::vector<std::string> ca_paths, crl_paths;
  bool ok = true;
  for (const StringItem& item : *cas) {
    const std::string path = resolve(r, item.value);
    auto certs = read_certs(r, item.at, item.key, path, digest);
    if (!certs) {
      ok = false;
      continue;
    }
    for (const crypto::Certificate& c : *certs) {
      if (!c.is_ca()) {
        r.problems().error(item.at, item.key,
                           fmt::format("{}: {} is not a CA certificate (basicConstraints CA:true); cacerts "
                                       "lists the CAs that issue the peer's certificate",
                                       path, c.subject()));
        ok = false;
      }
      out.certificates.push_back(
          {LoadedCertificate::Role::ca, c.subject(), c.issuer(), unix_seconds(c.not_after()), path});
    }
    ca_paths.push_back(path);
  }
  if (auto crls = r.strings("crls")) {
    for (const StringItem& item : *crls) {
      const std::string path = resolve(r, item.value);
      auto pem = crypto::read_pem_file(path);
      if (!pem) {
        r.problems().error(item.at, item.key, pem.error().detail);
        ok = false;
        continue;
      }
      digest = crypto::sha256({digest, *pem});
      crl_paths.push_back(path);
    }
  }
  if (!ok) return;
  auto trust = crypto::TrustStore::load_files(ca_paths, crl_paths);
  if (!trust) {
    r.error(crl_paths.empty() ? "cacerts" : "crls", trust.error().detail);
    return;
  }
  out.crl_files = crl_paths;
  out.trust = std::make_shared<const crypto::TrustStore>(std::move(*trust));
}

// id with local auth = "pubkey": it must be one the certificate carries; a DN
// is sent as the certificate's own subject encoding.
void bind_local_id(TableReader& r, PeerSettings& out) {
  const crypto::Certificate& cert = out.credential->chain.front();
  if (!r.has("id")) {
    out.id = ike::Identity::dn(cert.subject_der());
    return;
  }
  if (!out.id) return;
  auto bound = crypto::check_identity(cert, out.id->type, out.id->data, "id");
  if (!bound) {
    r.error("id", fmt::format("{} ({}): leave id out to use the certificate's subject", bound.error().detail,
                              out.credential->cert_file));
    out.id.reset();
    return;
  }
  if (out.id->type == wire::IdType::ID_DER_ASN1_DN) out.id = ike::Identity::dn(cert.subject_der());
}

}  // namespace

ike::Identity address_identity(const ike::Address& address) {
  if (address.family == ike::AddressFamily::ipv4)
    return ike::Identity::ipv4({address.ip[0], address.ip[1], address.ip[2], address.ip[3]});
  return ike::Identity::ipv6(address.ip);
}

PeerSettings read_peer(TableReader& connection, Side side, const std::optional<ike::Address>& address) {
  const std::string_view name = side == Side::local ? "local" : "remote";
  PeerSettings out;
  const toml::table* table = connection.table(name);
  if (table == nullptr) {
    if (!connection.has(name)) {
      connection.missing(name, fmt::format("a [connection.{}] table with auth = \"psk\" or \"pubkey\" and an "
                                           "optional id",
                                           name));
    }
    return out;
  }
  TableReader r{*table, connection.key(name), connection.header_of(name), TableKind::table,
                connection.problems()};
  if (side == Side::local) {
    r.allow_only(kLocalKeys, kLocalReserved);
  } else {
    r.allow_only(kRemoteKeys, kRemoteReserved);
  }

  if (auto auth = r.string("auth")) {
    if (*auth == "psk") {
      out.psk = true;
    } else if (*auth == "pubkey") {
      out.pubkey = true;
    } else if (known_later(*auth)) {
      r.error("auth", fmt::format("auth = {} is not supported yet (supported: psk, pubkey)", *auth));
    } else {
      r.error("auth", fmt::format("unknown auth method '{}' (supported: psk, pubkey)", *auth));
    }
  } else if (!r.has("auth")) {
    r.missing("auth", "supported: psk, pubkey");
  }
  if (!out.pubkey) {
    static constexpr std::string_view kLocalFiles[] = {"cert", "certs", "key"};
    static constexpr std::string_view kRemoteFiles[] = {"cacerts", "crls"};
    for (std::string_view key : side == Side::local ? std::span<const std::string_view>(kLocalFiles)
                                                    : std::span<const std::string_view>(kRemoteFiles)) {
      if (r.has(key)) r.error(key, fmt::format("'{}' belongs to auth = \"pubkey\"", key));
    }
  }

  if (auto id = r.string("id")) {
    auto parsed = parse_identity(*id, side == Side::remote ? AnyIdentity::allowed : AnyIdentity::refused);
    if (parsed) {
      out.id = std::move(*parsed);
    } else {
      r.error("id", parsed.error());
    }
  } else if (!r.has("id") && out.pubkey && side == Side::remote) {
    out.id = ike::Identity::match_any();
  } else if (!r.has("id") && address) {
    out.id = address_identity(*address);
  }

  if (out.pubkey) {
    crypto::Sha256Digest digest{};
    if (side == Side::local) {
      read_local_credential(r, out, digest);
      if (out.credential) bind_local_id(r, out);
    } else {
      read_trust(r, out, digest);
    }
    out.files_digest = to_hex(digest);
  }
  return out;
}

}  // namespace tern::config

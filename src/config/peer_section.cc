// [connection.local] / [connection.remote] -> auth method, identity and
// credentials (see peer_section.h).
#include "config/peer_section.h"

#include <fmt/format.h>

#include <algorithm>
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

// One `cert` entry: its end entity, then the intermediates that follow it in the file.
struct CertEntry {
  std::vector<crypto::Certificate> chain;
  std::string path;
  StringItem item;
};

// One CA certificate from `certs`, shared by every chain it continues.
struct PoolCa {
  crypto::Certificate cert;
  std::string path;
  StringItem item;
  bool used = false;
};

// Appends the pool CAs that continue `chain` (each the issuer of the one
// before), until a self-issued one or none fits.
void link_intermediates(std::vector<crypto::Certificate>& chain, std::vector<PoolCa>& pool) {
  for (size_t guard = 0; guard <= pool.size() && !chain.back().is_self_issued(); ++guard) {
    const Bytes issuer = chain.back().issuer_der();
    auto next = std::ranges::find_if(pool, [&](const PoolCa& ca) {
      return ca.cert.subject_der() == issuer &&
             std::ranges::none_of(chain,
                                  [&](const crypto::Certificate& c) { return c.der() == ca.cert.der(); });
    });
    if (next == pool.end()) return;
    next->used = true;
    chain.push_back(next->cert);
  }
}

std::vector<CertEntry> read_cert_entries(TableReader& r, const std::vector<StringItem>& items,
                                         std::vector<LoadedCertificate>& listed, crypto::Sha256Digest& digest,
                                         bool& ok) {
  std::vector<CertEntry> entries;
  for (const StringItem& item : items) {
    const std::string path = resolve(r, item.value);
    auto certs = read_certs(r, item.at, item.key, path, digest);
    if (!certs) {
      ok = false;
      continue;
    }
    for (size_t i = 0; i < certs->size(); ++i) {
      const crypto::Certificate& c = (*certs)[i];
      listed.push_back({i == 0 ? LoadedCertificate::Role::local : LoadedCertificate::Role::intermediate,
                        c.subject(), c.issuer(), unix_seconds(c.not_after()), path});
    }
    if (certs->front().is_ca()) {
      r.problems().error(item.at, item.key,
                         fmt::format("{}: the first certificate, {}, is a CA; cert must start with our own "
                                     "(end-entity) certificate",
                                     path, certs->front().subject()));
      ok = false;
      continue;
    }
    entries.push_back({std::move(*certs), path, item});
  }
  return entries;
}

std::vector<PoolCa> read_pool(TableReader& r, std::vector<LoadedCertificate>& listed,
                              crypto::Sha256Digest& digest, bool& ok) {
  std::vector<PoolCa> pool;
  auto extra = r.strings("certs");
  if (!extra) return pool;
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
      listed.push_back({LoadedCertificate::Role::intermediate, c.subject(), c.issuer(),
                        unix_seconds(c.not_after()), path});
      pool.push_back({std::move(c), path, item});
    }
  }
  return pool;
}

// The private key of `entry`, or nullopt with the problem recorded.
std::optional<crypto::PrivateKey> read_key_for(TableReader& r, const StringItem& item, const CertEntry& entry,
                                               crypto::Sha256Digest& digest) {
  const std::string path = resolve(r, item.value);
  auto key = crypto::load_private_key_file(path);
  if (!key) {
    r.problems().error(item.at, item.key, key.error().detail);
    return std::nullopt;
  }
  if (auto pem = crypto::read_pem_file(path)) digest = crypto::sha256({digest, *pem});
  const crypto::Certificate& cert = entry.chain.front();
  auto cert_key = cert.public_key();
  if (!cert_key) {
    r.problems().error(entry.item.at, entry.item.key,
                       fmt::format("{}: the key of {} cannot sign IKE AUTH: {}", entry.path, cert.subject(),
                                   cert_key.error().detail));
    return std::nullopt;
  }
  if (!(*cert_key == key->public_key())) {
    r.problems().error(item.at, item.key,
                       fmt::format("{} does not match the certificate {} ({}): the certificate's public key "
                                   "is another one",
                                   path, cert.subject(), entry.path));
    return std::nullopt;
  }
  return std::move(*key);
}

// cert and key: one certificate (with its intermediates) and its private key,
// or several of each, paired in order; certs adds intermediates to the chains
// they continue.
void read_local_credentials(TableReader& r, PeerSettings& out, crypto::Sha256Digest& digest) {
  auto cert_items = r.string_or_strings("cert");
  if (!cert_items && !r.has("cert"))
    r.missing("cert", "auth = \"pubkey\" needs our certificate, e.g. cert = \"a.pem\" (PEM)");
  auto key_items = r.string_or_strings("key");
  if (!key_items && !r.has("key"))
    r.missing("key", "auth = \"pubkey\" needs our private key, e.g. key = \"a.key\" (PEM, chmod 600)");
  bool ok = cert_items && key_items;
  if (cert_items && cert_items->empty()) {
    r.error("cert",
            "cert is empty; list our certificate (PEM), or several to choose from by the peer's CERTREQ");
    ok = false;
  }
  if (ok && key_items->size() != cert_items->size()) {
    r.error("key",
            fmt::format("{} key file(s) for {} certificate(s): key lists the private key of each cert, "
                        "in the same order",
                        key_items->size(), cert_items->size()));
    ok = false;
  }
  std::vector<LoadedCertificate> listed;
  std::vector<CertEntry> entries;
  if (cert_items) entries = read_cert_entries(r, *cert_items, listed, digest, ok);
  std::vector<PoolCa> pool = read_pool(r, listed, digest, ok);
  for (CertEntry& entry : entries) link_intermediates(entry.chain, pool);
  for (const PoolCa& ca : pool) {
    if (!ca.used && !entries.empty() && ok)
      r.problems().warn(ca.item.at, ca.item.key,
                        fmt::format("{}: {} issued none of our certificates (nor a CA above them); it is "
                                    "never sent",
                                    ca.path, ca.cert.subject()));
  }
  out.certificates = std::move(listed);
  if (!ok) return;
  std::vector<std::shared_ptr<const ike::LocalCredential>> credentials;
  for (size_t i = 0; i < entries.size(); ++i) {
    const StringItem& key_item = (*key_items)[i];
    auto key = read_key_for(r, key_item, entries[i], digest);
    if (!key) {
      ok = false;
      continue;
    }
    credentials.push_back(std::make_shared<const ike::LocalCredential>(ike::LocalCredential{
        std::move(*key), std::move(entries[i].chain), entries[i].path, resolve(r, key_item.value)}));
  }
  if (ok) out.credentials = std::move(credentials);
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

// id with local auth = "pubkey": it must be one every certificate carries; a
// DN is sent as the (first) certificate's own subject encoding.
void bind_local_id(TableReader& r, PeerSettings& out) {
  const crypto::Certificate& first = out.credentials.front()->chain.front();
  if (!r.has("id")) {
    for (const auto& c : out.credentials) {
      const crypto::Certificate& cert = c->chain.front();
      if (cert.subject_der() == first.subject_der()) continue;
      r.error("cert",
              fmt::format("our certificates have different subjects ({} in {}, {} in {}): set id to "
                          "an identity each of them carries, e.g. a DNS subjectAltName they share",
                          first.subject(), out.credentials.front()->cert_file, cert.subject(), c->cert_file));
      out.credentials.clear();
      return;
    }
    out.id = ike::Identity::dn(first.subject_der());
    return;
  }
  if (!out.id) return;
  for (const auto& c : out.credentials) {
    auto bound = crypto::check_identity(c->chain.front(), out.id->type, out.id->data, "id");
    if (!bound) {
      r.error("id", fmt::format("{} ({}): {}", bound.error().detail, c->cert_file,
                                out.credentials.size() == 1
                                    ? "leave id out to use the certificate's subject"
                                    : "with several certificates, id must be one each of them carries"));
      out.id.reset();
      return;
    }
  }
  if (out.id->type == wire::IdType::ID_DER_ASN1_DN) out.id = ike::Identity::dn(first.subject_der());
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
      read_local_credentials(r, out, digest);
      if (!out.credentials.empty()) bind_local_id(r, out);
    } else {
      read_trust(r, out, digest);
    }
    out.files_digest = to_hex(digest);
  }
  return out;
}

}  // namespace tern::config

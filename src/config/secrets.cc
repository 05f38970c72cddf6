// [[secret]] tables and PSK lookup (see secrets.h).
#include "config/secrets.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/identity_syntax.h"

namespace tern::config {
namespace {

constexpr std::string_view kSecretKeys[] = {"type", "ids", "secret"};
constexpr size_t kShortPsk = 8;

std::optional<SecretBytes> read_value(TableReader& r) {
  std::optional<std::string> written = r.string("secret");
  if (!written) {
    if (!r.has("secret")) r.missing("secret", "the pre-shared key; \"0x...\" for hex");
    return std::nullopt;
  }
  std::string& text = *written;
  std::optional<SecretBytes> out;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    std::optional<Bytes> bytes = from_hex(std::string_view(text).substr(2));
    if (!bytes) {
      r.error("secret", "a secret starting with 0x must be hex digits (an even number of them)");
    } else {
      out = SecretBytes(*bytes);
      secure_zero(bytes->data(), bytes->size());
    }
  } else {
    out = SecretBytes(as_bytes(text));
  }
  // Our copies only: toml++ keeps its own until the parsed document is destroyed.
  secure_zero(text.data(), text.size());
  if (out && out->empty()) {
    r.error("secret", "the secret is empty");
    return std::nullopt;
  }
  if (out && out->size() < kShortPsk) {
    r.warn("secret",
           fmt::format("this pre-shared key is only {} octets; RFC 7296 §2.15 wants PSKs as strong as "
                       "keys (use 16 random octets or more)",
                       out->size()));
  }
  return out;
}

std::optional<std::vector<std::string>> read_ids(TableReader& r) {
  auto items = r.strings("ids");
  if (!items) {
    if (!r.has("ids")) r.missing("ids", "the identities this secret is for, e.g. ids = [\"a@example.org\"]");
    return std::nullopt;
  }
  if (items->empty()) {
    r.error("ids", "ids is empty; list the identities this secret is for (\"%any\" for all)");
    return std::nullopt;
  }
  std::vector<std::string> ids;
  bool ok = true;
  for (const StringItem& item : *items) {
    auto id = parse_identity(item.value, AnyIdentity::allowed);
    if (!id) {
      r.problems().error(item.at, item.key, id.error());
      ok = false;
      continue;
    }
    ids.push_back(canonical(*id));
  }
  if (!ok) return std::nullopt;
  return ids;
}

// 2: listed exactly, 1: through "%any", 0: not at all.
int match(const PskSecret& s, const std::string& id) {
  if (std::find(s.ids.begin(), s.ids.end(), id) != s.ids.end()) return 2;
  if (std::find(s.ids.begin(), s.ids.end(), "%any") != s.ids.end()) return 1;
  return 0;
}

}  // namespace

std::vector<PskSecret> read_secrets(TableReader& root) {
  std::vector<PskSecret> out;
  std::vector<const toml::table*> tables = root.tables("secret");
  for (size_t i = 0; i < tables.size(); ++i) {
    TableReader r{*tables[i], fmt::format("secret[{}]", i), "secret", TableKind::array_element,
                  root.problems()};
    r.allow_only(kSecretKeys);
    bool psk = false;
    if (auto type = r.string("type")) {
      psk = *type == "psk";
      if (!psk) {
        r.error("type", fmt::format("type = {} is not supported (supported: psk; a private key is named "
                                    "by key = \"a.key\" in [connection.local])",
                                    *type));
      }
    } else if (!r.has("type")) {
      r.missing("type", "type = \"psk\"");
    }
    auto ids = read_ids(r);
    auto secret = read_value(r);
    if (psk && ids && secret) out.push_back({std::move(*ids), std::move(*secret), r.where()});
  }
  return out;
}

const PskSecret* find_psk(const std::vector<PskSecret>& secrets, const ike::Identity& local,
                          const ike::Identity& remote) {
  const std::string me = canonical(local);
  const std::string peer = canonical(remote);
  const PskSecret* best = nullptr;
  int best_score = 0;
  for (const PskSecret& s : secrets) {
    int mine = match(s, me);
    // A remote id of %any cannot be listed meaningfully: the local id alone decides.
    int theirs = remote.any ? 2 : match(s, peer);
    if (mine == 0 || theirs == 0) continue;
    if (mine + theirs > best_score) {
      best = &s;
      best_score = mine + theirs;
    }
  }
  return best;
}

}  // namespace tern::config

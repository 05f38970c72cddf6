#include "crypto/private_key_file.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <filesystem>
#include <system_error>

#include "base/secret_bytes.h"
#include "crypto/pem_file.h"

namespace tern::crypto {

Result<PrivateKey> load_private_key_file(const std::string& path, KeyFileCheck check) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec) return fail(Errc::io_error, fmt::format("key file {}: {}", path, ec.message()));
  if (check == KeyFileCheck::owner_only) {
    const fs::perms p = st.permissions();
    const fs::perms readable_by_others = fs::perms::group_read | fs::perms::others_read;
    if ((p & readable_by_others) != fs::perms::none)
      return fail(Errc::bad_key,
                  fmt::format("key file {} is readable by group/others (mode {:04o}); chmod 600 it", path,
                              static_cast<unsigned>(p & fs::perms::mask)));
  }
  auto text = read_pem_file(path);
  if (!text) return fail(text.error());
  // The PEM text is key material: keep it in zeroizing memory and wipe the
  // plain buffer (best effort: read_pem_file's growing buffer may have left
  // earlier copies on the heap).
  const SecretBytes pem{ByteView(*text)};
  OPENSSL_cleanse(text->data(), text->size());
  auto key = PrivateKey::from_pem(pem.view());
  if (!key) {
    Error e = key.error();
    e.detail = fmt::format("key file {}: {}", path, e.detail);
    return fail(std::move(e));
  }
  if (key->type() == KeyType::rsa && key->bits() > kMaxRsaKeyBits)
    return fail(Errc::bad_key, fmt::format("key file {}: RSA key of {} bits; at most {} supported", path,
                                           key->bits(), kMaxRsaKeyBits));
  return key;
}

}  // namespace tern::crypto

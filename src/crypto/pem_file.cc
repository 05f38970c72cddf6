#include "crypto/pem_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace tern::crypto {

Result<Bytes> read_pem_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail(Errc::io_error, fmt::format("{} is a directory, not a file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  Bytes out;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.insert(out.end(), buf, buf + in.gcount());
    if (out.size() > kMaxPemFileSize)
      return fail(Errc::bad_length,
                  fmt::format("{} is larger than {} octets; not a PEM file", path, kMaxPemFileSize));
  }
  if (in.bad()) return fail(Errc::io_error, fmt::format("reading {} failed", path));
  return out;
}

}  // namespace tern::crypto

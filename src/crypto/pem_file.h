// Reading the small files the X.509 code loads (PEM certificates, CRLs,
// private keys) with the standard library only. Called by trust_store.cc and
// private_key_file.cc while the configuration is loaded, never by the engine.
// How it fails: Errc::io_error naming the path (missing, unreadable, a
// directory), Errc::bad_length for a file over kMaxPemFileSize.
#pragma once

#include <cstddef>
#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::crypto {

inline constexpr size_t kMaxPemFileSize = 4 * 1024 * 1024;

Result<Bytes> read_pem_file(const std::string& path);

}  // namespace tern::crypto

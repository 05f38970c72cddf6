// Append-only text files the daemon writes (the Wireshark keylog): created
// with mode 0600 (it holds keys), one line at a time, flushed at once so that
// a capture can be decrypted while the daemon runs.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace tern::io {

class AppendFile {
 public:
  static Result<AppendFile> open(const std::string& path);
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  // Writes `line` and a newline.
  Result<void> append_line(std::string_view line);
  const std::string& path() const { return path_; }

 private:
  AppendFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace tern::io

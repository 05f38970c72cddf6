// See line_framer.h.
#include "control/line_framer.h"

#include <fmt/format.h>

namespace tern::control {

void LineFramer::feed(ByteView bytes) {
  if (failed_) return;
  if (consumed_ > 0) {  // compact: drop what was handed out
    buffer_.erase(0, consumed_);
    scanned_ -= consumed_;
    consumed_ = 0;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  // Only the partial line at the end is bounded here (one octet more: its
  // '\r' may come before the '\n'); complete lines are checked one by one in
  // next_line().
  size_t last_newline = buffer_.rfind('\n');
  size_t partial_start = last_newline == std::string::npos ? 0 : last_newline + 1;
  if (buffer_.size() - partial_start > max_line_ + 1) {
    failed_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    consumed_ = scanned_ = 0;
  }
}

std::optional<Result<std::string>> LineFramer::next_line() {
  if (failed_) {
    return Result<std::string>(
        fail(Errc::too_many, fmt::format("line longer than {} octets; closing the connection", max_line_)));
  }
  size_t newline = buffer_.find('\n', scanned_);
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    return std::nullopt;
  }
  size_t length = newline - consumed_;
  if (length > 0 && buffer_[newline - 1] == '\r') --length;  // tolerate "\r\n" (telnet, socat CRLF)
  if (length > max_line_) {
    failed_ = true;
    buffer_.clear();
    consumed_ = scanned_ = 0;
    return next_line();
  }
  std::string line = buffer_.substr(consumed_, length);
  consumed_ = scanned_ = newline + 1;
  return Result<std::string>(std::move(line));
}

}  // namespace tern::control

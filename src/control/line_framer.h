// Splits a control-socket byte stream into lines (docs/control.md: one JSON
// object per '\n'-terminated line, at most kMaxRequestLine octets).
//
// Called by io/ on both ends: the control server feeds what it reads from a
// client, ternctl's ControlClient what it reads from ternd. Sans-I/O.
//
//   LineFramer framer;
//   framer.feed(chunk);
//   while (auto line = framer.next_line()) {
//     if (!*line) { drop the connection: (*line).error().detail says why }
//     handle(**line);   // without the '\n' (and without a '\r' before it)
//   }
//
// How it fails: a line longer than the limit is an Errc::too_many error value,
// and the framer stays failed (every later next_line() repeats the error; fed
// bytes are ignored): the caller drops the connection. Buffering is bounded:
// at most one partial line of `max_line` octets plus the complete lines of the
// last feed() (the caller reads in bounded chunks and drains after each).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::control {

// Requests (what ternd accepts): the protocol's limit, newline not counted.
inline constexpr size_t kMaxRequestLine = 65536;
// Responses (what ternctl accepts): list-sas of many IKE SAs is one line.
inline constexpr size_t kMaxResponseLine = 16 * 1024 * 1024;

class LineFramer {
 public:
  explicit LineFramer(size_t max_line = kMaxRequestLine) : max_line_(max_line) {}

  void feed(ByteView bytes);
  // The next complete line, an error once the limit was crossed, or nullopt
  // when more bytes are needed.
  std::optional<Result<std::string>> next_line();

  // Octets held: complete lines not yet taken plus the partial line.
  size_t buffered() const { return buffer_.size() - consumed_; }
  bool failed() const { return failed_; }

 private:
  size_t max_line_;
  std::string buffer_;
  size_t consumed_ = 0;  // buffer_[0, consumed_) was handed out already
  size_t scanned_ = 0;   // buffer_[consumed_, scanned_) holds no '\n'
  bool failed_ = false;
};

}  // namespace tern::control

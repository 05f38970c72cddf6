// ternctl's end of the control socket (docs/control.md): a blocking unix
// stream connection to ternd that sends request lines and reads response
// lines, each read bounded by a timeout.
//
//   Result<ControlClient> c = ControlClient::connect("/run/tern/control.sock");
//   c->send_line(control::encode_request(request));
//   Result<std::string> line = c->read_line(seconds(30));   // without '\n'
//
// Called by ternctl only (ternd's side is control_server.h). Owns the socket:
// closed when the client is destroyed (move-only).
// How it fails: every call returns an Errc::io_error Error whose detail is one
// line for the user: "cannot connect to /run/tern/control.sock: No such file
// or directory — is ternd running?", "no answer from ternd within 30s",
// "ternd closed the connection", a response line over
// control::kMaxResponseLine octets. Never throws.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/time.h"
#include "control/line_framer.h"

namespace tern::io {

class ControlClient {
 public:
  static Result<ControlClient> connect(const std::string& path);

  ControlClient(ControlClient&& other) noexcept;
  ControlClient& operator=(ControlClient&& other) noexcept;
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;
  ~ControlClient();

  // Sends one line; a '\n' is added when `line` does not end with one. A
  // newline anywhere else would split the request: refused.
  Result<void> send_line(std::string_view line);
  // The next line from ternd, without its '\n'. Duration::max() waits forever
  // (`ternctl events`).
  Result<std::string> read_line(Duration timeout);

 private:
  ControlClient(int fd, std::string path);
  void close();

  int fd_ = -1;
  std::string path_;
  control::LineFramer framer_{control::kMaxResponseLine};
};

}  // namespace tern::io

// See control_client.h.
#include "io/control_client.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace tern::io {
namespace {

Unexpected<Error> io_fail(std::string detail) {
  return fail(Errc::io_error, std::move(detail));
}

std::string errno_text(int err) {
  return std::strerror(err);
}

// Milliseconds for poll() until `deadline`; -1 (forever) when there is none.
int poll_timeout_ms(std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (!deadline) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 24 * 3600 * 1000));
}

}  // namespace

Result<ControlClient> ControlClient::connect(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path))
    return io_fail(fmt::format("cannot connect to {}: the path must be 1 to {} octets", path,
                               sizeof(address.sun_path) - 1));
  std::memcpy(address.sun_path, path.data(), path.size());

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_fail("cannot create a unix socket: " + errno_text(errno));
  ControlClient client(fd, path);  // closes fd on every return below
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    const int err = errno;
    std::string hint;
    if (err == ENOENT || err == ECONNREFUSED) hint = " — is ternd running?";
    if (err == EACCES) hint = " — ternctl needs the rights of ternd's control socket (root?)";
    return io_fail(fmt::format("cannot connect to {}: {}{}", path, errno_text(err), hint));
  }
  return Result<ControlClient>(std::move(client));
}

ControlClient::ControlClient(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

ControlClient::ControlClient(ControlClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), framer_(std::move(other.framer_)) {}

ControlClient& ControlClient::operator=(ControlClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    framer_ = std::move(other.framer_);
  }
  return *this;
}

ControlClient::~ControlClient() {
  close();
}

void ControlClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<void> ControlClient::send_line(std::string_view line) {
  if (fd_ < 0) return io_fail("not connected to ternd");
  std::string out(line);
  if (out.empty() || out.back() != '\n') out += '\n';
  if (out.find('\n') != out.size() - 1) return io_fail("a request must be one line");
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_fail(fmt::format("cannot send to ternd on {}: {}", path_, errno_text(errno)));
    sent += static_cast<size_t>(n);
  }
  return {};
}

Result<std::string> ControlClient::read_line(Duration timeout) {
  if (fd_ < 0) return io_fail("not connected to ternd");
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (timeout != Duration::max()) deadline = std::chrono::steady_clock::now() + timeout;
  std::array<uint8_t, 4096> buffer{};
  for (;;) {
    if (std::optional<Result<std::string>> line = framer_.next_line()) {
      if (!*line) return io_fail("answer from ternd: " + line->error().detail);
      return std::move(**line);
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, poll_timeout_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return io_fail("cannot wait for ternd: " + errno_text(errno));
    if (ready == 0) {
      if (deadline && std::chrono::steady_clock::now() < *deadline) continue;  // poll's wait was capped
      return io_fail(fmt::format("no answer from ternd within {}", format_duration(timeout)));
    }
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_fail(fmt::format("cannot read from ternd on {}: {}", path_, errno_text(errno)));
    if (n == 0) return io_fail("ternd closed the connection");
    framer_.feed(ByteView(buffer.data(), static_cast<size_t>(n)));
  }
}

}  // namespace tern::io

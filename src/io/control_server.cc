#include "io/control_server.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>

#include "control/line_framer.h"

namespace tern::io {

struct ControlServer::Client {
  explicit Client(asio::local::stream_protocol::socket s) : socket(std::move(s)) {}
  asio::local::stream_protocol::socket socket;
  control::LineFramer framer;
  std::array<uint8_t, 4096> buffer{};
  std::deque<std::string> out;
  size_t pending = 0;
  bool writing = false;
  std::string refusal;  // not empty: a user who may not control ternd (refusal_for)
};

namespace {

// Whether a daemon answers on `path` (a stale socket file does not).
bool in_use(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  const bool answered = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return answered;
}

// SO_PEERCRED: only root and the user ternd runs as may control it. For
// anyone else, the line that answers each of their requests; empty: allowed.
std::string refusal_for(asio::local::stream_protocol::socket& socket) {
  ucred peer{};
  socklen_t size = sizeof peer;
  const uid_t own = ::geteuid();
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0)
    return "{\"ok\":false,\"error\":\"permission denied: the client's user is unknown (SO_PEERCRED)\"}\n";
  if (peer.uid == 0 || peer.uid == own) return {};
  return fmt::format(
      "{{\"ok\":false,\"error\":\"permission denied: uid {} may not control ternd (only root and uid "
      "{})\"}}\n",
      peer.uid, own);
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::open(asio::io_context& io, const std::string& path,
                                                           LineHandler on_line, CloseHandler on_close) {
  if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path))
    return fail(Errc::io_error, fmt::format("control socket path '{}' is empty or too long (max {} octets)",
                                            path, sizeof(sockaddr_un{}.sun_path) - 1));
  std::error_code fs_error;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, fs_error);
  if (fs_error)
    return fail(Errc::io_error, fmt::format("cannot create the directory of the control socket {}: {}", path,
                                            fs_error.message()));
  if (std::filesystem::exists(path, fs_error)) {
    if (in_use(path))
      return fail(Errc::io_error,
                  fmt::format("control socket {} is in use: is another ternd running?", path));
    ::unlink(path.c_str());  // stale, from a daemon that did not exit cleanly
  }
  std::unique_ptr<ControlServer> server(new ControlServer(io, path, std::move(on_line), std::move(on_close)));
  asio::error_code ec;
  server->acceptor_.open(asio::local::stream_protocol(), ec);
  // 0600 from the start: no window in which another user could connect.
  const mode_t old_mask = ::umask(0177);
  if (!ec) server->acceptor_.bind(asio::local::stream_protocol::endpoint(path), ec);
  ::umask(old_mask);
  if (!ec) server->acceptor_.listen(16, ec);
  if (ec)
    return fail(Errc::io_error, fmt::format("cannot listen on control socket {}: {}", path, ec.message()));
  ::chmod(path.c_str(), 0600);
  server->accept();
  return server;
}

ControlServer::ControlServer(asio::io_context& io, std::string path, LineHandler on_line,
                             CloseHandler on_close)
    : io_(io),
      path_(std::move(path)),
      acceptor_(io),
      on_line_(std::move(on_line)),
      on_close_(std::move(on_close)) {}

ControlServer::~ControlServer() {
  asio::error_code ec;
  acceptor_.close(ec);
  for (auto& [id, client] : clients_) client->socket.close(ec);
  ::unlink(path_.c_str());
}

void ControlServer::accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::local::stream_protocol::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      // Mode 0600 keeps other users out already; the SO_PEERCRED check holds
      // even when the socket's mode or directory were opened up by hand.
      std::string refusal = refusal_for(socket);
      const ClientId id{next_id_++};
      auto client = std::make_unique<Client>(std::move(socket));
      client->refusal = std::move(refusal);
      clients_.emplace(id, std::move(client));
      read(id);
    }
    accept();
  });
}

void ControlServer::read(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  c.socket.async_read_some(asio::buffer(c.buffer), [this, id](const asio::error_code& ec, size_t n) {
    auto found = clients_.find(id);
    if (found == clients_.end()) return;
    if (ec) {
      close(id);
      return;
    }
    Client& client = *found->second;
    client.framer.feed(ByteView(client.buffer.data(), n));
    while (std::optional<Result<std::string>> line = client.framer.next_line()) {
      if (!line->has_value()) {
        send(id, fmt::format("{{\"ok\":false,\"error\":\"{}\"}}\n", "request line too long"));
        close(id);
        return;
      }
      if (!client.refusal.empty()) {
        // A refused user's request: answered with the refusal, then gone.
        (void)::send(client.socket.native_handle(), client.refusal.data(), client.refusal.size(),
                     MSG_DONTWAIT | MSG_NOSIGNAL);
        close(id);
        return;
      }
      on_line_(id, std::move(**line));
      if (!clients_.contains(id)) return;  // the handler closed it
    }
    read(id);
  });
}

void ControlServer::send(ClientId id, std::string line) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  c.pending += line.size();
  if (c.pending > kMaxPending) {  // a client that does not read: let it go
    close(id);
    return;
  }
  c.out.push_back(std::move(line));
  if (!c.writing) write(id);
}

void ControlServer::write(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  if (c.out.empty()) {
    c.writing = false;
    return;
  }
  c.writing = true;
  asio::async_write(c.socket, asio::buffer(c.out.front()), [this, id](const asio::error_code& ec, size_t) {
    auto found = clients_.find(id);
    if (found == clients_.end()) return;
    if (ec) {
      close(id);
      return;
    }
    Client& client = *found->second;
    client.pending -= client.out.front().size();
    client.out.pop_front();
    write(id);
  });
}

void ControlServer::close(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  asio::error_code ec;
  it->second->socket.close(ec);
  // Handlers still queued for this socket find no client and return; the
  // socket object must outlive them, so it is destroyed from the event loop.
  std::shared_ptr<Client> doomed(it->second.release());
  clients_.erase(it);
  asio::post(io_, [doomed] {});
  if (on_close_) on_close_(id);
}

}  // namespace tern::io

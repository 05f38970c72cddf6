// The control socket's server side: a unix stream socket (mode 0600) that
// ternctl talks JSON lines to (docs/control.md). This file only moves lines;
// what they mean is the daemon's business (daemon/control_handler).
//
// Who calls it: the daemon creates it at start-up with a line handler, and
// answers through send(); `ternctl events` clients stay connected and get
// every event line. Clients are named by ClientId, never by pointer.
//
// How it fails: open() returns an Error (socket path in use by a running
// daemon, directory not creatable, bind failure). A client that sends a line
// over the limit, or does not read its output (more than kMaxPending octets
// queued), is disconnected; the daemon is never blocked by a client.
#pragma once

#include <asio/io_context.hpp>
#include <asio/local/stream_protocol.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/error.h"

namespace tern::io {

enum class ClientId : uint64_t {};

class ControlServer {
 public:
  using LineHandler = std::function<void(ClientId, std::string line)>;
  using CloseHandler = std::function<void(ClientId)>;
  static constexpr size_t kMaxPending = 4 * 1024 * 1024;

  static Result<std::unique_ptr<ControlServer>> open(asio::io_context& io, const std::string& path,
                                                     LineHandler on_line, CloseHandler on_close);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Queues `line` (ending in '\n') for the client; a no-op if it is gone.
  void send(ClientId client, std::string line);
  void close(ClientId client);
  const std::string& path() const { return path_; }

 private:
  struct Client;
  ControlServer(asio::io_context& io, std::string path, LineHandler on_line, CloseHandler on_close);
  void accept();
  void read(ClientId id);
  void write(ClientId id);

  asio::io_context& io_;
  std::string path_;
  asio::local::stream_protocol::acceptor acceptor_;
  LineHandler on_line_;
  CloseHandler on_close_;
  uint64_t next_id_ = 1;
  std::map<ClientId, std::unique_ptr<Client>> clients_;
};

}  // namespace tern::io

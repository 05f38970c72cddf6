// POSIX signals the daemon acts on, delivered on the event loop (never in a
// signal handler): SIGHUP -> reload, SIGTERM/SIGINT -> clean shutdown.
// SIGPIPE is ignored so that a vanished ternctl cannot kill the daemon.
#pragma once

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <functional>

namespace tern::io {

enum class Signal : uint8_t { reload, terminate };

class Signals {
 public:
  Signals(asio::io_context& io, std::function<void(Signal)> handler);
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;

 private:
  void wait();
  asio::signal_set set_;
  std::function<void(Signal)> handler_;
};

}  // namespace tern::io

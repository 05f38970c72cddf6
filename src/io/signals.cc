#include "io/signals.h"

#include <csignal>

namespace tern::io {

Signals::Signals(asio::io_context& io, std::function<void(Signal)> handler)
    : set_(io, SIGHUP, SIGTERM, SIGINT), handler_(std::move(handler)) {
  std::signal(SIGPIPE, SIG_IGN);
  wait();
}

void Signals::wait() {
  set_.async_wait([this](const asio::error_code& ec, int number) {
    if (ec) return;
    handler_(number == SIGHUP ? Signal::reload : Signal::terminate);
    wait();
  });
}

}  // namespace tern::io

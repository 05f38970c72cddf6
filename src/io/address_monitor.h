// Watches the host's addresses and routes (rtnetlink RTM_NEWADDR/DELADDR and
// RTM_NEWROUTE/DELROUTE, IPv4 and IPv6) for MOBIKE: after a burst of such
// events settles (kSettle) it calls the handler with the whole list of
// usable local addresses — interfaces that are up, not loopback, not the
// TUN device tern itself carries traffic on (the engine skips link-local
// and inner addresses itself). The daemon hands the
// list to the engine (ike::Endpoint::on_local_addresses).
//
// Who calls it: the Daemon creates one at start and keeps it. How it fails:
// open() returns an Error when the netlink socket cannot be made or bound
// (the daemon then runs without MOBIKE address tracking and says so); a
// receive error later (e.g. ENOBUFS after an overflow) only triggers a fresh
// read of the address list.
#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "ike/address.h"

namespace tern::io {

class AddressMonitor {
 public:
  using Handler = std::function<void(std::vector<ike::Address> addresses)>;
  // How long after the last event the list is read and reported.
  static constexpr std::chrono::milliseconds kSettle{50};

  static Result<std::unique_ptr<AddressMonitor>> open(asio::io_context& io, std::string tun_device,
                                                      Handler handler);
  AddressMonitor(const AddressMonitor&) = delete;
  AddressMonitor& operator=(const AddressMonitor&) = delete;

  // The usable local addresses now (as reported to the handler).
  std::vector<ike::Address> addresses() const;
  // Called at once (before the settle delay) on every address or route event,
  // of any interface: for caches of the address list (DataPlane).
  void set_change_hook(std::function<void()> hook) { change_hook_ = std::move(hook); }

 private:
  AddressMonitor(asio::io_context& io, int fd, std::string tun_device, Handler handler);
  void wait();
  void drain();
  void changed();

  asio::posix::stream_descriptor descriptor_;
  asio::steady_timer settle_;
  std::string tun_device_;
  Handler handler_;
  std::function<void()> change_hook_;
};

}  // namespace tern::io

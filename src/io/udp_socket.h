// One bound UDP socket for IKE (port 500) or NAT-T (port 4500), driven by the
// Asio event loop. Bound to a wildcard address it still learns, for every
// datagram, the local address it was sent to (IP_PKTINFO / IPV6_RECVPKTINFO)
// and sends from the address the engine asks for, so that replies leave
// from the address the peer talked to.
//
// Who calls it: the daemon opens one per listen address and port, hands each
// datagram to the Endpoint and sends the Endpoint's Send effects through the
// socket whose port (and address) fit. On port 4500 datagrams arrive with the
// RFC 3948 non-ESP marker in front, exactly as the engine expects them.
//
// How it fails: open() returns an Error naming the address and the errno
// text; send() returns one (the daemon logs and counts it); receive errors
// are counted and the socket keeps listening.
//
// With several workers (daemon/worker.h) a listen address and port has a
// group of sockets bound with SO_REUSEPORT: the event loop's (opened first,
// Sharing::first_of_group) and one per worker (Sharing::joins_group, each
// driven by its worker's own io_context); attach_steering() gives the group
// the program that picks a socket per datagram (daemon/steering_program.h).
//
// Sends made while the socket hands a received batch to the handler, on the
// thread that drains it, are held and go out together with sendmmsg(2) once
// the batch is handled (io/send_queue.h); send() then succeeds and a failure
// shows later through the hook set_send_error installs. Sends from other
// threads (workers) go out at once.
#pragma once

#include <linux/filter.h>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"
#include "io/recv_batch.h"
#include "io/send_queue.h"

namespace tern::io {

using DatagramHandler =
    std::function<void(const ike::Address& local, const ike::Address& remote, MutableByteView bytes)>;

// How a socket shares its address and port.
enum class Sharing : uint8_t {
  exclusive,       // the only one: a second bind fails (no SO_REUSEADDR, no SO_REUSEPORT)
  first_of_group,  // SO_REUSEPORT, but only when nobody holds the port yet: a
                   // plain bind is tried first (a second ternd still fails to start)
  joins_group,     // SO_REUSEPORT: joins the group a first_of_group socket made
};

class UdpSocket {
 public:
  static Result<std::unique_ptr<UdpSocket>> open(asio::io_context& io, const ike::Address& bind,
                                                 Sharing sharing = Sharing::exclusive);
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Starts receiving; `handler` runs on the event loop for every datagram.
  // Called after each burst of datagrams handed to the handler (the data
  // plane flushes what it coalesced).
  void set_drained(std::function<void()> drained) { drained_ = std::move(drained); }
  void start(DatagramHandler handler);
  Result<void> send(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  // Failures of held sends (see above), one call per datagram refused.
  void set_send_error(SendQueue::ErrorHook hook) { send_error_ = std::move(hook); }
  // Several datagrams to one destination with one sendmmsg(2) (the data
  // plane's batches). Returns how many were sent; an Error only when none was.
  Result<size_t> send_batch(const ike::Address& local, const ike::Address& remote,
                            std::span<const ByteView> packets);

  // Attaches a classic BPF program that picks the socket of the SO_REUSEPORT
  // group for each datagram (SO_ATTACH_REUSEPORT_CBPF); an Error when the
  // kernel refuses it (the group then spreads datagrams by a hash).
  Result<void> attach_steering(const std::vector<sock_filter>& program);

  const ike::Address& bound() const { return bound_; }
  bool wildcard() const { return wildcard_; }
  uint64_t receive_errors() const { return receive_errors_ + batch_.errors(); }
  // UDP segmentation offload (io/udp_gso.h): sends that used it, received
  // coalesced runs.
  uint64_t gso_sends() const { return gso_sends_; }
  uint64_t gro_runs() const { return gro_runs_; }

 private:
  UdpSocket(asio::io_context& io, int fd, ike::Address bound);
  void wait();
  void drain();
  void flush_held();

  asio::posix::stream_descriptor descriptor_;
  ike::Address bound_;
  bool wildcard_ = false;
  DatagramHandler handler_;
  static constexpr size_t kBatch = 32;  // datagrams per recvmmsg
  static constexpr int kMaxRounds = 4;  // recvmmsg calls per wake-up: fairness between sockets
  RecvBatch batch_;
  std::function<void()> drained_;
  SendQueue held_;
  SendQueue::ErrorHook send_error_;
  // The thread inside drain(), or none: only its sends are held.
  std::atomic<std::thread::id> draining_{};
  bool gso_ = true;   // cleared for good when the kernel refuses UDP_SEGMENT
  bool gro_ = false;  // UDP_GRO enabled: received datagrams may be runs
  uint64_t receive_errors_ = 0;
  uint64_t gso_sends_ = 0;
  uint64_t gro_runs_ = 0;
};

// The socket of `sockets` to send from `local` (its port and family; its
// address, or a wildcard socket), or none.
UdpSocket* socket_for(const std::vector<std::unique_ptr<UdpSocket>>& sockets, const ike::Address& local);

}  // namespace tern::io

// One ternd worker: an Endpoint (a shard of the IKE SAs, ike/shard_spi.h)
// with its timer and its Random, run either on a thread of its own or, with
// `workers = 1`, on the daemon's event loop thread exactly as before workers
// existed (docs/ternd.md "Workers", docs/architecture.md "Workers").
//
// Inputs reach the Endpoint only through the worker: receive() (a datagram
// read on the worker's thread from one of its own sockets: add_socket),
// deliver() (a datagram another thread read and shard_dispatch.h routed
// here), run() (a command or a query the caller waits for: control requests,
// reload, start actions) and submit() (data-plane events, local addresses:
// nothing to wait for). A threaded worker's queue is its own
// asio::io_context: a mutex-protected operation queue woken through an
// eventfd, which also drives the worker's sockets; the Endpoint is touched by
// that thread only, so the hot path takes no lock shared between workers.
//
// Effects after each input: a threaded worker sends its IKE datagrams itself
// (on its own socket for the local address and port; answers to a received
// batch leave together with sendmmsg, io/udp_socket.h) until the input
// produced a data-plane effect; that effect and everything after it in the
// same input (a Send too: the peer must not see an answer before our
// CHILD_SA is installed) go, in order, to the event loop thread
// (Hooks::forward), which owns the data plane, the log, the keylog,
// `ternctl events` followers and pending `ternctl up`s. What the inputs of
// one received batch forward goes in one hand-over after the batch. An
// inline worker forwards everything (one thread).
//
// A threaded worker's queue of delivered datagrams is bounded
// (kMaxQueuedDatagrams): when the worker falls that far behind (a flood),
// deliver() drops the datagram and counts it (queue_drops), as a full socket
// buffer would; the queue's memory and the time a datagram waits in it stay
// bounded.
//
// Who owns what: the Daemon owns the workers and destroys them (joining
// their threads) before the clock and the counters the hooks use; a worker
// owns its sockets. How it fails: nothing here fails; the Endpoint counts
// what it drops, failed sends go to Hooks::send_error.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "crypto/random.h"
#include "ike/endpoint.h"
#include "io/clock.h"
#include "io/deadline_timer.h"
#include "io/udp_socket.h"

namespace tern::daemon {

enum class WorkerThreading : uint8_t { inline_on_loop, own_thread };

// Datagrams a threaded worker may have queued (delivered, not yet handled);
// more are dropped. About what a default UDP receive buffer holds.
inline constexpr uint32_t kMaxQueuedDatagrams = 1024;

class Worker {
 public:
  struct Hooks {
    // Sends one IKE datagram when the worker has no socket of its own for
    // its local address; called on the worker's thread (own_thread only).
    std::function<void(const ike::Address& local, const ike::Address& remote, ByteView bytes)> send;
    // A send on one of the worker's sockets failed (its thread).
    std::function<void(const Error& error)> send_error;
    // The effects the worker did not carry out itself, in order; called on
    // the worker's thread: the callee takes them to the event loop thread.
    std::function<void(uint32_t worker, std::vector<ike::Effect> effects)> forward;
    // Whether the event loop thread does anything with this Event (logs it,
    // counts it, tells a `ternctl` client): one it would drop is not handed
    // over. Called on the worker's thread; unset: all are wanted.
    std::function<bool(const ike::Event& event)> wants_event;
  };
  using Job = std::function<void(ike::Endpoint& endpoint, Timestamp now)>;

  // `loop` is the daemon's event loop (used by inline_on_loop workers).
  Worker(asio::io_context& loop, WorkerThreading threading, uint32_t index, ike::EndpointConfig config,
         const io::Clock& clock, Hooks hooks);
  ~Worker();  // stops the thread (if any) and waits for it
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // A socket of the worker's own (own_thread only, before start()), opened
  // on context(); `handler` runs on the worker's thread for each datagram
  // and calls receive() for the worker's own ones.
  void add_socket(std::unique_ptr<io::UdpSocket> socket, io::DatagramHandler handler);
  asio::io_context& context() { return io_; }
  // The worker's own sockets (their counters); on the worker's thread only:
  // inside a run() job.
  const std::vector<std::unique_ptr<io::UdpSocket>>& sockets() const { return sockets_; }
  // The daemon runs without a data plane ([daemon] data_plane = "none"):
  // CHILD_SA installs and updates are dropped here, removals are handed
  // over unordered (the loop counts their reasons), and the answers behind
  // them go out at once. Before start().
  void drop_data_plane_effects() { data_plane_ = false; }
  // Starts the thread (own_thread), the sockets and the Endpoint's timer.
  void start();
  // Stops the thread and waits for it (own_thread; also done by the
  // destructor). Jobs and datagrams queued later are never run.
  void stop();
  // A datagram for this shard (copied when it crosses to the worker's
  // thread; dropped when kMaxQueuedDatagrams wait already). From the event
  // loop or another worker's thread.
  void deliver(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  // A datagram for this shard read on the worker's own thread: handled at once.
  void receive(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  // Runs `job` on the worker and waits until it and its effects' hand-over
  // are done. Only from the event loop thread, never from a worker.
  void run(const Job& job);
  // Queues `job` (own_thread) or runs it at once (inline_on_loop).
  void submit(Job job);

  uint32_t index() const { return index_; }
  // Datagrams deliver() dropped because the queue was full (any thread).
  uint64_t queue_drops() const { return queue_drops_.load(std::memory_order_relaxed); }
  bool threaded() const { return threading_ == WorkerThreading::own_thread; }

 private:
  // After every input: carry out or forward the effects, re-arm the timer.
  void after_input();
  void on_timer();
  void handle(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  void send(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  // Hands what the inputs of a received batch forwarded to the loop, at once.
  void flush_forward();

  const WorkerThreading threading_;
  const uint32_t index_;
  const io::Clock& clock_;
  Hooks hooks_;
  asio::io_context own_io_;  // own_thread: the worker's queue and timer
  asio::io_context& io_;     // where the worker runs: own_io_ or the daemon's loop
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running_;
  crypto::OpenSslRandom random_;
  ike::Endpoint endpoint_;
  io::DeadlineTimer timer_;
  // After own_io_ (destroyed before it); used by the worker's thread only.
  std::vector<std::unique_ptr<io::UdpSocket>> sockets_;
  std::vector<io::DatagramHandler> socket_handlers_;
  std::vector<ike::Effect> effects_;          // the Endpoint's, after each input (kept for its buffer)
  std::vector<ike::Effect> pending_forward_;  // of the batch being received
  bool in_batch_ = false;                     // a socket of ours is handing over a batch
  bool data_plane_ = true;                    // drop_data_plane_effects()
  std::thread thread_;
  // Incremented by deliver()'s callers (a soft bound: two may pass the check
  // together), decremented here.
  std::atomic<uint32_t> queued_datagrams_ = 0;
  std::atomic<uint64_t> queue_drops_ = 0;
};

// INITIAL_CONTACT across workers (RFC 7296 §2.4): `contact`, which worker
// `from` made, goes to every other worker's Endpoint (drop_sas_of_peer),
// queued behind what each has to do. Called on the event loop thread.
void relay_initial_contact(const std::vector<std::unique_ptr<Worker>>& workers, uint32_t from,
                           const ike::InitialContactReceived& contact);

}  // namespace tern::daemon

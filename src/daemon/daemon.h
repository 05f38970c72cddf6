// ternd's core: the sans-I/O engine, sharded over workers (worker.h: one
// Endpoint each, IKE SAs by SPI), wired to the world — UDP sockets on the
// listen addresses (ike_port and natt_port), the control socket, signals,
// the keylog file, the log and the ESP data plane. The sockets, the control
// server, the data plane and everything below run on one Asio event loop
// thread; with `workers = 1` the one Endpoint runs there too (as before
// workers existed), with more each Endpoint runs on a thread of its own.
//
// Flow: with one worker the loop reads one socket per listen address and
// port and hands every IKE datagram to the Endpoint inline. With more, each
// listen address and port has an SO_REUSEPORT group: the loop's socket
// (index 0) and one socket per worker (index 1 + worker), read on the
// worker's thread; a classic BPF program (steering_program.h) makes the
// kernel put each IKE datagram on its worker's socket and ESP on the loop's.
// Whichever thread reads a datagram checks it by its IKE header
// (shard_dispatch.h) and forwards what is not its own (counted:
// datagrams_forwarded), so nothing depends on the program. A control request or a signal becomes an input of
// one worker
// (`up`: the connection's worker) or of each (list, stats, down, rekey,
// reload: answers are merged, counters summed). The effects a worker does
// not carry out itself come back to this thread in order
// (on_worker_effects): Send -> a socket, Event -> the log, `ternctl events`
// followers and pending `ternctl up` answers, Keylog -> the keylog file,
// Install/RemoveChildSa -> the ESP data plane (data_plane.h), which notes
// the worker of each CHILD_SA so that its data-plane events go back there.
//
// The timer tick also polls the data plane (DataPlane::poll_events: traffic
// seen, lifetime limits) and feeds each event to the engine before its own
// timers run; while any CHILD_SA is installed it ticks at least once a second
// (kDataPlanePoll), so traffic and limits reach the engine within ~1 s.
//
// Who calls it: ternd_main creates it from a loaded Config and runs the loop;
// reload() and shutdown() come from signals and the control socket.
//
// How it fails: create() returns an Error when a socket cannot be bound or
// the keylog cannot be opened (the daemon does not start half-working).
// After that nothing fails the daemon: a bad datagram is the engine's to
// drop, a failed send is logged and counted, a bad reload is refused and the
// running configuration stays.
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "control/request.h"
#include "control/up_tracker.h"
#include "crypto/random.h"
#include "daemon/data_plane.h"
#include "daemon/reload_plan.h"
#include "daemon/worker.h"
#include "ike/endpoint.h"
#include "io/address_monitor.h"
#include "io/clock.h"
#include "io/control_server.h"
#include "io/deadline_timer.h"
#include "io/file_append.h"
#include "io/signals.h"
#include "io/udp_socket.h"

namespace tern::daemon {

// Counters of the daemon itself (the engine has its own), for `ternctl stats`.
// The send counters are bumped by the workers' threads too.
struct DaemonCounters {
  std::atomic<uint64_t> send_errors = 0;
  std::atomic<uint64_t> no_socket_for_send = 0;
  uint64_t keylog_errors = 0;
  uint64_t reloads = 0;
  uint64_t reloads_refused = 0;
  uint64_t control_requests = 0;
  uint64_t control_bad_requests = 0;
  std::atomic<uint64_t> nat_keepalives = 0;  // RFC 3948 §2.3 one-octet 0xFF datagrams on the NAT-T port
  // Datagrams read by a thread other than their owner's (an IKE datagram on
  // the loop's or another worker's socket, ESP on a worker's) and handed over.
  std::atomic<uint64_t> datagrams_forwarded = 0;
  // ESP in UDP received with data_plane = "none" (dropped: nothing is installed).
  std::atomic<uint64_t> esp_without_data_plane = 0;
};

// How long a `ternctl up` waits in the daemon for the engine's outcome
// (ternctl itself usually gives up earlier: --timeout).
inline constexpr Duration kUpTimeout = seconds(120);
// How often the data plane is polled while any CHILD_SA is installed.
inline constexpr Duration kDataPlanePoll = seconds(1);

class Daemon {
 public:
  // `config_path` is re-read on reload.
  static Result<std::unique_ptr<Daemon>> create(asio::io_context& io, config::Config config,
                                                std::string config_path);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Starts receiving, acts on start_action. Call once, then run the loop.
  void start();
  // Re-reads the config file; the outcome as the JSON `ternctl reload` prints,
  // or the problems (one per line) when the new file is refused.
  Result<nlohmann::json> reload();
  // Deletes every IKE SA (INFORMATIONAL Delete), waits for the answers (at
  // most shutdown_grace), then stops the event loop.
  void shutdown();

 private:
  struct PendingUp {
    io::ClientId client;
    control::UpTracker tracker;
    Timestamp deadline;
  };

  Daemon(asio::io_context& io, config::Config config, std::string config_path);
  // `workers` (default: one per CPU, io/online_cpus.h), at most config::kMaxWorkers.
  uint32_t worker_count() const;
  Result<void> open_sockets();
  // `workers` workers, each with its shard of the engine.
  void make_workers();
  // More than one worker: each worker's socket in each group of sockets_
  // (workers in order: socket index 1 + worker), then the steering program
  // (a warning when the kernel refuses it: forwarding still works).
  Result<void> open_worker_sockets();
  // A datagram read on worker `worker`'s thread from its own socket.
  void on_worker_datagram(uint32_t worker, const ike::Address& local, const ike::Address& remote,
                          MutableByteView bytes);
  Worker& worker_for(const std::string& connection);
  // Whether a worker other than the connection's holds an IKE SA between its
  // identities: then a new IKE SA of it sends no INITIAL_CONTACT (ike::Up::peer_elsewhere).
  bool peer_on_other_worker(const std::string& connection);
  // Runs `job` on every worker in turn, waiting for each.
  void run_on_all(const Worker::Job& job);
  // Every worker's IKE SAs (by IkeSaId), and the sum of their counters.
  std::vector<ike::IkeSaStatus> all_status();
  ike::EndpointCounters all_counters();
  size_t ike_sa_count();
  void on_datagram(const ike::Address& local, const ike::Address& remote, MutableByteView bytes);
  void on_timer();
  void arm_timer();
  // Feeds what the data plane saw since the last poll to the engine (effects not run yet).
  void poll_data_plane(Timestamp now);
  // Carries out (on the event loop thread) the effects a worker handed over,
  // in order, then re-arms the timer.
  void on_worker_effects(uint32_t worker, std::vector<ike::Effect> effects);
  void settle();
  io::UdpSocket* socket_for(const ike::Address& local);
  bool send_udp(const ike::Address& local, const ike::Address& remote, ByteView bytes);
  void on_event(const ike::Event& event);
  void apply_start_actions(const std::vector<std::string>& names);
  // start_action = "trap" connections get a trap in the data plane; stale traps go.
  void install_traps();
  // A trap saw traffic: initiate its connection.
  void acquire(const std::string& connection);
  void check_shutdown_done();

  // control_handler.cc
  void on_control_line(io::ClientId client, std::string line);
  void on_control_close(io::ClientId client);
  void handle(io::ClientId client, const control::Request& request);
  void handle_up(io::ClientId client, const control::Request& request);
  void handle_down(io::ClientId client, const control::Request& request);
  void handle_rekey(io::ClientId client, const control::Request& request);
  Result<void> start_up(const control::Request& request);
  nlohmann::json stats();
  nlohmann::json list_sas();
  nlohmann::json list_certs() const;

  asio::io_context& io_;
  io::Clock clock_;
  crypto::OpenSslRandom random_;
  std::string config_path_;
  config::Config config_;
  std::vector<std::unique_ptr<io::UdpSocket>> sockets_;
  std::unique_ptr<io::ControlServer> control_;
  std::unique_ptr<DataPlane> data_plane_;
  // After the sockets, the clock and the data plane: destroyed (threads
  // joined) before what their hooks use.
  std::vector<std::unique_ptr<Worker>> workers_;
  // The worker whose Endpoint installed a CHILD_SA: the shard index its
  // inbound SPI carries (ike::shard_esp_spi), no table per CHILD_SA.
  uint32_t worker_of_child(uint32_t spi_in) const;
  std::unique_ptr<io::Signals> signals_;
  // MOBIKE: the host's addresses and routes, reported to the engine
  // (Endpoint::on_local_addresses) at start and after each change.
  std::unique_ptr<io::AddressMonitor> address_monitor_;
  void on_local_addresses(std::vector<ike::Address> addresses);
  std::optional<io::AppendFile> keylog_;
  io::DeadlineTimer timer_{io_, clock_, [this] { on_timer(); }};
  std::set<io::ClientId> followers_;  // `ternctl events`
  std::vector<PendingUp> pending_ups_;
  // Whether every Event matters on the loop (someone follows them or waits
  // for an `up`); read by the workers (wants_event), set on the loop thread
  // whenever followers_ or pending_ups_ change (note_event_watchers).
  std::atomic<bool> events_watched_ = false;
  void note_event_watchers();
  // Called on the workers' threads: whether the loop does anything with
  // `event` (on_event). The others are not handed over.
  bool wants_event(const ike::Event& event) const;
  std::map<std::string, uint64_t> teardown_reasons_;        // IKE SAs, by reason headline
  std::map<std::string, uint64_t> child_teardown_reasons_;  // CHILD_SAs, by reason headline
  Timestamp next_poll_{};  // of the data plane, while any CHILD_SA is installed
  DaemonCounters counters_;
  bool steering_attached_ = false;  // the steering program is on every socket group
  bool stopping_ = false;
  std::optional<Timestamp> shutdown_deadline_;
};

}  // namespace tern::daemon

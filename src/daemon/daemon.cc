#include "daemon/daemon.h"

#include <fmt/format.h>

#include <algorithm>
#include <asio/post.hpp>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "base/log.h"
#include "control/event_json.h"
#include "control/response.h"
#include "control/stats_json.h"
#include "daemon/shard_dispatch.h"
#include "daemon/steering_program.h"
#include "io/online_cpus.h"
#include "io/socket_address.h"
#include "wire/ts_payload.h"

namespace tern::daemon {
namespace {

constexpr Duration kShutdownGrace = seconds(3);
constexpr size_t kMaxTeardownReasons = 64;  // distinct reason texts kept; the rest count as "other"

LogLevel level_of(ike::EventKind kind) {
  using K = ike::EventKind;
  switch (kind) {
    case K::ike_sa_established:
    case K::ike_sa_destroyed:
    case K::child_sa_installed:
    case K::child_sa_removed:
    case K::child_sa_rekey_started:
    case K::child_sa_rekey_collision:
    case K::ike_sa_rekey_started:
    case K::ike_sa_rekeyed:
    case K::ike_sa_moved:
    case K::ike_sa_reauth:
    case K::nat_mapping_changed: return LogLevel::notice;
    case K::child_sa_failed:
    case K::proposal_mismatch:
    case K::authentication_failed:
    case K::dpd_action:
    case K::invalid_spi_reported:
    case K::child_sa_limit:
    case K::child_sa_rekey_failed:
    case K::ike_sa_rekey_failed:
    case K::certificate_note:
    case K::certificate_expired:
    case K::peer_restart_suspected:
    case K::pfs_mismatch: return LogLevel::warning;
    case K::invalid_ke_retry:
    case K::retransmit:
    case K::message_dropped: return LogLevel::info;
  }
  return LogLevel::info;
}

// Counts a teardown by the reason's headline: the text up to its first ':'
// ("peer not responding", "no acceptable IKE proposal (NO_PROPOSAL_CHOSEN)");
// details such as identities and offered algorithms stay in the log, not in
// the counters.
void count_reason(std::map<std::string, uint64_t>& reasons, const std::string& text) {
  std::string reason = text.substr(0, text.find(':'));
  if (!reasons.contains(reason) && reasons.size() >= kMaxTeardownReasons) reason = "other";
  ++reasons[reason];
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::create(asio::io_context& io, config::Config config,
                                               std::string config_path) {
  std::unique_ptr<Daemon> d(new Daemon(io, std::move(config), std::move(config_path)));
  if (Result<void> opened = d->open_sockets(); !opened) return fail(opened.error());
  d->make_workers();
  if (Result<void> opened = d->open_worker_sockets(); !opened) return fail(opened.error());
  if (d->config_.daemon.keylog) {
    Result<io::AppendFile> keylog = io::AppendFile::open(*d->config_.daemon.keylog);
    if (!keylog) return fail(keylog.error());
    d->keylog_.emplace(std::move(*keylog));
  }
  Daemon* self = d.get();
  const config::DaemonSettings& settings = d->config_.daemon;
  if (settings.data_plane == config::DataPlaneMode::tun) {
    Result<std::unique_ptr<DataPlane>> data_plane = DataPlane::create(
        io, DataPlaneSettings{settings.tun_device, settings.tun_mtu, settings.replay_window}, d->random_,
        [self](const ike::Address& local, const ike::Address& remote,
               std::span<const ByteView> esp) -> size_t {
          // Per packet: failures are counted by the data plane, not logged.
          io::UdpSocket* socket = self->socket_for(local);
          return socket != nullptr ? socket->send_batch(local, remote, esp).value_or(0) : 0;
        });
    if (!data_plane) return fail(data_plane.error());
    d->data_plane_ = std::move(*data_plane);
    d->data_plane_->set_acquire([self](const std::string& connection) {
      // Not from inside the data plane's packet loop: the engine's effects may
      // install the SA into that very data plane.
      asio::post(self->io_, [self, connection] { self->acquire(connection); });
    });
  } else {
    TERN_LOG(LogLevel::notice, "ternd",
             "data_plane = \"none\": CHILD_SAs are negotiated but installed nowhere, no TUN device; no "
             "traffic flows");
  }
  Result<std::unique_ptr<io::ControlServer>> control = io::ControlServer::open(
      io, d->config_.daemon.control_socket,
      [self](io::ClientId client, std::string line) { self->on_control_line(client, std::move(line)); },
      [self](io::ClientId client) { self->on_control_close(client); });
  if (!control) return fail(control.error());
  d->control_ = std::move(*control);
  return d;
}

Daemon::Daemon(asio::io_context& io, config::Config config, std::string config_path)
    : io_(io), config_path_(std::move(config_path)), config_(std::move(config)) {}

Daemon::~Daemon() {
  // The workers' threads first: their hooks use the sockets and the counters.
  for (const auto& w : workers_) w->stop();
}

uint32_t Daemon::worker_count() const {
  // Absent or "auto": one per CPU we may run on.
  const uint32_t count = config_.daemon.workers.value_or(io::online_cpus());
  return std::min(count, static_cast<uint32_t>(config::kMaxWorkers));
}

void Daemon::make_workers() {
  const uint32_t count = worker_count();
  const WorkerThreading threading =
      count == 1 ? WorkerThreading::inline_on_loop : WorkerThreading::own_thread;
  Worker::Hooks hooks;
  hooks.send = [this](const ike::Address& local, const ike::Address& remote, ByteView bytes) {
    send_udp(local, remote, bytes);
  };
  hooks.send_error = [this](const Error& e) {
    ++counters_.send_errors;
    TERN_LOG(LogLevel::warning, "ternd", "{}", e.detail);
  };
  hooks.wants_event = [this](const ike::Event& event) { return wants_event(event); };
  if (threading == WorkerThreading::inline_on_loop) {
    hooks.forward = [this](uint32_t worker, std::vector<ike::Effect> effects) {
      on_worker_effects(worker, std::move(effects));
    };
  } else {
    hooks.forward = [this](uint32_t worker, std::vector<ike::Effect> effects) {
      asio::post(io_, [this, worker, effects = std::move(effects)]() mutable {
        on_worker_effects(worker, std::move(effects));
      });
    };
  }
  ike::EndpointConfig base = config_.endpoint_config();
  // cookie_threshold counts the half-open IKE SAs of all workers, and the
  // INVALID_IKE_SPI rate limit is for the whole daemon: each worker gets its
  // share (IKE_SA_INITs and unknown SPIs spread evenly, shard_dispatch.h),
  // rounded up; 0 stays 0 ("always" / "never").
  base.cookie_threshold = (base.cookie_threshold + count - 1) / count;
  base.invalid_ike_spi_per_second = (base.invalid_ike_spi_per_second + count - 1) / count;
  base.shard_count = count;
  for (uint32_t i = 0; i < count; ++i) {
    ike::EndpointConfig shard = base;
    shard.shard_index = i;
    workers_.push_back(std::make_unique<Worker>(io_, threading, i, std::move(shard), clock_, hooks));
    if (config_.daemon.data_plane == config::DataPlaneMode::none) workers_.back()->drop_data_plane_effects();
  }
}

Worker& Daemon::worker_for(const std::string& connection) {
  return *workers_[shard_for_connection(connection, static_cast<uint32_t>(workers_.size()))];
}

bool Daemon::peer_on_other_worker(const std::string& connection) {
  if (workers_.size() <= 1) return false;
  const Worker& own = worker_for(connection);
  bool found = false;
  for (const auto& w : workers_) {
    if (w.get() == &own || found) continue;
    w->run([&](ike::Endpoint& e, Timestamp) { found = e.has_sa_with_peer_of(connection); });
  }
  return found;
}

void Daemon::run_on_all(const Worker::Job& job) {
  for (const auto& w : workers_) w->run(job);
}

std::vector<ike::IkeSaStatus> Daemon::all_status() {
  std::vector<ike::IkeSaStatus> out;
  run_on_all([&](ike::Endpoint& e, Timestamp) {
    std::vector<ike::IkeSaStatus> part = e.status();
    out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  });
  if (workers_.size() > 1)
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

ike::EndpointCounters Daemon::all_counters() {
  ike::EndpointCounters sum;
  run_on_all([&](ike::Endpoint& e, Timestamp) { control::add_counters(sum, e.counters()); });
  return sum;
}

size_t Daemon::ike_sa_count() {
  size_t count = 0;
  run_on_all([&](ike::Endpoint& e, Timestamp) { count += e.status().size(); });
  return count;
}

Result<void> Daemon::open_sockets() {
  const config::DaemonSettings& d = config_.daemon;
  const io::Sharing sharing = worker_count() > 1 ? io::Sharing::first_of_group : io::Sharing::exclusive;
  for (const ike::Address& listen : d.listen) {
    for (uint16_t port : {d.ike_port, d.natt_port}) {
      Result<std::unique_ptr<io::UdpSocket>> socket =
          io::UdpSocket::open(io_, listen.with_port(port), sharing);
      if (!socket) return fail(socket.error());
      sockets_.push_back(std::move(*socket));
    }
  }
  // Every connection must be reachable through a socket.
  for (const config::ConnectionSettings& c : config_.connections) {
    const ike::Address& local = c.engine->local;
    const bool covered = std::any_of(sockets_.begin(), sockets_.end(), [&](const auto& s) {
      return s->bound().family == local.family && (s->wildcard() || s->bound().same_ip(local));
    });
    if (!covered)
      return fail(Errc::io_error, fmt::format("connection {}: local address {} is not among daemon.listen",
                                              c.engine->name, local.to_string()));
  }
  return {};
}

Result<void> Daemon::open_worker_sockets() {
  if (workers_.size() <= 1) return {};
  const auto count = static_cast<uint32_t>(workers_.size());
  // Troubleshooting (and the net tests of the forwarding path): no program, forwarding only.
  const char* steering_env = std::getenv("TERND_STEERING");
  const bool steering_off = steering_env != nullptr && std::string_view(steering_env) == "off";
  std::string refused;
  for (const auto& loop_socket : sockets_) {
    // Join order is socket index: the loop's socket joined first (0), worker i joins as 1 + i.
    for (const auto& w : workers_) {
      Result<std::unique_ptr<io::UdpSocket>> socket =
          io::UdpSocket::open(w->context(), loop_socket->bound(), io::Sharing::joins_group);
      if (!socket) return fail(socket.error());
      const uint32_t index = w->index();
      w->add_socket(std::move(*socket), [this, index](const ike::Address& local, const ike::Address& remote,
                                                      MutableByteView bytes) {
        on_worker_datagram(index, local, remote, bytes);
      });
    }
    const bool natt = loop_socket->bound().port == config_.daemon.natt_port;
    if (steering_off) {
      refused = "TERND_STEERING=off in the environment";
      continue;
    }
    if (Result<void> attached = loop_socket->attach_steering(steering_program(count, natt)); !attached)
      refused = attached.error().detail;
  }
  steering_attached_ = refused.empty();
  if (!steering_attached_)
    TERN_LOG(LogLevel::warning, "ternd",
             "{}: the kernel spreads datagrams over the workers' sockets by a hash and they forward each "
             "datagram to its worker",
             refused);
  return {};
}

void Daemon::on_worker_datagram(uint32_t worker, const ike::Address& local, const ike::Address& remote,
                                MutableByteView bytes) {
  const bool natt = local.port == config_.daemon.natt_port;
  if (natt && bytes.size() == 1 && bytes[0] == 0xff) {  // RFC 3948 §2.3 NAT keepalive
    ++counters_.nat_keepalives;
    return;
  }
  if (natt && bytes.size() >= 4 && (bytes[0] | bytes[1] | bytes[2] | bytes[3]) != 0) {
    // ESP (RFC 3948 §2.2): the data plane's, on the loop (steered there unless the program is missing).
    if (!data_plane_) {
      ++counters_.esp_without_data_plane;
      return;
    }
    ++counters_.datagrams_forwarded;
    asio::post(io_, [this, local, remote, copy = std::vector<uint8_t>(bytes.begin(), bytes.end())]() mutable {
      data_plane_->on_udp_esp(local, remote, copy);
      data_plane_->flush_inbound();
    });
    return;
  }
  // The IKE header after the non-ESP marker (the Endpoint checks the marker itself).
  const ByteView message = natt && bytes.size() >= 4 ? ByteView(bytes).subspan(4) : ByteView(bytes);
  const uint32_t shard = shard_for_datagram(message, static_cast<uint32_t>(workers_.size()));
  if (shard == worker) {
    workers_[worker]->receive(local, remote, bytes);
    return;
  }
  ++counters_.datagrams_forwarded;
  workers_[shard]->deliver(local, remote, bytes);
}

void Daemon::start() {
  for (const auto& socket : sockets_) {
    if (socket->bound().port == config_.daemon.natt_port && data_plane_)
      socket->set_drained([this] { data_plane_->flush_inbound(); });
    // Answers sent while a received batch is handled go out together after it.
    socket->set_send_error([this](const Error& e) {
      ++counters_.send_errors;
      TERN_LOG(LogLevel::warning, "ternd", "{}", e.detail);
    });
    socket->start([this](const ike::Address& local, const ike::Address& remote, MutableByteView bytes) {
      on_datagram(local, remote, bytes);
    });
    TERN_LOG(LogLevel::info, "ternd", "listening on {} (UDP)", socket->bound().to_string());
  }
  signals_ = std::make_unique<io::Signals>(io_, [this](io::Signal signal) {
    if (signal == io::Signal::terminate) {
      shutdown();
      return;
    }
    TERN_LOG(LogLevel::notice, "ternd", "SIGHUP: reloading {}", config_path_);
    (void)reload();
  });
  for (const auto& w : workers_) w->start();
  TERN_LOG(LogLevel::notice, "ternd", "ternd started: {} connection(s) from {}, control socket {}, {}",
           config_.connections.size(), config_path_, control_->path(),
           workers_.size() == 1 ? std::string("1 worker (on the event loop thread)")
                                : fmt::format("{} worker threads", workers_.size()));
  Result<std::unique_ptr<io::AddressMonitor>> monitor = io::AddressMonitor::open(
      io_, data_plane_ ? data_plane_->device() : std::string(),
      [this](std::vector<ike::Address> addresses) { on_local_addresses(std::move(addresses)); });
  if (monitor) {
    address_monitor_ = std::move(*monitor);
    if (data_plane_) {
      // The data plane keeps the address list, read again after each change.
      address_monitor_->set_change_hook([this] { data_plane_->local_addresses_changed(); });
      data_plane_->keep_local_addresses();
    }
    on_local_addresses(address_monitor_->addresses());
  } else {
    TERN_LOG(LogLevel::warning, "ternd", "{}: MOBIKE will not notice address changes",
             monitor.error().detail);
  }
  std::vector<std::string> all;
  for (const auto& c : config_.connections) all.push_back(c.engine->name);
  install_traps();
  apply_start_actions(all);
  settle();
}

void Daemon::apply_start_actions(const std::vector<std::string>& names) {
  for (const config::ConnectionSettings& c : config_.connections) {
    if (c.start_action != config::StartAction::start) continue;
    if (std::find(names.begin(), names.end(), c.engine->name) == names.end()) continue;
    TERN_LOG(LogLevel::info, "ternd", "start_action = start: initiating {}", c.engine->name);
    const bool elsewhere = peer_on_other_worker(c.engine->name);
    worker_for(c.engine->name).run([&](ike::Endpoint& e, Timestamp now) {
      (void)e.command(ike::Up{c.engine->name, elsewhere}, now);
    });
  }
}

void Daemon::install_traps() {
  if (!data_plane_) return;  // the configuration allows no trap then (connection_section.cc)
  for (const config::ConnectionSettings& c : config_.connections) {
    if (c.start_action == config::StartAction::trap) {
      // Traps are per connection, on the first child's selectors; the
      // acquire brings the whole connection up (every child).
      data_plane_->add_trap(c.engine->name, c.engine->children.front().local_ts,
                            c.engine->children.front().remote_ts, c.engine->remote,
                            c.engine->children.front().mode);
    }
  }
  // Traps of connections that are gone or no longer trap.
  std::vector<std::string> stale;
  for (const Trap& t : data_plane_->traps().traps()) {
    const bool wanted =
        std::any_of(config_.connections.begin(), config_.connections.end(), [&](const auto& c) {
          return c.engine->name == t.connection && (c.start_action == config::StartAction::trap ||
                                                    c.engine->dpd_action == ike::DpdAction::trap);
        });
    if (!wanted) stale.push_back(t.connection);
  }
  for (const std::string& name : stale) data_plane_->remove_trap(name);
}

void Daemon::acquire(const std::string& connection) {
  if (stopping_) return;
  TERN_LOG(LogLevel::notice, "ternd", "traffic for {} matched its trap: initiating", connection);
  Result<void> up;
  const bool elsewhere = peer_on_other_worker(connection);
  worker_for(connection).run([&](ike::Endpoint& e, Timestamp now) {
    up = e.command(ike::Up{connection, elsewhere}, now);
  });
  if (!up) {
    TERN_LOG(LogLevel::error, "ternd", "trap {}: {}", connection, up.error().detail);
    if (data_plane_) data_plane_->trap_failed(connection);
  }
}

void Daemon::on_datagram(const ike::Address& local, const ike::Address& remote, MutableByteView bytes) {
  if (local.port == config_.daemon.natt_port) {
    // RFC 3948 §2.2: on the NAT-T port a non-zero SPI where IKE has its zero
    // marker is ESP; §2.3: a lone 0xFF octet is a NAT keepalive.
    if (bytes.size() == 1 && bytes[0] == 0xff) {
      ++counters_.nat_keepalives;
      return;
    }
    if (bytes.size() >= 4 && (bytes[0] | bytes[1] | bytes[2] | bytes[3]) != 0) {
      if (data_plane_) {
        data_plane_->on_udp_esp(local, remote, bytes);
      } else {
        ++counters_.esp_without_data_plane;
      }
      return;
    }
  }
  // The IKE header after the non-ESP marker on the NAT-T port (the Endpoint
  // checks the marker itself).
  const ByteView message = local.port == config_.daemon.natt_port && bytes.size() >= 4
                               ? ByteView(bytes).subspan(4)
                               : ByteView(bytes);
  // With several workers an IKE datagram belongs on a worker's socket: this
  // one was not steered there (no program, or too short to be steered).
  if (workers_.size() > 1) ++counters_.datagrams_forwarded;
  workers_[shard_for_datagram(message, static_cast<uint32_t>(workers_.size()))]->deliver(local, remote,
                                                                                         bytes);
}

void Daemon::on_local_addresses(std::vector<ike::Address> addresses) {
  std::string text;
  for (const ike::Address& a : addresses)
    text += (text.empty() ? "" : ", ") + wire::ip_address_to_string(a.ip_bytes());
  TERN_LOG(LogLevel::info, "ternd", "local addresses: {}", text.empty() ? "none" : text);
  for (const auto& w : workers_) {
    w->submit([addresses](ike::Endpoint& e, Timestamp now) { e.on_local_addresses(addresses, now); });
  }
}

uint32_t Daemon::worker_of_child(uint32_t spi_in) const {
  // With several workers each Endpoint puts its shard index (= worker index)
  // in the top octet of the inbound SPIs it allocates (ike::shard_esp_spi);
  // with one, the octet is random.
  return workers_.size() > 1 ? spi_in >> 24 : 0;
}

void Daemon::poll_data_plane(Timestamp now) {
  next_poll_ = now + kDataPlanePoll;
  if (!data_plane_) return;
  data_plane_->age(now);
  // Each event to the worker whose Endpoint installed the CHILD_SA; one
  // batch per worker.
  std::vector<std::vector<ike::DataplaneEvent>> batches(workers_.size());
  for (ike::DataplaneEvent& event : data_plane_->poll_events()) {
    const uint32_t spi_in = std::visit([](const auto& e) { return e.spi_in; }, event);
    if (const uint32_t worker = worker_of_child(spi_in); worker < batches.size())
      batches[worker].push_back(std::move(event));
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].empty()) continue;
    workers_[i]->submit([events = std::move(batches[i])](ike::Endpoint& e, Timestamp at) {
      for (const ike::DataplaneEvent& event : events) e.on_dataplane_event(event, at);
    });
  }
}

void Daemon::on_timer() {
  const Timestamp now = clock_.now();
  // First: ESP seen since the last poll postpones a liveness check due now.
  poll_data_plane(now);
  for (auto it = pending_ups_.begin(); it != pending_ups_.end();) {
    if (now < it->deadline) {
      ++it;
      continue;
    }
    control_->send(it->client, control::error_line(it->tracker.timeout_message(format_duration(kUpTimeout))));
    it = pending_ups_.erase(it);
  }
  settle();
}

void Daemon::arm_timer() {
  std::optional<Timestamp> next;  // the workers' Endpoints have their own timers
  auto consider = [&](Timestamp t) {
    if (!next || t < *next) next = t;
  };
  for (const PendingUp& p : pending_ups_) consider(p.deadline);
  if (shutdown_deadline_) consider(*shutdown_deadline_);
  if (data_plane_ && data_plane_->has_children()) consider(next_poll_);
  timer_.arm(next);
}

void Daemon::on_worker_effects(uint32_t worker, std::vector<ike::Effect> effects) {
  for (ike::Effect& effect : effects) {
    if (const auto* s = std::get_if<ike::Send>(&effect)) {
      send_udp(s->local, s->remote, s->bytes);
    } else if (const auto* e = std::get_if<ike::Event>(&effect)) {
      on_event(*e);
    } else if (const auto* k = std::get_if<ike::Keylog>(&effect)) {
      if (keylog_) {
        if (Result<void> w = keylog_->append_line(k->line); !w) {
          ++counters_.keylog_errors;
          TERN_LOG(LogLevel::error, "ternd", "keylog: {}", w.error().detail);
        }
      }
    } else if (const auto* install = std::get_if<ike::InstallChildSa>(&effect)) {
      if (data_plane_) data_plane_->install(*install);  // its worker: worker_of_child(spi_in)
    } else if (const auto* update = std::get_if<ike::UpdateChildSa>(&effect)) {
      if (data_plane_) data_plane_->update(*update);
    } else if (const auto* remove = std::get_if<ike::RemoveChildSa>(&effect)) {
      if (data_plane_) data_plane_->remove(*remove, clock_.now());
      count_reason(child_teardown_reasons_, remove->reason);
    } else if (const auto* contact = std::get_if<ike::InitialContactReceived>(&effect)) {
      relay_initial_contact(workers_, worker, *contact);
    }
  }
  settle();
}

void Daemon::settle() {
  note_event_watchers();
  arm_timer();
  check_shutdown_done();
}

io::UdpSocket* Daemon::socket_for(const ike::Address& local) {
  return io::socket_for(sockets_, local);
}

bool Daemon::send_udp(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  io::UdpSocket* socket = socket_for(local);
  if (socket == nullptr) {
    ++counters_.no_socket_for_send;
    TERN_LOG(LogLevel::error, "ternd", "no socket to send from {} to {}", local.to_string(),
             remote.to_string());
    return false;
  }
  if (Result<void> sent = socket->send(local, remote, bytes); !sent) {
    ++counters_.send_errors;
    TERN_LOG(LogLevel::warning, "ternd", "{}", sent.error().detail);
    return false;
  }
  return true;
}

bool Daemon::wants_event(const ike::Event& event) const {
  if (events_watched_.load(std::memory_order_acquire) || log_enabled(level_of(event.kind))) return true;
  // What on_event does with an event nobody watches and the log drops.
  return event.kind == ike::EventKind::ike_sa_destroyed || event.kind == ike::EventKind::child_sa_failed ||
         event.kind == ike::EventKind::dpd_action;
}

void Daemon::note_event_watchers() {
  events_watched_.store(!followers_.empty() || !pending_ups_.empty(), std::memory_order_release);
}

void Daemon::on_event(const ike::Event& event) {
  // Keep wants_event in step with what this does.
  if (log_enabled(level_of(event.kind))) {  // no formatting for a level that is off (hot path)
    const std::string who =
        event.ike_sa == ike::IkeSaId{0}
            ? (event.connection.empty() ? std::string() : event.connection + ": ")
            : fmt::format("{}[{}]: ", event.connection, static_cast<uint64_t>(event.ike_sa));
    log_message(level_of(event.kind), "ike", fmt::format("{}{}", who, event.text));
  }
  if (!data_plane_) {
    // No traps (connection_section.cc refuses them).
  } else if (event.kind == ike::EventKind::ike_sa_destroyed ||
             event.kind == ike::EventKind::child_sa_failed) {
    data_plane_->trap_failed(event.connection);
  } else if (event.kind == ike::EventKind::dpd_action) {
    for (const config::ConnectionSettings& c : config_.connections) {
      if (c.engine->name == event.connection && c.engine->dpd_action == ike::DpdAction::trap)
        data_plane_->add_trap(c.engine->name, c.engine->children.front().local_ts,
                              c.engine->children.front().remote_ts, c.engine->remote,
                              c.engine->children.front().mode);
    }
  }
  if (event.kind == ike::EventKind::ike_sa_destroyed) {
    count_reason(teardown_reasons_, event.text);
  }
  if (!followers_.empty()) {
    const std::string line = control::event_line(control::event_json(event, clock_.wall_now()));
    for (io::ClientId client : std::set<io::ClientId>(followers_)) control_->send(client, line);
  }
  for (auto it = pending_ups_.begin(); it != pending_ups_.end();) {
    std::optional<control::UpOutcome> outcome = it->tracker.on_event(event);
    if (!outcome) {
      ++it;
      continue;
    }
    control_->send(it->client, outcome->ok ? control::ok_line(control::up_result_json(*outcome))
                                           : control::error_line(outcome->message));
    it = pending_ups_.erase(it);
  }
}

Result<nlohmann::json> Daemon::reload() {
  config::LoadResult loaded = config::load_file(config_path_);
  if (!loaded) {
    ++counters_.reloads_refused;
    std::string text = fmt::format("reload refused, the running configuration stays ({} problem(s)):",
                                   loaded.error().size());
    for (const config::Problem& p : loaded.error()) {
      TERN_LOG(LogLevel::error, "config", "{}", p.to_string());
      text += " " + p.to_string() + ";";
    }
    TERN_LOG(LogLevel::error, "ternd", "reload of {} refused: the running configuration stays", config_path_);
    return fail(Errc::invalid_syntax, text);
  }
  for (const config::Problem& w : loaded->warnings)
    TERN_LOG(LogLevel::warning, "config", "{}", w.to_string());
  ReloadPlan plan = plan_reload(config_, std::move(*loaded));
  std::vector<std::shared_ptr<const ike::ConnectionConfig>> connections;
  for (const auto& c : plan.next.connections) connections.push_back(c.engine);
  size_t going = 0;
  const bool keylog_wanted = plan.next.daemon.keylog.has_value();
  run_on_all([&](ike::Endpoint& e, Timestamp now) {
    going += e.reload(connections, now);
    e.set_keylog(keylog_wanted);
  });
  // Settings that need no new socket apply at once.
  const config::DaemonSettings running_daemon = config_.daemon;
  if (plan.next.daemon.keylog != running_daemon.keylog) {
    keylog_.reset();
    if (plan.next.daemon.keylog) {
      Result<io::AppendFile> keylog = io::AppendFile::open(*plan.next.daemon.keylog);
      if (keylog) {
        keylog_.emplace(std::move(*keylog));
      } else {
        TERN_LOG(LogLevel::error, "ternd", "keylog: {}", keylog.error().detail);
      }
    }
  }
  if (plan.next.daemon.log_level != running_daemon.log_level) set_log_level(plan.next.daemon.log_level);
  config_ = std::move(plan.next);
  // Socket settings stay as they are until a restart.
  config_.daemon.listen = running_daemon.listen;
  config_.daemon.ike_port = running_daemon.ike_port;
  config_.daemon.natt_port = running_daemon.natt_port;
  config_.daemon.control_socket = running_daemon.control_socket;
  ++counters_.reloads;
  TERN_LOG(LogLevel::notice, "ternd",
           "reloaded {}: {} added, {} changed, {} removed, {} unchanged; {} IKE SA(s) of changed or removed "
           "connections deleted",
           config_path_, plan.added.size(), plan.changed.size(), plan.removed.size(), plan.unchanged.size(),
           going);
  for (const std::string& key : plan.needs_restart)
    TERN_LOG(LogLevel::warning, "ternd", "daemon.{} changed: it takes effect when ternd is restarted", key);
  std::vector<std::string> start = plan.added;
  start.insert(start.end(), plan.changed.begin(), plan.changed.end());
  install_traps();
  apply_start_actions(start);
  return nlohmann::json{{"added", plan.added},      {"changed", plan.changed},
                        {"removed", plan.removed},  {"unchanged", plan.unchanged},
                        {"ike_sas_deleted", going}, {"needs_restart", plan.needs_restart}};
}

void Daemon::shutdown() {
  if (stopping_) {
    TERN_LOG(LogLevel::notice, "ternd", "second termination signal: exiting now");
    io_.stop();
    return;
  }
  stopping_ = true;
  const Timestamp now = clock_.now();
  shutdown_deadline_ = now + kShutdownGrace;
  TERN_LOG(LogLevel::notice, "ternd", "shutting down: deleting {} IKE SA(s)", ike_sa_count());
  run_on_all([&](ike::Endpoint& e, Timestamp at) {
    for (const auto& c : config_.connections) (void)e.command(ike::Down{c.engine->name}, at);
    // A responder SA whose connection a reload removed has no name to go by.
    (void)e.reload({}, at);
  });
  settle();
}

void Daemon::check_shutdown_done() {
  if (!stopping_) return;
  const size_t left = ike_sa_count();
  if (left == 0 || (shutdown_deadline_ && clock_.now() >= *shutdown_deadline_)) {
    if (left != 0)
      TERN_LOG(LogLevel::warning, "ternd", "exiting with {} IKE SA(s) whose Delete was not answered", left);
    TERN_LOG(LogLevel::notice, "ternd", "ternd stopped");
    shutdown_deadline_.reset();
    timer_.arm(std::nullopt);
    io_.stop();
  }
}

}  // namespace tern::daemon

// The daemon's side of the control protocol (docs/control.md): one request
// line in, one response line out — except `up`, answered when the engine
// reports the outcome (control::UpTracker), and `events`, which keeps the
// client as a follower of every event line.
//
// With several workers (worker.h) a command goes where its IKE SAs are:
// `up CONN` to the connection's worker; `up CONN/CHILD` to the workers that
// hold an established IKE SA of CONN (else the connection's worker); `down`
// and `rekey` to every worker, refused only when every worker refuses;
// `list-sas` and `stats` merge every worker's answer.
#include <fmt/format.h>

#include <algorithm>

#include "base/log.h"
#include "control/cert_json.h"
#include "control/response.h"
#include "control/sa_json.h"
#include "control/stats_json.h"
#include "daemon/daemon.h"

namespace tern::daemon {
void Daemon::on_control_line(io::ClientId client, std::string line) {
  ++counters_.control_requests;
  Result<control::Request> request = control::parse_request(line);
  if (!request) {
    ++counters_.control_bad_requests;
    control_->send(client, control::error_line(request.error().detail));
    return;
  }
  handle(client, *request);
}

void Daemon::on_control_close(io::ClientId client) {
  followers_.erase(client);
  std::erase_if(pending_ups_, [&](const PendingUp& p) { return p.client == client; });
  note_event_watchers();
}

void Daemon::handle(io::ClientId client, const control::Request& request) {
  using Kind = control::Request::Kind;
  switch (request.kind) {
    case Kind::up: handle_up(client, request); return;
    case Kind::down: handle_down(client, request); return;
    case Kind::rekey: handle_rekey(client, request); return;
    case Kind::list_sas: control_->send(client, control::ok_line(list_sas())); return;
    case Kind::list_certs: control_->send(client, control::ok_line(list_certs())); return;
    case Kind::stats: control_->send(client, control::ok_line(stats())); return;
    case Kind::reload: {
      TERN_LOG(LogLevel::notice, "ternd", "ternctl reload: reloading {}", config_path_);
      Result<nlohmann::json> outcome = reload();
      control_->send(client,
                     outcome ? control::ok_line(*outcome) : control::error_line(outcome.error().detail));
      return;
    }
    case Kind::events:
      followers_.insert(client);
      note_event_watchers();
      control_->send(client, control::ok_line(std::string(control::kEventsFollowing)));
      return;
  }
}

void Daemon::handle_up(io::ClientId client, const control::Request& request) {
  if (stopping_) {
    control_->send(client, control::error_line("ternd is shutting down"));
    return;
  }
  const Timestamp now = clock_.now();
  pending_ups_.push_back(
      PendingUp{client, control::UpTracker(request.connection, request.child), now + kUpTimeout});
  note_event_watchers();  // before the workers start: they hand over what the tracker waits for
  Result<void> started = start_up(request);
  if (!started) {
    pending_ups_.pop_back();
    control_->send(client, control::error_line(started.error().detail));
    return;
  }
  TERN_LOG(LogLevel::info, "ternd", "ternctl up {}{}{}: initiating", request.connection,
           request.child.empty() ? "" : "/", request.child);
}

// CONN/CHILD: that child on the IKE SAs that are up, or a new IKE SA
// making only it (ike::UpChild); CONN: a new IKE SA with every child.
Result<void> Daemon::start_up(const control::Request& request) {
  Result<void> started;
  if (request.child.empty()) {
    const bool elsewhere = peer_on_other_worker(request.connection);
    worker_for(request.connection).run([&](ike::Endpoint& e, Timestamp now) {
      started = e.command(ike::Up{request.connection, elsewhere}, now);
    });
    return started;
  }
  ike::UpChild up{request.connection, request.child};
  bool any_up = false;
  run_on_all([&](ike::Endpoint& e, Timestamp now) {
    const std::vector<ike::IkeSaStatus> sas = e.status();
    const bool has_up = std::any_of(sas.begin(), sas.end(), [&](const ike::IkeSaStatus& sa) {
      return sa.connection == request.connection && sa.state == ike::IkeSaState::established;
    });
    if (!has_up) return;
    any_up = true;
    if (Result<void> r = e.command(up, now); !r) started = r;
  });
  if (!any_up) {
    up.peer_elsewhere = peer_on_other_worker(request.connection);
    worker_for(request.connection).run([&](ike::Endpoint& e, Timestamp now) {
      started = e.command(up, now);
    });
  }
  return started;
}

namespace {

// The outcome of one command given to every worker: refused only when every
// worker refused it (with the first refusal).
struct Broadcast {
  size_t accepted = 0;
  std::optional<Error> refusal;
  void add(Result<void> r) {
    if (r) {
      ++accepted;
    } else if (!refusal) {
      refusal = r.error();
    }
  }
  Result<void> outcome() const {
    if (accepted == 0 && refusal) return fail(*refusal);
    return {};
  }
};

}  // namespace

void Daemon::handle_down(io::ClientId client, const control::Request& request) {
  if (!request.child.empty()) {
    size_t count = 0;
    Broadcast all;
    run_on_all([&](ike::Endpoint& e, Timestamp now) {
      for (const ike::IkeSaStatus& sa : e.status()) {
        if (sa.connection != request.connection || sa.state != ike::IkeSaState::established) continue;
        for (const ike::ChildSa& child : sa.children)
          count += child.name == request.child && !child.deleting ? 1 : 0;
      }
      all.add(e.command(ike::DownChild{request.connection, request.child}, now));
    });
    if (Result<void> done = all.outcome(); !done) {
      control_->send(client, control::error_line(done.error().detail));
      return;
    }
    TERN_LOG(LogLevel::info, "ternd", "ternctl down {}/{}: deleting {} CHILD_SA(s)", request.connection,
             request.child, count);
    control_->send(client, control::ok_line(nlohmann::json{
                               {"message", fmt::format("deleting {} CHILD_SA(s) of {}/{}", count,
                                                       request.connection, request.child)},
                               {"child_sas", count}}));
    return;
  }
  size_t count = 0;
  Broadcast all;
  run_on_all([&](ike::Endpoint& e, Timestamp now) {
    for (const ike::IkeSaStatus& sa : e.status()) count += sa.connection == request.connection ? 1 : 0;
    all.add(e.command(ike::Down{request.connection}, now));
  });
  if (Result<void> done = all.outcome(); !done) {
    control_->send(client, control::error_line(done.error().detail));
    return;
  }
  TERN_LOG(LogLevel::info, "ternd", "ternctl down {}: deleting {} IKE SA(s)", request.connection, count);
  control_->send(client,
                 control::ok_line(nlohmann::json{
                     {"message", fmt::format("deleting {} IKE SA(s) of {}", count, request.connection)},
                     {"ike_sas", count}}));
}

// Starts the rekey and answers at once: the outcome shows in `ternctl events`
// and `list-sas` (new SPIs), or as a child_sa_rekey_failed / ike_sa_rekey_failed
// / ike_sa_reauth event.
void Daemon::handle_rekey(io::ClientId client, const control::Request& request) {
  if (request.child.empty()) {
    uint64_t count = 0;
    Broadcast all;
    run_on_all([&](ike::Endpoint& e, Timestamp now) {
      const ike::EndpointCounters& c = e.counters();
      const uint64_t before = request.reauth ? c.ike_reauths_started : c.ike_rekeys_started;
      all.add(request.reauth ? e.command(ike::Reauth{request.connection}, now)
                             : e.command(ike::Rekey{request.connection, ""}, now));
      count += (request.reauth ? c.ike_reauths_started : c.ike_rekeys_started) - before;
    });
    if (Result<void> started = all.outcome(); !started) {
      control_->send(client, control::error_line(started.error().detail));
      return;
    }
    const char* what = request.reauth ? "reauthenticating" : "rekeying";
    TERN_LOG(LogLevel::info, "ternd", "ternctl rekey {}{}: {} {} IKE SA(s)", request.connection,
             request.reauth ? " --reauth" : "", what, count);
    control_->send(client, control::ok_line(nlohmann::json{
                               {"message", fmt::format("{} {} IKE SA(s) of {} (started; see `ternctl events` "
                                                       "or `list-sas` for the new SPIs)",
                                                       what, count, request.connection)},
                               {"ike_sas", count}}));
    return;
  }
  uint64_t count = 0;
  Broadcast all;
  run_on_all([&](ike::Endpoint& e, Timestamp now) {
    const uint64_t before = e.counters().child_rekeys_started;
    all.add(e.command(ike::Rekey{request.connection, request.child}, now));
    count += e.counters().child_rekeys_started - before;
  });
  if (Result<void> started = all.outcome(); !started) {
    control_->send(client, control::error_line(started.error().detail));
    return;
  }
  TERN_LOG(LogLevel::info, "ternd", "ternctl rekey {}/{}: rekeying {} CHILD_SA(s)", request.connection,
           request.child, count);
  control_->send(client, control::ok_line(nlohmann::json{
                             {"message", fmt::format("rekeying {} CHILD_SA(s) of {}/{} (started; see "
                                                     "`ternctl events` or `list-sas` for the new SPIs)",
                                                     count, request.connection, request.child)},
                             {"child_sas", count}}));
}

nlohmann::json Daemon::list_certs() const {
  std::vector<control::CertListing> certs;
  for (const config::ConnectionSettings& c : config_.connections) {
    for (const config::LoadedCertificate& cert : c.certificates)
      certs.push_back({c.engine->name, std::string(config::to_string(cert.role)), cert.subject, cert.issuer,
                       cert.not_after, cert.file});
  }
  const auto now = std::chrono::system_clock::now();  // ternd, not the engine, reads clocks
  return control::list_certs_json(
      certs, std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

nlohmann::json Daemon::list_sas() {
  const std::vector<ike::IkeSaStatus> sas = all_status();
  nlohmann::json out =
      control::list_sas_json(sas, control::WallClock{[this](Timestamp t) { return clock_.wall_text(t); }});
  // The data plane's counters, by the child's inbound SPI (same order as `sas`).
  for (size_t i = 0; i < sas.size(); ++i) {
    for (size_t j = 0; j < sas[i].children.size(); ++j) {
      std::optional<ChildTraffic> t =
          data_plane_ ? data_plane_->traffic(sas[i].children[j].spi_in) : std::nullopt;
      if (!t) continue;
      nlohmann::json& child = out[i]["children"][j];
      child["bytes_in"] = t->bytes_in;
      child["bytes_out"] = t->bytes_out;
      child["packets_in"] = t->packets_in;
      child["packets_out"] = t->packets_out;
      child["replay_drops"] = t->replay_drops;
      child["auth_failures"] = t->auth_failures;
      child["dropped_in"] = t->dropped_in;
    }
  }
  return out;
}

nlohmann::json Daemon::stats() {
  nlohmann::json out = control::stats_json(all_counters(), teardown_reasons_);
  // CHILD_SAs removed, by reason: with their IKE SA, deleted by either end,
  // or at a lifetime limit ("CHILD_SA lifetime reached (life_packets = 50)").
  nlohmann::json& child_reasons = out["child_teardown_reasons"];
  child_reasons = nlohmann::json::object();
  for (const auto& [reason, count] : child_teardown_reasons_) child_reasons[reason] = count;
  out["daemon"] = {{"workers", workers_.size()},
                   {"send_errors", counters_.send_errors.load()},
                   {"no_socket_for_send", counters_.no_socket_for_send.load()},
                   {"keylog_errors", counters_.keylog_errors},
                   {"reloads", counters_.reloads},
                   {"reloads_refused", counters_.reloads_refused},
                   {"control_requests", counters_.control_requests},
                   {"control_bad_requests", counters_.control_bad_requests}};
  uint64_t receive_errors = 0, udp_gso_sends = 0, udp_gro_runs = 0;
  auto add = [&](const std::vector<std::unique_ptr<io::UdpSocket>>& sockets) {
    for (const auto& s : sockets) {
      receive_errors += s->receive_errors();
      udp_gso_sends += s->gso_sends();
      udp_gro_runs += s->gro_runs();
    }
  };
  add(sockets_);
  // The workers' own sockets, read on their threads.
  for (const auto& w : workers_) w->run([&](ike::Endpoint&, Timestamp) { add(w->sockets()); });
  out["daemon"]["receive_errors"] = receive_errors;
  uint64_t queue_drops = 0;  // datagrams dropped because a worker's queue was full (worker.h)
  for (const auto& w : workers_) queue_drops += w->queue_drops();
  out["daemon"]["worker_queue_drops"] = queue_drops;
  out["ike_sas"] = ike_sa_count();
  out["daemon"]["nat_keepalives"] = counters_.nat_keepalives.load();
  out["daemon"]["datagrams_forwarded"] = counters_.datagrams_forwarded.load();
  out["daemon"]["steering"] = workers_.size() <= 1 ? "none (one worker)"
                              : steering_attached_ ? "bpf"
                                                   : "off (forwarding only)";
  out["daemon"]["data_plane"] = config::to_string(config_.daemon.data_plane);
  out["daemon"]["esp_without_data_plane"] = counters_.esp_without_data_plane.load();
  const DataPlaneCounters none{};  // all zero: nothing is installed, no TUN device
  const DataPlaneCounters& dp = data_plane_ ? data_plane_->counters() : none;
  nlohmann::json& plane = out["data_plane"];
  plane["tun_packets"] = dp.tun_packets;
  plane["tun_super_packets"] = dp.tun_super_packets;
  plane["trapped"] = dp.trapped;
  plane["batches_sent"] = dp.batches_sent;
  plane["no_policy"] = dp.no_policy;
  plane["unparsable_inner"] = dp.unparsable_inner;
  plane["encap_failed"] = dp.encap_failed;
  plane["send_errors"] = dp.send_errors;
  plane["esp_received"] = dp.esp_received;
  plane["unknown_spi"] = dp.unknown_spi;
  plane["esp_held"] = dp.esp_held;  // came before their CHILD_SA was installed, taken once it was
  plane["decap_failed"] = dp.decap_failed;
  plane["tun_write_errors"] = dp.tun_write_errors;
  plane["coalesced"] = dp.coalesced;
  plane["route_errors"] = dp.route_errors;
  plane["transport_refused"] = dp.transport_refused;  // TUN packets transport mode cannot carry
  plane["transport_mismatches"] =
      dp.transport_mismatches;                          // inbound transport payloads outside the selectors
  plane["esp_source_changes"] = dp.esp_source_changes;  // authenticated ESP from a new peer address
  plane["peer_moves"] = dp.peer_moves;                  // CHILD_SAs moved to the peer's new address
  plane["udp_gso_sends"] = udp_gso_sends;               // ESP-in-UDP batches sent with UDP_SEGMENT
  plane["udp_gro_runs"] = udp_gro_runs;                 // coalesced runs of ESP-in-UDP received (UDP_GRO)
  return out;
}

}  // namespace tern::daemon

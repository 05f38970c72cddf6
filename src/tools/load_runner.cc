#include "tools/load_runner.h"

#include <poll.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <queue>
#include <unordered_map>
#include <variant>

#include "crypto/random.h"
#include "ike/endpoint.h"
#include "io/clock.h"
#include "tools/load_socket.h"

namespace tern::tools {
namespace {

constexpr uint16_t kEnginePort = 500;  // the engine's view of both IKE ports
constexpr uint16_t kEngineNattPort = 4500;

enum class Phase : uint8_t { setting_up, deleting };

struct Setup {
  uint64_t id = 0;
  size_t local = 0;  // index into options.locals
  std::unique_ptr<ike::Endpoint> endpoint;
  Phase phase = Phase::setting_up;
  Timestamp started{};
  Timestamp give_up{};
  uint64_t spi = 0;  // our SPIi, as the 8 header octets (host order of the raw bytes)
  uint64_t generation = 0;
  std::string failure;  // the first specific reason the engine gave
  bool over = false;
};

struct LocalSockets {
  std::unique_ptr<LoadSocket> ike;
  std::unique_ptr<LoadSocket> natt;
};

struct Due {
  Timestamp at;
  uint64_t id;
  uint64_t generation;
  bool operator>(const Due& o) const { return at > o.at; }
};

// The reason's headline, as ternd counts teardowns: the text up to its first ':'.
std::string headline(const std::string& text) {
  return text.substr(0, text.find(':'));
}

uint64_t spi_key(ByteView header) {
  uint64_t key = 0;
  std::memcpy(&key, header.data(), sizeof key);
  return key;
}

class Runner {
 public:
  Runner(const LoadOptions& options, std::vector<std::shared_ptr<const ike::ConnectionConfig>> connections,
         const ike::EndpointConfig& endpoint_template)
      : o_(options), connections_(std::move(connections)), template_(endpoint_template) {
    template_.connections.clear();
    report_.target = o_.target.to_string();
    report_.suite = o_.suite;
    report_.auth = o_.auth;
    report_.concurrency = o_.concurrency;
  }

  Result<void> open() {
    for (const ike::Address& local : o_.locals) {
      LocalSockets s;
      Result<std::unique_ptr<LoadSocket>> ike = LoadSocket::open(local);
      if (!ike) return fail(ike.error());
      Result<std::unique_ptr<LoadSocket>> natt = LoadSocket::open(local.with_port(o_.local_natt_port));
      if (!natt) return fail(natt.error());
      s.ike = std::move(*ike);
      s.natt = std::move(*natt);
      sockets_.push_back(std::move(s));
    }
    return {};
  }

  LoadReport run() {
    const Timestamp begin = clock_.now();
    const Timestamp stop_starting = begin + o_.duration;
    const Timestamp hard_end = stop_starting + o_.timeout + seconds(1);
    Timestamp next_start = begin;
    const Duration interval =
        o_.rate > 0 ? Duration{static_cast<int64_t>(std::llround(1e6 / o_.rate))} : Duration::zero();
    std::vector<pollfd> fds;
    for (const LocalSockets& s : sockets_) {
      fds.push_back(pollfd{s.ike->fd(), POLLIN, 0});
      fds.push_back(pollfd{s.natt->fd(), POLLIN, 0});
    }
    for (;;) {
      collect();
      Timestamp now = clock_.now();
      while (active_ < o_.concurrency && report_.started < o_.count && now < stop_starting &&
             (interval == Duration::zero() || now >= next_start)) {
        start_one(now);
        if (interval != Duration::zero()) next_start = std::max(next_start + interval, now - seconds(1));
      }
      while (!due_.empty() && due_.top().at <= now) {
        const Due d = due_.top();
        due_.pop();
        auto it = setups_.find(d.id);
        if (it == setups_.end() || it->second->generation != d.generation) continue;
        on_timer(*it->second, now);
      }
      const bool nothing_left = report_.started == o_.count || now >= stop_starting;
      if (active_ == 0 && nothing_left) break;
      if (now >= hard_end) {
        report_.fail("unfinished at the end of the run", active_);
        break;
      }
      Timestamp wake = hard_end;
      if (!due_.empty()) wake = std::min(wake, due_.top().at);
      if (!nothing_left && active_ < o_.concurrency) wake = std::min(wake, std::max(next_start, now));
      if (!nothing_left) wake = std::min(wake, stop_starting);
      const auto wait_us = std::max<int64_t>(0, (wake - now).count());
      const timespec ts{static_cast<time_t>(wait_us / 1'000'000),
                        static_cast<long>((wait_us % 1'000'000) * 1000)};
      if (::ppoll(fds.data(), fds.size(), &ts, nullptr) <= 0) continue;
      now = clock_.now();
      for (size_t i = 0; i < fds.size(); ++i) {
        if ((fds[i].revents & POLLIN) == 0) continue;
        const bool natt = (i % 2) == 1;
        const size_t local = i / 2;
        LoadSocket& socket = natt ? *sockets_[local].natt : *sockets_[local].ike;
        socket.receive(
            [&](const ike::Address& from, ByteView bytes) { on_datagram(local, natt, from, bytes, now); });
      }
      collect();
    }
    report_.wall = clock_.now() - begin;
    if (first_start_ && last_done_) report_.busy = *last_done_ - *first_start_;
    return std::move(report_);
  }

 private:
  void start_one(Timestamp now) {
    const size_t local = static_cast<size_t>(report_.started % o_.locals.size());
    auto setup = std::make_unique<Setup>();
    setup->id = next_id_++;
    setup->local = local;
    ike::EndpointConfig config = template_;
    config.connections = {connections_[local]};
    setup->endpoint = std::make_unique<ike::Endpoint>(std::move(config), random_);
    setup->endpoint->set_wall_clock_offset(clock_.wall_offset());
    setup->started = now;
    setup->give_up = now + o_.timeout;
    ++report_.started;
    ++active_;
    if (!first_start_) first_start_ = now;
    Setup& s = *setup;
    setups_.emplace(s.id, std::move(setup));
    (void)s.endpoint->command(ike::Up{connections_[local]->name}, now);
    after_input(s, now);
  }

  void on_datagram(size_t local, bool natt, const ike::Address& from, ByteView bytes, Timestamp now) {
    ++report_.datagrams_received;
    ByteView ike = bytes;
    if (natt) {
      // RFC 3948 §2.2/2.3: a keepalive or ESP is not for us; IKE follows four zero octets.
      if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0 || bytes[3] != 0) return;
      ike = bytes.subspan(4);
    }
    if (ike.size() < 28) return;
    auto it = by_spi_.find(spi_key(ike));
    if (it == by_spi_.end()) return;  // a setup that is over: late retransmits
    auto sit = setups_.find(it->second);
    if (sit == setups_.end()) return;
    Setup& s = *sit->second;
    const ike::Address engine_local = o_.locals[local].with_port(natt ? kEngineNattPort : kEnginePort);
    const ike::Address engine_remote =
        from.with_port(from.port == o_.target.port ? kEnginePort : kEngineNattPort);
    s.endpoint->on_datagram(engine_local, engine_remote, bytes, now);
    after_input(s, now);
  }

  void on_timer(Setup& s, Timestamp now) {
    if (now >= s.give_up) {
      if (s.phase == Phase::setting_up) {
        report_.fail(s.failure.empty() ? "timed out" : "timed out after: " + s.failure);
      } else {
        ++report_.failures["delete: timed out"];
      }
      finish(s);
      return;
    }
    s.endpoint->on_timer(now);
    after_input(s, now);
  }

  void after_input(Setup& s, Timestamp now) {
    for (ike::Effect& effect : s.endpoint->take_effects()) {
      if (s.over) break;
      if (auto* send = std::get_if<ike::Send>(&effect)) {
        send_datagram(s, *send);
      } else if (std::holds_alternative<ike::InstallChildSa>(effect)) {
        if (s.phase != Phase::setting_up) continue;
        report_.latency.record(now - s.started);
        ++report_.succeeded;
        last_done_ = now;
        if (o_.delete_after) {
          s.phase = Phase::deleting;
          s.give_up = now + o_.timeout;
          (void)s.endpoint->command(ike::Down{connections_[s.local]->name}, now);
          for (ike::Effect& more : s.endpoint->take_effects()) {
            if (auto* d = std::get_if<ike::Send>(&more)) send_datagram(s, *d);
          }
        } else {
          finish(s);  // the responder keeps its SA; we forget ours
        }
      } else if (auto* event = std::get_if<ike::Event>(&effect)) {
        on_event(s, *event);
      }
    }
    if (s.over) return;
    std::optional<Timestamp> next = s.endpoint->next_deadline();
    const Timestamp at = next ? std::min(*next, s.give_up) : s.give_up;
    due_.push(Due{at, s.id, ++s.generation});
  }

  void on_event(Setup& s, const ike::Event& event) {
    using K = ike::EventKind;
    switch (event.kind) {
      case K::retransmit: ++report_.retransmits; break;
      case K::proposal_mismatch:
      case K::authentication_failed:
      case K::child_sa_failed:
        if (s.failure.empty())
          s.failure = std::string(ike::to_string(event.kind)) + ": " + headline(event.text);
        if (event.kind == K::child_sa_failed && s.phase == Phase::setting_up) {
          report_.fail(s.failure);
          finish(s);
        }
        break;
      case K::ike_sa_destroyed:
        if (s.phase == Phase::setting_up) {
          report_.fail(s.failure.empty() ? headline(event.text) : s.failure);
        } else {
          ++report_.deleted;
          if (event.text.find("not responding") != std::string::npos)
            ++report_.failures["delete: " + headline(event.text)];
        }
        finish(s);
        break;
      default: break;
    }
  }

  void send_datagram(Setup& s, const ike::Send& send) {
    const bool natt = send.local.port == kEngineNattPort;
    ByteView header = ByteView(send.bytes).subspan(natt && send.bytes.size() >= 4 ? 4 : 0);
    if (header.size() >= 8 && s.spi == 0) {
      s.spi = spi_key(header);
      by_spi_[s.spi] = s.id;
    }
    const ike::Address to =
        o_.target.with_port(send.remote.port == kEnginePort ? o_.target.port : o_.target_natt_port);
    LoadSocket& socket = natt ? *sockets_[s.local].natt : *sockets_[s.local].ike;
    if (socket.send(to, send.bytes)) {
      ++report_.datagrams_sent;
    } else {
      ++report_.failures["send errors (not counted as failed setups)"];
    }
  }

  // The setup is over: its Endpoint goes after this input (collect()).
  void finish(Setup& s) {
    if (s.over) return;
    s.over = true;
    --active_;
    finished_.push_back(s.id);
  }

  void collect() {
    for (uint64_t id : finished_) {
      auto it = setups_.find(id);
      if (it == setups_.end()) continue;
      if (it->second->spi != 0) by_spi_.erase(it->second->spi);
      setups_.erase(it);
    }
    finished_.clear();
  }

  const LoadOptions& o_;
  std::vector<std::shared_ptr<const ike::ConnectionConfig>> connections_;
  ike::EndpointConfig template_;
  io::Clock clock_;
  crypto::OpenSslRandom random_;
  std::vector<LocalSockets> sockets_;
  std::unordered_map<uint64_t, std::unique_ptr<Setup>> setups_;
  std::unordered_map<uint64_t, uint64_t> by_spi_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::vector<uint64_t> finished_;
  uint64_t next_id_ = 1;
  uint64_t active_ = 0;
  std::optional<Timestamp> first_start_;
  std::optional<Timestamp> last_done_;
  LoadReport report_;
};

}  // namespace

Result<LoadReport> run_load(const LoadOptions& options,
                            std::vector<std::shared_ptr<const ike::ConnectionConfig>> connections,
                            const ike::EndpointConfig& endpoint_template) {
  Runner runner(options, std::move(connections), endpoint_template);
  if (Result<void> opened = runner.open(); !opened) return fail(opened.error());
  return runner.run();
}

}  // namespace tern::tools

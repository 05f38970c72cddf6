// The Endpoint: dispatch of datagrams to IKE SAs, commands, timers, and the
// SA table (see endpoint.h).
#include "ike/endpoint.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/task_factory.h"
#include "ike/tasks/ike_delete.h"
#include "wire/message.h"

namespace tern::ike {

Endpoint::Endpoint(EndpointConfig config, crypto::Random& random)
    : config_(std::move(config)), random_(random) {}

Endpoint::~Endpoint() = default;

TaskContext Endpoint::context(IkeSa& sa, Timestamp now) {
  return TaskContext{sa, random_, config_, effects_, counters_, now};
}

std::vector<Effect> Endpoint::take_effects() {
  std::vector<Effect> out = std::move(effects_);
  effects_.clear();
  return out;
}

void Endpoint::on_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now) {
  handle_datagram(local, remote, bytes, now);
  reap();
}

void Endpoint::handle_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now) {
  ++counters_.datagrams_received;
  ByteView message = bytes;
  if (local.port == config_.natt_port) {
    // RFC 3948 §2.2: IKE on the NAT-T port follows four zero octets; anything else is ESP.
    if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0 || bytes[3] != 0) {
      ++counters_.dropped_malformed;
      return;
    }
    message = bytes.subspan(4);
  }
  Result<wire::Message> parsed = wire::parse_message(message);
  if (!parsed) {
    ++counters_.dropped_malformed;
    effects_.push_back(Event{EventKind::message_dropped, IkeSaId{}, "",
                             fmt::format("from {}: {}", remote.to_string(), parsed.error().to_string())});
    return;
  }
  const wire::IkeHeader& header = parsed->header;
  IkeSa* sa = find_sa_for(header, remote);
  if (sa == nullptr && header.is_initiator() && !header.is_response() && header.spi_r == 0 &&
      header.exchange == wire::ExchangeType::IKE_SA_INIT && header.message_id == 0) {
    sa = create_responder_sa(local, remote, header, now);
    if (sa == nullptr) return;
  }
  if (sa == nullptr) {
    ++counters_.dropped_no_sa;
    return;
  }
  TaskContext ctx = context(*sa, now);
  sa->tasks.on_message(ctx, local, remote, message, *parsed);
}

IkeSa* Endpoint::find_sa_for(const wire::IkeHeader& header, const Address& remote) {
  // The I flag says who sent it: the original initiator's messages carry it (§3.1).
  const bool we_are_responder = header.is_initiator();
  IkeSaId id{};
  if (we_are_responder && header.spi_r == 0) {
    auto it = half_open_.find(HalfOpenKey{header.spi_i, remote.ip, remote.port});
    if (it == half_open_.end()) return nullptr;
    id = it->second;
  } else {
    auto it = by_spi_.find(we_are_responder ? header.spi_r : header.spi_i);
    if (it == by_spi_.end()) return nullptr;
    id = it->second;
  }
  auto sa_it = sas_.find(id);
  if (sa_it == sas_.end()) return nullptr;
  IkeSa* sa = sa_it->second.get();
  if (sa->is_initiator() == we_are_responder) return nullptr;
  if (we_are_responder && sa->spi_i != header.spi_i) return nullptr;
  if (!we_are_responder && sa->spi_r != 0 && sa->spi_r != header.spi_r) return nullptr;
  return sa;
}

IkeSa* Endpoint::create_responder_sa(const Address& local, const Address& remote,
                                     const wire::IkeHeader& header, Timestamp now) {
  std::shared_ptr<const ConnectionConfig> connection = match_connection(local, remote);
  if (!connection) {
    ++counters_.dropped_no_connection;
    effects_.push_back(Event{EventKind::message_dropped, IkeSaId{}, "",
                             fmt::format("IKE_SA_INIT from {} to {}: no connection for these addresses",
                                         remote.to_string(), local.to_string())});
    return nullptr;
  }
  auto id = static_cast<IkeSaId>(next_id_++);
  auto sa = std::make_unique<IkeSa>(id, Role::responder, connection, local, remote);
  sa->spi_i = header.spi_i;
  sa->spi_r = allocate_spi();
  sa->setup_deadline = now + config_.half_open_timeout;
  sa->tasks.adopt_setup_tasks(ike_sa_setup_tasks(Role::responder));
  by_spi_[sa->spi_r] = id;
  half_open_[HalfOpenKey{header.spi_i, remote.ip, remote.port}] = id;
  IkeSa* raw = sa.get();
  sas_.emplace(id, std::move(sa));
  return raw;
}

Result<void> Endpoint::command(const Command& cmd, Timestamp now) {
  if (const Up* up = std::get_if<Up>(&cmd)) {
    std::shared_ptr<const ConnectionConfig> connection = find_connection(up->connection);
    if (!connection)
      return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", up->connection));
    auto id = static_cast<IkeSaId>(next_id_++);
    auto sa = std::make_unique<IkeSa>(id, Role::initiator, connection, connection->local, connection->remote);
    sa->spi_i = allocate_spi();
    for (std::unique_ptr<Task>& task : ike_sa_setup_tasks(Role::initiator)) sa->tasks.queue(std::move(task));
    by_spi_[sa->spi_i] = id;
    IkeSa& ref = *sa;
    sas_.emplace(id, std::move(sa));
    TaskContext ctx = context(ref, now);
    ref.tasks.initiate(ctx);
    reap();
    return {};
  }
  const Down& down = std::get<Down>(cmd);
  if (!find_connection(down.connection)) {
    return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", down.connection));
  }
  for (auto& [id, sa] : sas_) {
    if (sa->connection_name() != down.connection || sa->state == IkeSaState::dead) continue;
    if (sa->state == IkeSaState::established) {
      sa->tasks.queue(std::make_unique<IkeDelete>(Role::initiator));
      TaskContext ctx = context(*sa, now);
      sa->tasks.initiate(ctx);
    } else if (sa->state != IkeSaState::deleting) {
      sa->die("deleted by local request before it was established");
    }
  }
  reap();
  return {};
}

void Endpoint::on_timer(Timestamp now) {
  for (auto& [id, sa] : sas_) {
    TaskContext ctx = context(*sa, now);
    sa->tasks.on_timer(ctx);
    if (sa->setup_deadline && now >= *sa->setup_deadline && sa->state != IkeSaState::established) {
      sa->die("IKE SA setup timed out");
    }
  }
  reap();
}

std::optional<Timestamp> Endpoint::next_deadline() const {
  std::optional<Timestamp> next;
  auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  for (const auto& [id, sa] : sas_) {
    consider(sa->tasks.next_deadline());
    consider(sa->setup_deadline);
  }
  return next;
}

std::vector<IkeSaStatus> Endpoint::status() const {
  std::vector<IkeSaStatus> out;
  for (const auto& [id, sa] : sas_) {
    out.push_back(IkeSaStatus{id, sa->connection_name(), sa->state, sa->is_initiator(), sa->spi_i, sa->spi_r,
                              sa->local, sa->remote, sa->suite, sa->nat_detected(), sa->children});
  }
  return out;
}

std::shared_ptr<const ConnectionConfig> Endpoint::find_connection(std::string_view name) const {
  for (const auto& c : config_.connections) {
    if (c->name == name) return c;
  }
  return nullptr;
}

std::shared_ptr<const ConnectionConfig> Endpoint::match_connection(const Address& local,
                                                                   const Address& remote) const {
  for (const auto& c : config_.connections) {
    if (c->local.same_ip(local) && c->remote.same_ip(remote)) return c;
  }
  return nullptr;
}

uint64_t Endpoint::allocate_spi() {
  for (;;) {
    uint64_t spi = random_.u64();
    if (spi != 0 && !by_spi_.contains(spi)) return spi;
  }
}

void Endpoint::reap() {
  for (auto it = sas_.begin(); it != sas_.end();) {
    IkeSa& sa = *it->second;
    if (sa.state != IkeSaState::dead) {
      ++it;
      continue;
    }
    for (const ChildSa& child : sa.children) {
      effects_.push_back(RemoveChildSa{sa.id, sa.connection_name(), child.name, child.spi_in, child.spi_out,
                                       sa.death_reason});
      effects_.push_back(Event{EventKind::child_sa_removed, sa.id, sa.connection_name(),
                               fmt::format("CHILD_SA {} removed: {}", child.name, sa.death_reason)});
    }
    effects_.push_back(Event{EventKind::ike_sa_destroyed, sa.id, sa.connection_name(), sa.death_reason});
    ++counters_.ike_sas_destroyed;
    by_spi_.erase(sa.my_spi());
    // By value: the SA's remote address may have floated since its IKE_SA_INIT.
    if (!sa.is_initiator())
      std::erase_if(half_open_, [&](const auto& entry) { return entry.second == sa.id; });
    it = sas_.erase(it);
  }
}

}  // namespace tern::ike

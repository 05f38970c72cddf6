// The Endpoint: dispatch of datagrams to IKE SAs, commands, timers, and the
// SA table (see endpoint.h).
#include "ike/endpoint.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/connection_select.h"
#include "ike/task_factory.h"
#include "ike/tasks/child_create_additional.h"
#include "ike/tasks/child_delete.h"
#include "ike/tasks/child_rekey.h"
#include "ike/tasks/ike_delete.h"
#include "ike/tasks/ike_dpd.h"
#include "ike/unprotected_error.h"
#include "wire/message.h"

namespace tern::ike {

Endpoint::Endpoint(EndpointConfig config, crypto::Random& random)
    : config_(std::move(config)),
      random_(random),
      invalid_ike_spi_limit_(config_.invalid_ike_spi_per_second),
      cookies_(config_.cookie_secret_lifetime, config_.cookie_secret_grace) {
  TERN_ASSERT(config_.shard_count >= 1 && config_.shard_count <= kMaxShards &&
              config_.shard_index < config_.shard_count);
  next_id_ = uint64_t{config_.shard_index} + 1;
}

Endpoint::~Endpoint() = default;

TaskContext Endpoint::context(IkeSa& sa, Timestamp now) {
  touch(sa);  // whatever the tasks do to it, it is looked at after this input
  return TaskContext{sa,           random_,
                     config_,      effects_,
                     counters_,    now,
                     this,         wall_time(now),
                     &cert_cache_, local_addresses_ ? &*local_addresses_ : nullptr,
                     std::nullopt, std::nullopt};
}

std::optional<crypto::WallTime> Endpoint::wall_time(Timestamp now) const {
  if (!wall_offset_) return std::nullopt;
  const auto since_epoch = now.time_since_epoch() + *wall_offset_;
  return crypto::WallTime{std::chrono::floor<std::chrono::seconds>(since_epoch)};
}

std::vector<Effect> Endpoint::take_effects() {
  std::vector<Effect> out = std::move(effects_);
  effects_.clear();
  return out;
}

void Endpoint::take_effects(std::vector<Effect>& into) {
  into.clear();
  std::swap(into, effects_);
}

void Endpoint::on_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now) {
  const size_t first_effect = effects_.size();
  datagram_unverified_ = false;
  IkeSa* sa = handle_datagram(local, remote, bytes, now);
  if (datagram_unverified_) {
    // An IKE_SA_INIT response (sa != nullptr) goes out whole, even if larger
    // than the request (a CERTREQ, a short Ni): below the cookie threshold,
    // where no flood is under way (docs/ternd.md "Floods and cookies").
    if (sa == nullptr && octets_sent_since(first_effect) > bytes.size()) {
      // The last line against amplification: whatever answered it (an
      // INVALID_IKE_SPI or INVALID_MAJOR_VERSION to a bare header), nothing
      // larger than the datagram goes back to a source nobody has verified.
      const auto unsent =
          std::remove_if(effects_.begin() + static_cast<std::ptrdiff_t>(first_effect), effects_.end(),
                         [](const Effect& e) { return std::holds_alternative<Send>(e); });
      effects_.erase(unsent, effects_.end());
      ++counters_.unverified_answers_withheld;
    }
    counters_.unverified_octets_received += bytes.size();
    counters_.unverified_octets_sent += octets_sent_since(first_effect);
  }
  if (sa != nullptr && sa->initial_contact_received && sa->state == IkeSaState::established) {
    sa->initial_contact_received = false;
    apply_initial_contact(*sa);
  }
  reap(now);
}

IkeSa* Endpoint::handle_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now) {
  ++counters_.datagrams_received;
  datagram_unverified_ = true;  // until it proves to belong to an IKE SA past IKE_SA_INIT, or has a cookie
  ByteView message = bytes;
  if (local.port == config_.natt_port) {
    // RFC 3948 §2.2: IKE on the NAT-T port follows four zero octets; anything else is ESP.
    if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0 || bytes[3] != 0) {
      ++counters_.dropped_malformed;
      return nullptr;
    }
    message = bytes.subspan(4);
  }
  Result<wire::Message> parsed = wire::parse_message(message);
  if (!parsed) {
    ++counters_.dropped_malformed;
    effects_.push_back(Event{EventKind::message_dropped, IkeSaId{}, "",
                             fmt::format("from {}: {}", remote.to_string(), parsed.error().to_string())});
    answer_unparsable(local, remote, message, parsed.error(), now);
    return nullptr;
  }
  const wire::IkeHeader& header = parsed->header;
  IkeSa* sa = find_sa_for(header, remote);
  if (sa == nullptr && header.is_initiator() && !header.is_response() && header.spi_r == 0 &&
      header.exchange == wire::ExchangeType::IKE_SA_INIT && header.message_id == 0) {
    if (!admit_ike_sa_init(local, remote, *parsed, bytes.size(), now)) return nullptr;
    sa = create_responder_sa(local, remote, header, now);
    if (sa == nullptr) return nullptr;
    TaskContext ctx = context(*sa, now);
    sa->tasks.on_message(ctx, local, remote, message, *parsed);
    if (sa->state == IkeSaState::created) {
      // Dropped unanswered (its payloads broke the rules): keep nothing for it,
      // so junk cannot hold half-open IKE SAs until they time out.
      forget_responder_sa(*sa);
      return nullptr;
    }
    return sa;
  }
  if (sa == nullptr) {
    ++counters_.dropped_no_sa;
    if (header.is_response()) {
      ++counters_.dropped_no_sa_response;  // §2.21.4: never answer a response
    } else if (header.exchange != wire::ExchangeType::IKE_SA_INIT) {
      answer_unknown_spi(local, remote, header, now);
    }
    return nullptr;
  }
  // A responder SA's IKE_SA_INIT again (a retransmit) is answered like the
  // first one; every other message is for an IKE SA the source took part in.
  datagram_unverified_ = header.exchange == wire::ExchangeType::IKE_SA_INIT && !sa->is_initiator();
  if (is_invalid_ike_spi_answer(*parsed)) {
    ++counters_.dropped_undecodable;      // not protected: never processed as a response
    peer_restart_hint(*sa, remote, now);  // only a hint (peer_restart.cc)
    return sa;
  }
  TaskContext ctx = context(*sa, now);
  sa->tasks.on_message(ctx, local, remote, message, *parsed);
  return sa;
}

void Endpoint::answer_unknown_spi(const Address& local, const Address& remote, const wire::IkeHeader& header,
                                  Timestamp now) {
  if (!invalid_ike_spi_limit_.allow(now)) {
    ++counters_.invalid_ike_spi_rate_limited;
    return;
  }
  ++counters_.invalid_ike_spi_sent;
  Bytes bytes;
  if (local.port == config_.natt_port) bytes.assign(4, 0);  // non-ESP marker
  append(bytes, build_invalid_ike_spi(header));
  effects_.push_back(Send{local, remote, std::move(bytes)});
  effects_.push_back(
      Event{EventKind::message_dropped, IkeSaId{}, "",
            fmt::format("{} request from {} for unknown IKE SPIs {:016x}_i {:016x}_r: answered "
                        "INVALID_IKE_SPI",
                        wire::to_string(header.exchange), remote.to_string(), header.spi_i, header.spi_r)});
}

void Endpoint::answer_unparsable(const Address& local, const Address& remote, ByteView message,
                                 const Error& error, Timestamp now) {
  std::optional<Bytes> answer = unprotected_error_answer(message, error);
  if (!answer) return;
  if (!invalid_ike_spi_limit_.allow(now)) {
    ++counters_.error_answers_rate_limited;
    return;
  }
  if (*error.notify == wire::notify_number(wire::NotifyType::INVALID_MAJOR_VERSION)) {
    ++counters_.invalid_major_version_sent;
  } else {
    ++counters_.unsupported_critical_payload_sent;
  }
  Bytes bytes;
  if (local.port == config_.natt_port) bytes.assign(4, 0);  // non-ESP marker
  append(bytes, *answer);
  effects_.push_back(Send{local, remote, std::move(bytes)});
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
    IkeSa* by_spi = sas_.find_by_spi(we_are_responder ? header.spi_r : header.spi_i);
    if (by_spi == nullptr) return nullptr;
    id = by_spi->id;
  }
  IkeSa* sa = lookup(id);
  if (sa == nullptr) return nullptr;
  if (sa->is_initiator() == we_are_responder) return nullptr;
  if (we_are_responder && sa->spi_i != header.spi_i) return nullptr;
  if (!we_are_responder && sa->spi_r != 0 && sa->spi_r != header.spi_r) return nullptr;
  touch(*sa);
  return sa;
}

IkeSa* Endpoint::create_responder_sa(const Address& local, const Address& remote,
                                     const wire::IkeHeader& header, Timestamp now) {
  std::shared_ptr<const ConnectionConfig> connection = select_by_addresses(config_, local, remote);
  if (!connection) {
    ++counters_.dropped_no_connection;
    effects_.push_back(Event{EventKind::message_dropped, IkeSaId{}, "",
                             fmt::format("IKE_SA_INIT from {} to {}: no connection for these addresses",
                                         remote.to_string(), local.to_string())});
    return nullptr;
  }
  ++counters_.responder_ike_sas_created;
  auto id = next_sa_id();
  auto sa = std::make_unique<IkeSa>(id, Role::responder, connection, local, remote);
  sa->spi_i = header.spi_i;
  sa->spi_r = allocate_spi();
  sa->setup_deadline = now + config_.half_open_timeout;
  sa->last_received = now;
  sa->tasks.adopt_setup_tasks(ike_sa_setup_tasks(Role::responder));
  const HalfOpenKey key{header.spi_i, remote.ip, remote.port};
  half_open_[key] = id;
  responders_.emplace(id, ResponderEntry{key, std::nullopt});
  IkeSa& ref = sas_.insert(std::move(sa));
  touch(ref);
  return &ref;
}

uint64_t Endpoint::octets_sent_since(size_t first) const {
  uint64_t octets = 0;
  for (size_t i = first; i < effects_.size(); ++i) {
    if (const Send* send = std::get_if<Send>(&effects_[i])) octets += send->bytes.size();
  }
  return octets;
}

void Endpoint::forget_responder_sa(IkeSa& sa) {
  const IkeSaId id = sa.id;
  forget_bookkeeping(sa);
  sas_.erase(id);
}

bool Endpoint::has_sa_between(const ConnectionConfig& connection) const {
  // Authenticated with these identities, or not yet but to the same peer address.
  const wire::IdPayload our_id = connection.local_id.payload();
  return sas_.any_of([&](const IkeSa& other) {
    if (other.state == IkeSaState::dead || other.config->local_id.payload() != our_id) return false;
    return other.peer_id ? connection.remote_id.matches(*other.peer_id)
                         : other.remote.same_ip(connection.remote);
  });
}

bool Endpoint::has_sa_with_peer_of(std::string_view connection) const {
  std::shared_ptr<const ConnectionConfig> config = find_connection(connection);
  return config != nullptr && has_sa_between(*config);
}

IkeSa& Endpoint::start_initiator(std::shared_ptr<const ConnectionConfig> connection, Timestamp now,
                                 std::vector<std::string> children, bool peer_elsewhere) {
  // §2.4: INITIAL_CONTACT only when no other IKE SA of ours (on any shard) is between these identities.
  const bool first_contact = connection->initial_contact && !peer_elsewhere && !has_sa_between(*connection);
  auto id = next_sa_id();
  auto sa = std::make_unique<IkeSa>(id, Role::initiator, connection, connection->local, connection->remote);
  sa->spi_i = allocate_spi();
  sa->send_initial_contact = first_contact;
  sa->last_received = now;
  if (children.empty()) {
    for (const ChildConfig& child : connection->children) children.push_back(child.name);
  }
  if (!children.empty()) sa->rare_mut().children_to_create = std::move(children);
  for (std::unique_ptr<Task>& task : ike_sa_setup_tasks(Role::initiator)) sa->tasks.queue(std::move(task));
  IkeSa& ref = sas_.insert(std::move(sa));
  touch(ref);
  TaskContext ctx = context(ref, now);
  ref.tasks.initiate(ctx);
  return ref;
}

void Endpoint::start_task(IkeSa& sa, std::unique_ptr<Task> task, Timestamp now) {
  sa.tasks.queue(std::move(task));
  TaskContext ctx = context(sa, now);
  sa.tasks.initiate(ctx);
}

void Endpoint::start_child_rekey(IkeSa& sa, uint32_t spi_in, std::string_view why, Timestamp now) {
  ChildSa* child = sa.find_child_by_spi_in(spi_in);
  if (child == nullptr || !child->can_rekey()) return;
  child->rekeying = true;  // from now on: a rekey of it by the peer is a collision
  child->rekey_at.reset();
  ++counters_.child_rekeys_started;
  effects_.push_back(
      Event{EventKind::child_sa_rekey_started, sa.id, sa.connection_name(),
            fmt::format("rekeying CHILD_SA {} (SPI in 0x{:08x}): {}", child->name, spi_in, why)});
  start_task(sa, std::make_unique<ChildRekey>(spi_in), now);
}

namespace {

// The key of by_peer_id_: a hash of the ID Type and data. Equal IDs have
// equal keys; the SAs found under a key are compared by their IDs.
uint64_t peer_id_key(const wire::IdPayload& id) {
  std::string text(1, static_cast<char>(id.type));
  text.append(id.data.begin(), id.data.end());
  return std::hash<std::string>{}(text);
}

}  // namespace

void Endpoint::apply_initial_contact(IkeSa& sa) {
  const wire::IdPayload our_id = sa.config->local_id.payload();
  replace_sas_of_peer(our_id, *sa.peer_id, sa.id, std::nullopt);
  // The other shards may hold some too (ternd's workers): the caller tells them.
  if (config_.shard_count > 1 && sa.established_at)
    effects_.push_back(
        InitialContactReceived{sa.id, sa.connection_name(), our_id, *sa.peer_id, *sa.established_at});
}

size_t Endpoint::drop_sas_of_peer(const InitialContactReceived& contact, Timestamp now) {
  const size_t dropped =
      replace_sas_of_peer(contact.local_id, contact.peer_id, contact.ike_sa, contact.established_at);
  reap(now);
  return dropped;
}

size_t Endpoint::replace_sas_of_peer(const wire::IdPayload& local_id, const wire::IdPayload& peer_id,
                                     IkeSaId replaced_by, std::optional<Timestamp> established_by) {
  // Only the SAs authenticated with the same peer identity (by_peer_id_), not the whole table.
  std::vector<IkeSa*> same_peer;
  auto [first, last] = by_peer_id_.equal_range(peer_id_key(peer_id));
  for (auto it = first; it != last; ++it) {
    if (IkeSa* other = lookup(it->second)) same_peer.push_back(other);
  }
  std::sort(same_peer.begin(), same_peer.end(), [](const IkeSa* x, const IkeSa* y) { return x->id < y->id; });
  size_t dropped = 0;
  for (IkeSa* other : same_peer) {
    if (other->id == replaced_by || other->state == IkeSaState::dead || !other->peer_id) continue;
    if (*other->peer_id != peer_id || other->config->local_id.payload() != local_id) continue;
    if (established_by && (!other->established_at || *other->established_at > *established_by)) continue;
    ++counters_.initial_contact_replaced;
    ++dropped;
    touch(*other);
    other->die(
        fmt::format("replaced: peer {} sent INITIAL_CONTACT on a new IKE SA (#{}), so it has forgotten "
                    "this one",
                    id_text(peer_id), static_cast<uint64_t>(replaced_by)));
  }
  return dropped;
}

Result<void> Endpoint::refuse_responder_only(const ConnectionConfig& connection) {
  return fail(Errc::invalid_syntax,
              fmt::format("connection '{}' only answers: its remote_addrs is a prefix ({}/{}), not one "
                          "peer to start an IKE SA with",
                          connection.name, wire::ip_address_to_string(connection.remote.ip_bytes()),
                          *connection.remote_prefix));
}

Result<void> Endpoint::command(const Command& cmd, Timestamp now) {
  touch_all();  // commands walk the table anyway (they are rare: ternctl, tests)
  if (const Up* up = std::get_if<Up>(&cmd)) {
    std::shared_ptr<const ConnectionConfig> connection = find_connection(up->connection);
    if (!connection)
      return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", up->connection));
    if (connection->responder_only()) return refuse_responder_only(*connection);
    start_initiator(std::move(connection), now, {}, up->peer_elsewhere);
    reap(now);
    return {};
  }
  if (const UpChild* up_child_cmd = std::get_if<UpChild>(&cmd)) return up_child(*up_child_cmd, now);
  if (const DownChild* down_child = std::get_if<DownChild>(&cmd)) {
    std::shared_ptr<const ConnectionConfig> connection = find_connection(down_child->connection);
    if (!connection)
      return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", down_child->connection));
    if (connection->find_child(down_child->child) == nullptr)
      return fail(Errc::invalid_syntax, fmt::format("connection '{}' has no child named '{}'",
                                                    down_child->connection, down_child->child));
    for (IkeSa* sa : sas_.in_id_order()) {
      if (sa->connection_name() != down_child->connection || sa->state != IkeSaState::established) continue;
      std::vector<uint32_t> spis;
      for (ChildSa& child : sa->children) {
        if (child.name != down_child->child || child.deleting) continue;
        child.closing = true;  // from now on a rekey of it by the peer gets TEMPORARY_FAILURE (§2.25.1)
        spis.push_back(child.spi_in);
      }
      for (uint32_t spi : spis) start_task(*sa, std::make_unique<ChildDelete>(spi), now);
    }
    reap(now);
    return {};
  }
  if (const Rekey* rekey = std::get_if<Rekey>(&cmd)) {
    std::shared_ptr<const ConnectionConfig> connection = find_connection(rekey->connection);
    if (!connection)
      return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", rekey->connection));
    if (rekey->child.empty()) {
      size_t started = 0;
      for (IkeSa* sa : sas_.in_id_order()) {
        if (sa->connection_name() != rekey->connection || sa->state != IkeSaState::established ||
            sa->ike_rekeying || sa->successor || sa->replacement_pending)
          continue;
        start_ike_rekey(*sa, "by local request", now);
        ++started;
      }
      reap(now);
      if (started == 0)
        return fail(
            Errc::invalid_syntax,
            fmt::format("no established IKE SA of {} to rekey (none, or it is being rekeyed or replaced)",
                        rekey->connection));
      return {};
    }
    if (connection->find_child(rekey->child) == nullptr)
      return fail(Errc::invalid_syntax,
                  fmt::format("connection '{}' has no child named '{}'", rekey->connection, rekey->child));
    size_t started = 0;
    for (IkeSa* sa : sas_.in_id_order()) {
      if (sa->connection_name() != rekey->connection || sa->state != IkeSaState::established) continue;
      std::vector<uint32_t> spis;
      for (const ChildSa& child : sa->children) {
        if (child.name == rekey->child && child.can_rekey()) spis.push_back(child.spi_in);
      }
      for (uint32_t spi : spis) {
        start_child_rekey(*sa, spi, "by local request", now);
        ++started;
      }
    }
    reap(now);
    if (started == 0)
      return fail(
          Errc::invalid_syntax,
          fmt::format("no established CHILD_SA {}/{} to rekey (none, or one is being rekeyed or deleted)",
                      rekey->connection, rekey->child));
    return {};
  }
  if (const Reauth* reauth = std::get_if<Reauth>(&cmd)) {
    if (!find_connection(reauth->connection))
      return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", reauth->connection));
    std::vector<IkeSa*> due;
    for (IkeSa* sa : sas_.in_id_order()) {
      if (sa->connection_name() == reauth->connection && sa->state == IkeSaState::established &&
          !sa->successor && !sa->replacement_pending)
        due.push_back(sa);
    }
    for (IkeSa* sa : due) start_reauth(*sa, "by local request", now);
    reap(now);
    if (due.empty())
      return fail(
          Errc::invalid_syntax,
          fmt::format("no established IKE SA of {} to reauthenticate (none, or one is being replaced)",
                      reauth->connection));
    return {};
  }
  const Down& down = std::get<Down>(cmd);
  if (!find_connection(down.connection)) {
    return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", down.connection));
  }
  for (IkeSa* sa : sas_.in_id_order()) {
    if (sa->connection_name() != down.connection || sa->state == IkeSaState::dead) continue;
    if (sa->state == IkeSaState::established) {
      start_task(*sa, std::make_unique<IkeDelete>(Role::initiator), now);
    } else if (sa->state != IkeSaState::deleting && sa->state != IkeSaState::rekeyed) {
      sa->die("deleted by local request before it was established");
    }
  }
  reap(now);
  return {};
}

Result<void> Endpoint::up_child(const UpChild& up, Timestamp now) {
  std::shared_ptr<const ConnectionConfig> connection = find_connection(up.connection);
  if (!connection) return fail(Errc::invalid_syntax, fmt::format("no connection named '{}'", up.connection));
  if (connection->responder_only()) return refuse_responder_only(*connection);
  if (connection->find_child(up.child) == nullptr) {
    std::string names;
    for (const ChildConfig& child : connection->children) names += (names.empty() ? "" : ", ") + child.name;
    return fail(Errc::invalid_syntax, fmt::format("connection '{}' has no child named '{}' (it has: {})",
                                                  up.connection, up.child, names));
  }
  size_t established = 0, started = 0, in_progress = 0;
  IkeSa* being_set_up = nullptr;
  auto making_it = [&](const Task& t) {
    const auto* create = dynamic_cast<const ChildCreateAdditional*>(&t);
    return create != nullptr && create->child_name() == up.child;
  };
  for (IkeSa* sa : sas_.in_id_order()) {
    if (sa->connection_name() != up.connection) continue;
    if ((sa->state == IkeSaState::created || sa->state == IkeSaState::init_done) && sa->is_initiator() &&
        !sa->rare().children_to_create.empty())
      being_set_up = sa;
    if (sa->state != IkeSaState::established || sa->successor || sa->replacement_pending) continue;
    ++established;
    if (sa->child_up(up.child)) continue;
    if (sa->tasks.has_initiated_task(making_it)) {
      ++in_progress;  // an earlier `up` of the same child is under way: one pair, not two
      continue;
    }
    ++started;
    start_task(*sa, std::make_unique<ChildCreateAdditional>(up.child), now);
  }
  if (established == 0) {
    if (being_set_up != nullptr) {
      // Its IKE_AUTH (or a CREATE_CHILD_SA right after) makes the child too.
      auto& wanted = being_set_up->rare_mut().children_to_create;
      if (std::find(wanted.begin(), wanted.end(), up.child) == wanted.end()) wanted.push_back(up.child);
    } else {
      start_initiator(connection, now, {up.child}, up.peer_elsewhere);
    }
  } else if (started == 0 && in_progress == 0) {
    return fail(Errc::invalid_syntax,
                fmt::format("CHILD_SA {}/{} is already up on every established IKE SA of {}", up.connection,
                            up.child, up.connection));
  }
  reap(now);
  return {};
}

size_t Endpoint::reload(std::vector<std::shared_ptr<const ConnectionConfig>> connections, Timestamp now) {
  config_.connections = std::move(connections);
  touch_all();
  auto kept = [&](const IkeSa& sa) {
    return std::find(config_.connections.begin(), config_.connections.end(), sa.config) !=
           config_.connections.end();
  };
  size_t going = 0;
  for (IkeSa* sa : sas_.in_id_order()) {
    if (sa->state == IkeSaState::dead || kept(*sa)) continue;
    ++going;
    if (sa->state == IkeSaState::established) {
      start_task(*sa, std::make_unique<IkeDelete>(Role::initiator), now);
    } else if (sa->state != IkeSaState::deleting && sa->state != IkeSaState::rekeyed) {
      sa->die("connection removed or changed by a configuration reload");
    }
  }
  reap(now);
  return going;
}

void Endpoint::on_timer(Timestamp now) {
  cookies_.on_timer(random_, now);
  // Only the SAs that are due: the others have nothing to do before their deadline.
  std::vector<IkeSaId> due = deadlines_.take_due(now);
  if (wall_offset_) {
    // Certificate expiry is armed on the wall clock: due when now + offset passed it.
    std::vector<IkeSaId> expiring =
        cert_deadlines_.take_due(Timestamp{now.time_since_epoch() + *wall_offset_});
    if (!expiring.empty()) {
      due.insert(due.end(), expiring.begin(), expiring.end());
      std::sort(due.begin(), due.end());
      due.erase(std::unique(due.begin(), due.end()), due.end());
    }
  }
  for (IkeSaId id : due) {
    IkeSa* sa = lookup(id);
    if (sa == nullptr) continue;
    touch(*sa);  // taken out of the queues: re-armed after this input
    TaskContext ctx = context(*sa, now);
    sa->tasks.on_timer(ctx);
    if (sa->setup_deadline && now >= *sa->setup_deadline && sa->state != IkeSaState::established) {
      sa->die("IKE SA setup timed out");
    }
    if (std::optional<Timestamp> liveness = sa->liveness_deadline(); liveness && now >= *liveness) {
      start_task(*sa, std::make_unique<IkeDpd>(), now);
    }
    renew_due(*sa, now);
    if (std::optional<Timestamp> keepalive = sa->keepalive_deadline(config_.nat_keepalive);
        keepalive && now >= *keepalive) {
      effects_.push_back(Send{sa->local, sa->remote, Bytes{0xff}});  // RFC 3948 §2.3
      sa->last_sent = now;
      ++counters_.nat_keepalives_sent;
    }
    if (sa->state != IkeSaState::established) continue;
    std::vector<uint32_t> due_children;
    for (const ChildSa& child : sa->children) {
      // A reauthenticated IKE SA waiting for its Delete rekeys no CHILD_SA.
      if (child.rekey_at && now >= *child.rekey_at && child.can_rekey() && !sa->retire_at)
        due_children.push_back(child.spi_in);
    }
    for (uint32_t spi : due_children) start_child_rekey(*sa, spi, "its rekey_time has come", now);
    expire_children(*sa, now);
  }
  reap(now);
}

std::optional<Timestamp> Endpoint::next_deadline() const {
  std::optional<Timestamp> next;
  auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(deadlines_.next());
  if (std::optional<Timestamp> expiry = cert_deadlines_.next(); expiry && wall_offset_)
    consider(Timestamp{expiry->time_since_epoch() - *wall_offset_});  // wall = epoch + now + offset
  consider(cookies_.next_deadline());
  return next;
}

std::optional<Timestamp> Endpoint::own_deadline(const IkeSa& sa) const {
  std::optional<Timestamp> next;
  auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(sa.tasks.next_deadline());
  consider(sa.setup_deadline);
  consider(sa.liveness_deadline());
  consider(sa.keepalive_deadline(config_.nat_keepalive));
  consider_renewal_deadlines(sa, next);
  if (sa.state != IkeSaState::established) return next;
  for (const ChildSa& child : sa.children) {
    if (child.can_rekey() && !sa.retire_at) consider(child.rekey_at);
  }
  consider(next_child_expiry(sa));
  return next;
}

void Endpoint::rearm(IkeSa& sa) {
  deadlines_.set(sa.id, own_deadline(sa));
  cert_deadlines_.set(sa.id, cert_wall_deadline(sa));
  count_half_open(sa);
  if (sa.peer_id && !sa.in_peer_id_index) {
    by_peer_id_.emplace(peer_id_key(*sa.peer_id), sa.id);  // authenticated: it never changes afterwards
    sa.in_peer_id_index = true;
  }
}

void Endpoint::forget_bookkeeping(const IkeSa& sa) {
  for (const ChildSa& child : sa.children) {
    if (const ChildSpi* entry = child_spis_.find(child.spi_in); entry != nullptr && entry->owner == sa.id)
      child_spis_.erase(child.spi_in);
  }
  deadlines_.cancel(sa.id);
  cert_deadlines_.cancel(sa.id);
  forget_responder_entry(sa.id);
  if (sa.in_peer_id_index && sa.peer_id) {
    auto [first, last] = by_peer_id_.equal_range(peer_id_key(*sa.peer_id));
    for (auto entry = first; entry != last; ++entry) {
      if (entry->second == sa.id) {
        by_peer_id_.erase(entry);
        break;
      }
    }
  }
}

void Endpoint::count_half_open(const IkeSa& sa) {
  auto it = responders_.find(sa.id);
  if (it == responders_.end()) return;
  if (sa.state == IkeSaState::established || sa.state == IkeSaState::deleting ||
      sa.state == IkeSaState::rekeyed) {
    // Authenticated: its IKE_AUTH request showed that the initiator has our
    // IKE_SA_INIT answer, so it sends no more IKE_SA_INIT requests (a late
    // duplicate starts a half-open SA of its own). Its messages find it by
    // our SPI (sas_); the half-open entries would only cost memory.
    forget_responder_entry(sa.id);
    return;
  }
  // Half-open: a responder SA past IKE_SA_INIT but not yet authenticated.
  std::optional<IpKey> now_counted;
  if (sa.state == IkeSaState::created || sa.state == IkeSaState::init_done)
    now_counted = IpKey{sa.remote.family, sa.remote.ip};
  std::optional<IpKey>& counted = it->second.counted;
  if (counted == now_counted) return;
  if (counted) {
    --half_open_count_;
    if (auto ip = half_open_by_ip_.find(*counted); ip != half_open_by_ip_.end() && --ip->second == 0)
      half_open_by_ip_.erase(ip);
  }
  if (now_counted) {
    ++half_open_count_;
    ++half_open_by_ip_[*now_counted];
  }
  counted = now_counted;
}

void Endpoint::forget_responder_entry(IkeSaId id) {
  auto it = responders_.find(id);
  if (it == responders_.end()) return;
  if (const std::optional<IpKey>& counted = it->second.counted) {
    --half_open_count_;
    if (auto ip = half_open_by_ip_.find(*counted); ip != half_open_by_ip_.end() && --ip->second == 0)
      half_open_by_ip_.erase(ip);
  }
  // By key: the SA's remote address may have floated since its IKE_SA_INIT.
  if (auto entry = half_open_.find(it->second.key); entry != half_open_.end() && entry->second == id)
    half_open_.erase(entry);
  responders_.erase(it);
}

IkeSa* Endpoint::lookup(IkeSaId id) {
  return sas_.find(id);
}

std::vector<IkeSaStatus> Endpoint::status() const {
  std::vector<IkeSaStatus> out;
  for (const IkeSa* sa : sas_.in_id_order()) {
    out.push_back(IkeSaStatus{sa->id, sa->connection_name(), sa->state, sa->is_initiator(), sa->spi_i,
                              sa->spi_r, sa->local, sa->remote, sa->suite, sa->nat_detected(), sa->children,
                              sa->established_at, sa->config->local_id.to_string(),
                              sa->peer_id ? id_text(*sa->peer_id) : std::string()});
  }
  return out;
}

std::shared_ptr<const ConnectionConfig> Endpoint::find_connection(std::string_view name) const {
  for (const auto& c : config_.connections) {
    if (c->name == name) return c;
  }
  return nullptr;
}

IkeSaId Endpoint::next_sa_id() {
  const auto id = static_cast<IkeSaId>(next_id_);
  next_id_ += config_.shard_count;
  return id;
}

uint64_t Endpoint::allocate_spi() {
  for (;;) {
    uint64_t spi = random_.u64();
    if (config_.shard_count > 1) spi = shard_spi(spi, config_.shard_index);
    if (spi != 0 && !sas_.spi_taken(spi)) return spi;
  }
}

uint32_t Endpoint::allocate_esp_spi() {
  for (;;) {
    auto spi = static_cast<uint32_t>(random_.u64());
    if (config_.shard_count > 1) spi = shard_esp_spi(spi, config_.shard_index);
    if (spi >= 256 && !child_spis_.contains(spi)) return spi;  // 0-255: reserved (RFC 4303 §2.1)
  }
}

void Endpoint::reap(Timestamp now) {
  settle_renewals(now);
  // Only the SAs this input touched (all of them after a command): in id order, as the table is.
  std::vector<IkeSaId> ids;
  if (touched_all_) {
    ids.reserve(sas_.size());
    for (const IkeSa* sa : sas_.in_id_order()) ids.push_back(sa->id);
  } else {
    ids = std::move(touched_);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  touched_.clear();
  touched_all_ = false;
  last_reap_visits_ = ids.size();
  std::vector<std::shared_ptr<const ConnectionConfig>> restart;
  for (IkeSaId sa_id : ids) {
    IkeSa* found = sas_.find(sa_id);
    if (found == nullptr) continue;
    IkeSa& sa = *found;
    if (sa.state != IkeSaState::dead) {
      sa.tasks.trim();  // no TaskManager frame is active here
      rearm(sa);
      continue;
    }
    // Replaced by an established reauthentication meanwhile: nothing to act on.
    const IkeSa* successor = sa.successor ? lookup(*sa.successor) : nullptr;
    const bool replaced = successor != nullptr && successor->state == IkeSaState::established;
    for (const ChildSa& child : sa.children) {
      effects_.push_back(RemoveChildSa{sa.id, sa.connection_name(), child.name, child.spi_in, child.spi_out,
                                       sa.death_reason(), child.inbound_grace(replaced)});
      effects_.push_back(Event{EventKind::child_sa_removed, sa.id, sa.connection_name(),
                               fmt::format("CHILD_SA {} removed: {}", child.name, sa.death_reason())});
      ++counters_.child_sas_removed;
    }
    effects_.push_back(Event{EventKind::ike_sa_destroyed, sa.id, sa.connection_name(), sa.death_reason()});
    ++counters_.ike_sas_destroyed;
    if (sa.dpd_restart && sa.gave_up && !sa.peer_not_responding &&
        find_connection(sa.connection_name()) == sa.config) {
      // dpd_action = restart: the peer is still away; keep trying until it answers.
      effects_.push_back(Event{EventKind::dpd_action, sa.id, sa.connection_name(),
                               fmt::format("peer {} still not responding: dpd_action restart: initiating the "
                                           "connection again",
                                           sa.remote.to_string())});
      restart.push_back(sa.config);
    }
    if (sa.peer_not_responding && !replaced) {
      const DpdAction action = sa.config->dpd_action;
      std::string text =
          fmt::format("peer {} not responding: dpd_action {}", sa.remote.to_string(), to_string(action));
      if (action == DpdAction::restart) {
        text += ": initiating the connection again";
        restart.push_back(sa.config);
      } else if (action == DpdAction::trap) {
        // Recorded only: the data plane will install trap policies for the
        // children's selectors and ask for a new IKE SA (acquire) when traffic
        // matches them. That is the data plane's job; the engine keeps nothing.
        text += ": the data plane should trap the children's traffic and re-initiate on demand";
      }
      effects_.push_back(Event{EventKind::dpd_action, sa.id, sa.connection_name(), std::move(text)});
    }
    if (sa.rekey_spi != 0) release_spi(sa.rekey_spi);
    forget_bookkeeping(sa);
    sas_.erase(sa_id);
  }
  for (auto& connection : restart) {
    ++counters_.dpd_restarts;
    start_initiator(std::move(connection), now).dpd_restart = true;
  }
  if (!restart.empty()) reap(now);  // a restart that failed at once (it never gave up: no second restart)
}

}  // namespace tern::ike

// Message IDs, window, retransmission, response cache; running the tasks of
// each exchange (see task_manager.h).
#include "ike/task_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ike/ike_sa.h"
#include "ike/task_factory.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;

// Which exchange the initiator's active tasks make next: the setup exchanges
// by state, then whatever the (single) active task starts.
ExchangeType next_exchange(const IkeSa& sa, const std::vector<std::unique_ptr<Task>>& active) {
  switch (sa.state) {
    case IkeSaState::created: return ExchangeType::IKE_SA_INIT;
    case IkeSaState::init_done: return ExchangeType::IKE_AUTH;
    default: return active.empty() ? ExchangeType::INFORMATIONAL : active.front()->exchange();
  }
}

bool is_setup(const IkeSa& sa) {
  return sa.state == IkeSaState::created || sa.state == IkeSaState::init_done;
}

void remove_finished(std::vector<std::unique_ptr<Task>>& tasks, const std::vector<bool>& finished) {
  size_t i = 0;
  std::erase_if(tasks, [&](const std::unique_ptr<Task>&) { return finished[i++]; });
}

}  // namespace

void send_on_sa(TaskContext& ctx, ByteView message) {
  Bytes bytes;
  if (ctx.sa.local.port == ctx.config.natt_port) bytes.assign(4, 0);  // non-ESP marker
  append(bytes, message);
  ctx.effects.push_back(Send{ctx.sa.local, ctx.sa.remote, std::move(bytes)});
}

void TaskContext::event(EventKind kind, std::string text) {
  effects.push_back(Event{kind, sa.id, sa.connection_name(), std::move(text)});
}

void TaskManager::initiate(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  if (outstanding_ || sa.state == IkeSaState::dead) return;
  if (active_.empty()) {
    if (queued_.empty()) return;
    if (is_setup(sa)) {
      // IKE_SA_INIT and IKE_AUTH are made by all setup tasks together.
      active_ = std::move(queued_);
      queued_.clear();
    } else {
      // Once established, one task per exchange (ike_delete, child_delete, ike_dpd, ...).
      active_.push_back(std::move(queued_.front()));
      queued_.erase(queued_.begin());
    }
  }

  IkeMessage request;
  request.exchange = next_exchange(sa, active_);
  request.message_id = next_request_id_;
  std::vector<bool> finished(active_.size(), false);
  for (size_t i = 0; i < active_.size(); ++i) {
    TaskStatus status = active_[i]->build(ctx, request);
    if (status == TaskStatus::failed) {
      sa.die(sa.death_reason.empty() ? "could not build request" : sa.death_reason);
      return;
    }
    finished[i] = status == TaskStatus::done;
  }
  remove_finished(active_, finished);

  Bytes bytes = encode_message(sa, request, ctx.random);
  if (request.exchange == ExchangeType::IKE_SA_INIT) sa.init_request = bytes;
  outstanding_ =
      Outstanding{request.message_id, request.exchange, bytes, 0, ctx.now + retransmit_interval(ctx, 0)};
  ++next_request_id_;
  send_on_sa(ctx, bytes);
}

void TaskManager::on_message(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                             const wire::Message& parsed) {
  if (parsed.header.is_response()) {
    handle_response(ctx, datagram, parsed);
  } else {
    handle_request(ctx, local, remote, datagram, parsed);
  }
}

void TaskManager::handle_response(TaskContext& ctx, ByteView datagram, const wire::Message& parsed) {
  IkeSa& sa = ctx.sa;
  const wire::IkeHeader& header = parsed.header;
  if (!outstanding_ || header.message_id != outstanding_->message_id ||
      header.exchange != outstanding_->exchange) {
    ++ctx.counters.dropped_bad_message_id;
    return;
  }
  Result<IkeMessage> response = decode_message(sa, datagram, parsed);
  if (!response) {
    ++ctx.counters.dropped_undecodable;
    ctx.event(EventKind::message_dropped, "response dropped: " + response.error().to_string());
    return;  // keep retransmitting: the real response may still come
  }
  sa.last_received = ctx.now;
  outstanding_.reset();
  if (response->exchange == ExchangeType::IKE_SA_INIT)
    sa.init_response = Bytes(datagram.begin(), datagram.end());

  std::vector<bool> finished(active_.size(), false);
  for (size_t i = 0; i < active_.size(); ++i) {
    TaskStatus status = active_[i]->process(ctx, *response);
    if (status == TaskStatus::failed) {
      sa.die(sa.death_reason.empty() ? "exchange failed" : sa.death_reason);
      return;
    }
    if (status == TaskStatus::restart_exchange) {
      // IKE_SA_INIT again from the start (§1.2, §2.7): Message ID 0, no responder SPI.
      next_request_id_ = 0;
      sa.spi_r = 0;
      initiate(ctx);
      return;
    }
    finished[i] = status == TaskStatus::done;
  }
  remove_finished(active_, finished);
  initiate(ctx);
}

void TaskManager::handle_request(TaskContext& ctx, const Address& local, const Address& remote,
                                 ByteView datagram, const wire::Message& parsed) {
  IkeSa& sa = ctx.sa;
  const uint32_t id = parsed.header.message_id;
  if (cached_ && id == cached_->message_id && next_peer_request_id_ == id + 1) {
    if (equal(datagram, cached_->request)) {
      ++ctx.counters.cached_responses_sent;
      send_on_sa(ctx, cached_->response);
    } else {
      ++ctx.counters.dropped_retransmit_mismatch;
    }
    return;
  }
  if (id != next_peer_request_id_) {
    ++ctx.counters.dropped_bad_message_id;
    return;
  }
  Result<IkeMessage> request = decode_message(sa, datagram, parsed);
  if (!request) {
    ++ctx.counters.dropped_undecodable;
    ctx.event(EventKind::message_dropped, "request dropped: " + request.error().to_string());
    return;
  }
  sa.last_received = ctx.now;

  if (request->exchange == ExchangeType::IKE_SA_INIT)
    sa.init_request = Bytes(datagram.begin(), datagram.end());

  // Which tasks answer: the setup tasks for IKE_SA_INIT / IKE_AUTH in the
  // right state, tasks made from the request's content otherwise.
  std::vector<std::unique_ptr<Task>> per_request;
  std::vector<std::unique_ptr<Task>>* tasks = &per_request;
  switch (request->exchange) {
    case ExchangeType::IKE_SA_INIT:
    case ExchangeType::IKE_AUTH: {
      bool expected = (request->exchange == ExchangeType::IKE_SA_INIT && sa.state == IkeSaState::created) ||
                      (request->exchange == ExchangeType::IKE_AUTH && sa.state == IkeSaState::init_done);
      if (!expected || sa.is_initiator()) {
        ++ctx.counters.dropped_request_in_wrong_state;
        return;
      }
      tasks = &setup_;
      break;
    }
    default:
      if (sa.state != IkeSaState::established && sa.state != IkeSaState::deleting) {
        ++ctx.counters.dropped_request_in_wrong_state;
        return;
      }
      per_request = responder_tasks_for(*request);
      break;
  }

  // §2.23: with a NAT, the peer's address is that of its latest authenticated message.
  if (request->exchange != ExchangeType::IKE_SA_INIT && sa.nat_detected()) {
    sa.local = local;
    sa.remote = remote;
  }

  for (auto& task : *tasks) {
    if (task->process(ctx, *request) == TaskStatus::failed) {
      sa.die(sa.death_reason.empty() ? "request rejected" : sa.death_reason);
      return;
    }
  }
  IkeMessage response;
  response.exchange = request->exchange;
  response.response = true;
  response.message_id = id;
  bool failed = false;
  std::vector<bool> finished(tasks->size(), false);
  for (size_t i = 0; i < tasks->size(); ++i) {
    TaskStatus status = (*tasks)[i]->build(ctx, response);
    if (status == TaskStatus::failed) {
      failed = true;
      break;
    }
    finished[i] = status == TaskStatus::done;
  }
  remove_finished(*tasks, finished);

  Bytes bytes = encode_message(sa, response, ctx.random);
  if (response.exchange == ExchangeType::IKE_SA_INIT) sa.init_response = bytes;
  cached_ = CachedResponse{id, Bytes(datagram.begin(), datagram.end()), bytes};
  ++next_peer_request_id_;
  send_on_sa(ctx, bytes);
  if (failed) sa.die(sa.death_reason.empty() ? "request rejected" : sa.death_reason);
}

void TaskManager::on_timer(TaskContext& ctx) {
  if (!outstanding_ || ctx.now < outstanding_->deadline) return;
  const RetransmitConfig& rt = ctx.sa.config->retransmit;
  if (outstanding_->retransmits >= rt.tries) {
    const bool liveness_check = !active_.empty() && active_.front()->type() == TaskType::ike_dpd;
    const bool was_established = ctx.sa.state == IkeSaState::established;
    ctx.sa.die(
        fmt::format("peer not responding{}: no response to {} request (Message ID {}) after {} retransmits",
                    liveness_check ? " (DPD)" : "", wire::to_string(outstanding_->exchange),
                    outstanding_->message_id, outstanding_->retransmits));
    // An established SA whose peer vanished: the Endpoint applies dpd_action.
    // (A Delete we sent that is never answered is not that: we wanted it gone.)
    if (was_established) {
      ctx.sa.peer_not_responding = true;
      ++ctx.counters.peers_not_responding;
    }
    outstanding_.reset();
    return;
  }
  ++outstanding_->retransmits;
  outstanding_->deadline = ctx.now + retransmit_interval(ctx, outstanding_->retransmits);
  ++ctx.counters.retransmits_sent;
  ctx.event(EventKind::retransmit,
            fmt::format("retransmit {} of {} request (Message ID {})", outstanding_->retransmits,
                        wire::to_string(outstanding_->exchange), outstanding_->message_id));
  send_on_sa(ctx, outstanding_->request);
}

std::optional<Timestamp> TaskManager::next_deadline() const {
  if (!outstanding_) return std::nullopt;
  return outstanding_->deadline;
}

Duration TaskManager::retransmit_interval(const TaskContext& ctx, uint32_t retransmits) const {
  const RetransmitConfig& rt = ctx.sa.config->retransmit;
  double factor = std::pow(rt.base, static_cast<double>(retransmits));
  return Duration{static_cast<Duration::rep>(static_cast<double>(rt.timeout.count()) * factor)};
}

}  // namespace tern::ike

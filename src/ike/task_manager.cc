// Message IDs, window, retransmission, response cache; running the tasks of
// each exchange (see task_manager.h).
#include "ike/task_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ike/fragmenter.h"
#include "ike/ike_sa.h"
#include "ike/nat_mapping.h"
#include "ike/set_window_size.h"
#include "ike/setup_state.h"
#include "ike/sk_seal.h"
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

const TaskManager::Lanes& TaskManager::lanes() const {
  static const Lanes kNone;
  return lanes_ ? *lanes_ : kNone;
}

void send_on_sa(TaskContext& ctx, ByteView message) {
  Bytes bytes;
  if (ctx.sa.local.port == ctx.config.natt_port) bytes.assign(4, 0);  // non-ESP marker
  append(bytes, message);
  ctx.sa.last_sent = ctx.now;
  ctx.effects.push_back(Send{ctx.sa.local, ctx.sa.remote, std::move(bytes)});
}

void send_on_sa(TaskContext& ctx, const std::vector<Bytes>& datagrams) {
  if (datagrams.size() > 1) ctx.counters.ike_fragments_sent += datagrams.size();
  for (const Bytes& datagram : datagrams) send_on_sa(ctx, datagram);
}

std::vector<Bytes> TaskManager::encode_for_sending(TaskContext& ctx, const IkeMessage& msg) const {
  const IkeSa& sa = ctx.sa;
  std::optional<size_t> max_size;
  if (sa.fragmentation && sa.config->fragmentation == Fragmentation::yes) {
    max_size = max_ike_message_size(ctx.config.fragment_size, sa.remote.family,
                                    sa.local.port == ctx.config.natt_port);
  }
  std::vector<Bytes> datagrams = encode_datagrams(sa, msg, ctx.random, max_size);
  if (datagrams.size() > 1) ++ctx.counters.ike_messages_fragmented;
  return datagrams;
}

void TaskContext::event(EventKind kind, std::string text) {
  effects.push_back(Event{kind, sa.id, sa.connection_name(), std::move(text)});
}

void TaskManager::initiate(TaskContext& ctx) {
  IkeSa& sa = ctx.sa;
  while (sa.state != IkeSaState::dead && window_has_room(sa)) {
    std::vector<std::unique_ptr<Task>> tasks;
    if (!lanes().active.empty()) {
      tasks = std::move(lanes().active);  // tasks that continue into the next exchange (setup)
      lanes().active.clear();
    } else if (lanes().queued.empty()) {
      return;
    } else if (is_setup(sa)) {
      // IKE_SA_INIT and IKE_AUTH are made by all setup tasks together.
      tasks = std::move(lanes().queued);
      lanes().queued.clear();
    } else {
      // Once established, one task per exchange (ike_delete, child_delete, ike_dpd, ...).
      // An IKE SA rekey goes out alone (see task_manager.h).
      if (lanes().queued.front()->type() == TaskType::ike_rekey && !lanes().outstanding.empty()) return;
      tasks.push_back(std::move(lanes().queued.front()));
      lanes().queued.erase(lanes().queued.begin());
    }
    if (!send_request(ctx, std::move(tasks))) return;
  }
}

bool TaskManager::window_has_room(const IkeSa& sa) const {
  // Our Delete of the IKE SA is in flight: nothing else starts.
  if (sa.state == IkeSaState::deleting) return false;
  if (lanes().outstanding.empty()) return true;
  if (has_outstanding(TaskType::ike_rekey)) return false;
  // §2.3: request X waits until the responses up to X - window arrived; the
  // window is 1 until the initial exchanges are done.
  const uint32_t window = is_setup(sa) ? 1 : peer_window_;
  return uint64_t{next_request_id_} < uint64_t{lanes().outstanding.begin()->first} + window;
}

bool TaskManager::send_request(TaskContext& ctx, std::vector<std::unique_ptr<Task>> tasks) {
  IkeSa& sa = ctx.sa;
  IkeMessage request;
  request.exchange = next_exchange(sa, tasks);
  request.message_id = next_request_id_;
  std::vector<bool> finished(tasks.size(), false);
  for (size_t i = 0; i < tasks.size(); ++i) {
    TaskStatus status = tasks[i]->build(ctx, request);
    if (status == TaskStatus::failed) {
      sa.die(sa.death_reason().empty() ? "could not build request" : sa.death_reason());
      return false;
    }
    finished[i] = status == TaskStatus::done;
  }
  remove_finished(tasks, finished);
  if (request.exchange == ExchangeType::IKE_AUTH) add_set_window_size(request, sa.config->window_size);

  std::vector<Bytes> datagrams = encode_for_sending(ctx, request);
  if (request.exchange == ExchangeType::IKE_SA_INIT) sa.setup().init_request = datagrams.front();
  send_on_sa(ctx, datagrams);
  send_to_mapping_candidate(ctx, datagrams);
  lanes().outstanding.emplace(request.message_id,
                              Outstanding{request.exchange, std::move(datagrams), 0,
                                          ctx.now + retransmit_interval(ctx, 0), std::move(tasks)});
  ++next_request_id_;
  return true;
}

void TaskManager::notify_authentication_failed(TaskContext& ctx) {
  IkeMessage notice;
  notice.exchange = ExchangeType::INFORMATIONAL;
  notice.message_id = next_request_id_++;
  notice.add_notify(wire::NotifyType::AUTHENTICATION_FAILED);
  send_on_sa(ctx, encode_for_sending(ctx, notice));
}

bool TaskManager::has_outstanding(TaskType type) const {
  return std::any_of(lanes().outstanding.begin(), lanes().outstanding.end(), [&](const auto& entry) {
    return std::any_of(entry.second.tasks.begin(), entry.second.tasks.end(),
                       [&](const std::unique_ptr<Task>& t) { return t->type() == type; });
  });
}

bool TaskManager::has_initiated_task(const std::function<bool(const Task&)>& matches) const {
  auto in = [&](const std::vector<std::unique_ptr<Task>>& tasks) {
    return std::any_of(tasks.begin(), tasks.end(),
                       [&](const std::unique_ptr<Task>& t) { return matches(*t); });
  };
  if (in(lanes().queued) || in(lanes().active)) return true;
  return std::any_of(lanes().outstanding.begin(), lanes().outstanding.end(),
                     [&](const auto& entry) { return in(entry.second.tasks); });
}

bool TaskManager::has_outstanding_other_than(std::initializer_list<TaskType> types) const {
  return std::any_of(lanes().outstanding.begin(), lanes().outstanding.end(), [&](const auto& entry) {
    return std::any_of(entry.second.tasks.begin(), entry.second.tasks.end(),
                       [&](const std::unique_ptr<Task>& t) {
                         return std::find(types.begin(), types.end(), t->type()) == types.end();
                       });
  });
}

void TaskManager::adopt_windows(const TaskManager& old) {
  peer_window_ = old.peer_window_;
  our_window_ = old.our_window_;
}

void TaskManager::inherit(TaskManager& old) {
  // A rekey of the old IKE SA still waiting is moot: it has just been replaced.
  for (auto& task : old.lanes().queued) {
    if (task->type() != TaskType::ike_rekey) lanes().queued.push_back(std::move(task));
  }
  old.lanes().queued.clear();
}

void TaskManager::on_message(TaskContext& ctx, const Address& local, const Address& remote, ByteView datagram,
                             const wire::Message& parsed) {
  if (!parsed.payloads.empty() && parsed.payloads.back().type == wire::PayloadType::SKF) {
    handle_fragment(ctx, local, remote, datagram, parsed);
  } else if (parsed.header.is_response()) {
    handle_response(ctx, local, remote, datagram, parsed);
  } else {
    handle_request(ctx, local, remote, datagram, parsed);
  }
}

void TaskManager::handle_response(TaskContext& ctx, const Address& local, const Address& remote,
                                  ByteView datagram, const wire::Message& parsed) {
  IkeSa& sa = ctx.sa;
  const wire::IkeHeader& header = parsed.header;
  auto it = lanes().outstanding.find(header.message_id);
  if (it == lanes().outstanding.end() || header.exchange != it->second.exchange) {
    ++ctx.counters.dropped_bad_message_id;
    return;
  }
  Result<IkeMessage> response = decode_message(sa, datagram, parsed);
  if (!response) {
    ++ctx.counters.dropped_undecodable;
    ctx.event(EventKind::message_dropped, "response dropped: " + response.error().to_string());
    return;  // keep retransmitting: the real response may still come
  }
  if (response->exchange == ExchangeType::IKE_SA_INIT)
    sa.setup().init_response = Bytes(datagram.begin(), datagram.end());
  // Arrived whole: any fragments of it collected so far are moot.
  forget_fragments(FragmentReassembly::Direction::response, header.message_id);
  process_response(ctx, local, remote, it, *response);
}

void TaskManager::process_response(TaskContext& ctx, const Address& local, const Address& remote,
                                   std::map<uint32_t, Outstanding>::iterator it, const IkeMessage& response) {
  IkeSa& sa = ctx.sa;
  sa.last_received = ctx.now;
  follow_peer_address(ctx, response.exchange, local, remote);
  std::vector<std::unique_ptr<Task>> tasks = std::move(it->second.tasks);
  lanes().outstanding.erase(it);

  std::vector<bool> finished(tasks.size(), false);
  for (size_t i = 0; i < tasks.size(); ++i) {
    TaskStatus status = tasks[i]->process(ctx, response);
    if (status == TaskStatus::failed) {
      if (sa.notify_authentication_failed) notify_authentication_failed(ctx);
      sa.die(sa.death_reason().empty() ? "exchange failed" : sa.death_reason());
      return;
    }
    if (status == TaskStatus::restart_exchange) {
      // IKE_SA_INIT again from the start (§1.2, §2.7): Message ID 0, no responder SPI.
      next_request_id_ = 0;
      sa.spi_r = 0;
      lanes().active = std::move(tasks);
      initiate(ctx);
      return;
    }
    finished[i] = status == TaskStatus::done;
  }
  remove_finished(tasks, finished);
  if (response.exchange == ExchangeType::IKE_AUTH && sa.state == IkeSaState::established) {
    our_window_ = std::max<uint32_t>(sa.config->window_size, 1);
    peer_window_ = read_set_window_size(response).value_or(1);
    release_setup_state(sa);
  }
  for (auto& task : tasks) lanes().active.push_back(std::move(task));
  initiate(ctx);
}

void TaskManager::handle_fragment(TaskContext& ctx, const Address& local, const Address& remote,
                                  ByteView datagram, const wire::Message& parsed) {
  IkeSa& sa = ctx.sa;
  const wire::IkeHeader& header = parsed.header;
  const auto& skf = std::get<wire::SkfPayload>(parsed.payloads.back().body);
  const bool response = header.is_response();
  const uint32_t id = header.message_id;
  ++ctx.counters.ike_fragments_received;
  auto drop = [&](uint64_t& counter, std::string_view why) {
    ++counter;
    ctx.event(EventKind::message_dropped,
              fmt::format("IKE fragment {} of {} of the {} {} with Message ID {} dropped: {}",
                          skf.fragment_number, skf.total_fragments, wire::to_string(header.exchange),
                          response ? "response" : "request", id, why));
  };

  // RFC 7383 §2.3, §2.4: only where both ends announced it, never for IKE_SA_INIT.
  if (!sa.fragmentation) {
    drop(ctx.counters.ike_fragments_unexpected, "IKE fragmentation was not negotiated on this IKE SA");
    return;
  }
  if (sa.sk_in == nullptr || header.exchange == ExchangeType::IKE_SA_INIT) {
    drop(ctx.counters.ike_fragments_unexpected, "the IKE SA has no keys for it yet");
    return;
  }
  // The Message ID checks of a whole message come first (§2.6.1).
  auto outstanding = lanes().outstanding.end();
  if (response) {
    outstanding = lanes().outstanding.find(id);
    if (outstanding == lanes().outstanding.end() || outstanding->second.exchange != header.exchange) {
      ++ctx.counters.dropped_bad_message_id;
      return;
    }
  } else if (responder_.is_cached(id)) {
    // A retransmit of a request we answered: only its fragment 1 makes us
    // resend the answer (§2.6.1). Byte-identical to the one we processed, or
    // authentic (the peer may have fragmented it anew, §2.5.2).
    if (skf.fragment_number != 1) {
      ++ctx.counters.ike_fragments_ignored;
      return;
    }
    if (responder_.classify(id, datagram, our_window_) != ResponderWindow::Verdict::resend_cached &&
        !open_fragment(datagram, parsed, *sa.sk_in)) {
      drop(ctx.counters.ike_fragments_invalid, "it failed the integrity check (forged or corrupted)");
      return;
    }
    ++ctx.counters.cached_responses_sent;
    send_on_sa(ctx, responder_.cached_datagrams(id));
    return;
  } else if (responder_.classify(id, datagram, our_window_) != ResponderWindow::Verdict::process) {
    ++ctx.counters.dropped_bad_message_id;
    return;
  }

  // §2.6: each fragment is authenticated on its own before it is kept.
  Result<Bytes> chunk = open_fragment(datagram, parsed, *sa.sk_in);
  if (!chunk) {
    drop(ctx.counters.ike_fragments_invalid,
         "it failed the integrity check (forged or corrupted): " + chunk.error().to_string());
    return;
  }
  sa.last_received = ctx.now;
  if (reassembly_) {
    reassembly_->set_limits(ctx.config.reassembly);
  } else {
    reassembly_.emplace(ctx.config.reassembly);
  }
  ReceivedFragment fragment{skf.fragment_number, skf.total_fragments, skf.first_inner, std::move(*chunk), {}};
  if (skf.fragment_number == 1) fragment.datagram.assign(datagram.begin(), datagram.end());
  const auto direction =
      response ? FragmentReassembly::Direction::response : FragmentReassembly::Direction::request;
  FragmentReassembly::Added added = reassembly_->add(direction, id, std::move(fragment), ctx.now);
  if (reassembly_->pending() == 0) reassembly_.reset();  // nothing left to collect: no memory held
  const FragmentLimits& limits = ctx.config.reassembly;
  switch (added.outcome) {
    case FragmentReassembly::Outcome::kept: ++ctx.counters.ike_fragments_accepted; return;
    case FragmentReassembly::Outcome::duplicate: ++ctx.counters.ike_fragments_duplicate; return;
    case FragmentReassembly::Outcome::restarted:
      ++ctx.counters.ike_fragments_accepted;
      ++ctx.counters.ike_reassembly_dropped;
      ctx.event(
          EventKind::message_dropped,
          fmt::format("the peer sent Message ID {} again in {} fragments (more than before): the fragments "
                      "collected so far are dropped and reassembly starts over (RFC 7383 §2.6)",
                      id, skf.total_fragments));
      return;
    case FragmentReassembly::Outcome::stale:
      drop(ctx.counters.ike_fragments_unexpected,
           "its Total Fragments is lower than that of the fragments already collected (RFC 7383 §2.6)");
      return;
    case FragmentReassembly::Outcome::too_many_fragments:
      ++ctx.counters.ike_reassembly_dropped;
      drop(ctx.counters.ike_fragments_unexpected,
           fmt::format("the message has more fragments than the {} we reassemble", limits.max_fragments));
      return;
    case FragmentReassembly::Outcome::too_big:
      ++ctx.counters.ike_reassembly_dropped;
      drop(ctx.counters.ike_fragments_unexpected,
           fmt::format("the reassembled message would be bigger than the {} octets we accept",
                       limits.max_reassembled_size));
      return;
    case FragmentReassembly::Outcome::complete: break;
  }
  ++ctx.counters.ike_fragments_accepted;
  ++ctx.counters.ike_messages_reassembled;
  Result<IkeMessage> message = decode_reassembled(parsed, added.message->first_inner, added.message->chain);
  if (!message) {
    ++ctx.counters.dropped_undecodable;
    ctx.event(EventKind::message_dropped,
              fmt::format("reassembled {} dropped: {}", response ? "response" : "request",
                          message.error().to_string()));
    return;
  }
  if (response) {
    process_response(ctx, local, remote, outstanding, *message);
  } else {
    process_request(ctx, local, remote, added.message->first_datagram, *message);
  }
}

void TaskManager::handle_request(TaskContext& ctx, const Address& local, const Address& remote,
                                 ByteView datagram, const wire::Message& parsed) {
  IkeSa& sa = ctx.sa;
  const uint32_t id = parsed.header.message_id;
  switch (responder_.classify(id, datagram, our_window_)) {
    case ResponderWindow::Verdict::resend_cached:
      ++ctx.counters.cached_responses_sent;
      send_on_sa(ctx, responder_.cached_datagrams(id));
      return;
    case ResponderWindow::Verdict::mismatch: ++ctx.counters.dropped_retransmit_mismatch; return;
    case ResponderWindow::Verdict::outside: ++ctx.counters.dropped_bad_message_id; return;
    case ResponderWindow::Verdict::process: break;
  }
  Result<IkeMessage> request = decode_message(sa, datagram, parsed);
  if (!request) {
    ++ctx.counters.dropped_undecodable;
    ctx.event(EventKind::message_dropped, "request dropped: " + request.error().to_string());
    return;
  }
  if (request->exchange == ExchangeType::IKE_SA_INIT)
    sa.setup().init_request = Bytes(datagram.begin(), datagram.end());
  // Arrived whole: any fragments of it collected so far are moot.
  forget_fragments(FragmentReassembly::Direction::request, id);
  process_request(ctx, local, remote, datagram, *request);
}

void TaskManager::process_request(TaskContext& ctx, const Address& local, const Address& remote,
                                  ByteView cache_key, const IkeMessage& request) {
  IkeSa& sa = ctx.sa;
  const uint32_t id = request.message_id;
  sa.last_received = ctx.now;

  // Which tasks answer: the setup tasks for IKE_SA_INIT / IKE_AUTH in the
  // right state, tasks made from the request's content otherwise.
  std::vector<std::unique_ptr<Task>> per_request;
  std::vector<std::unique_ptr<Task>>* tasks = &per_request;
  switch (request.exchange) {
    case ExchangeType::IKE_SA_INIT:
    case ExchangeType::IKE_AUTH: {
      bool expected = (request.exchange == ExchangeType::IKE_SA_INIT && sa.state == IkeSaState::created) ||
                      (request.exchange == ExchangeType::IKE_AUTH && sa.state == IkeSaState::init_done);
      if (!expected || sa.is_initiator()) {
        ++ctx.counters.dropped_request_in_wrong_state;
        return;
      }
      tasks = &lanes().setup;
      break;
    }
    default:
      if (sa.state != IkeSaState::established && sa.state != IkeSaState::deleting &&
          sa.state != IkeSaState::rekeyed) {
        ++ctx.counters.dropped_request_in_wrong_state;
        return;
      }
      per_request = responder_tasks_for(request);
      break;
  }

  // §2.23: with a NAT, the peer's address is that of its latest authenticated message.
  ctx.received_local = local;  // MOBIKE's UPDATE_SA_ADDRESSES moves the IKE SA there
  ctx.received_remote = remote;
  follow_peer_address(ctx, request.exchange, local, remote);

  for (auto& task : *tasks) {
    if (task->process(ctx, request) == TaskStatus::failed) {
      sa.die(sa.death_reason().empty() ? "request rejected" : sa.death_reason());
      return;
    }
  }
  IkeMessage response;
  response.exchange = request.exchange;
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
  // The window this request was answered under: IKE_SA_INIT and IKE_AUTH are
  // answered with a window of 1, so caching IKE_AUTH's answer forgets IKE_SA_INIT's.
  const uint32_t cache_window = our_window_;
  const bool setup_done =
      response.exchange == ExchangeType::IKE_AUTH && !failed && sa.state == IkeSaState::established;
  if (setup_done) {
    // Both windows apply from the next exchange on (§2.3).
    add_set_window_size(response, sa.config->window_size);
    our_window_ = std::max<uint32_t>(sa.config->window_size, 1);
    peer_window_ = read_set_window_size(request).value_or(1);
  }

  std::vector<Bytes> datagrams = encode_for_sending(ctx, response);
  if (response.exchange == ExchangeType::IKE_SA_INIT) sa.setup().init_response = datagrams.front();
  send_on_sa(ctx, datagrams);
  responder_.answered(id, cache_key, std::move(datagrams), cache_window);
  if (setup_done) {
    release_setup_state(sa);
    lanes().setup.clear();
    lanes().setup.shrink_to_fit();
  }
  if (failed) sa.die(sa.death_reason().empty() ? "request rejected" : sa.death_reason());
  // A responder task may have queued one of ours (invalid_spi_notice: the
  // CHILD_SA made again); it goes out now, window permitting.
  if (sa.state == IkeSaState::established && lanes().active.empty() && !lanes().queued.empty()) initiate(ctx);
}

void TaskManager::on_timer(TaskContext& ctx) {
  const size_t expired = reassembly_ ? reassembly_->expire(ctx.now) : 0;
  if (reassembly_ && reassembly_->pending() == 0) reassembly_.reset();
  if (expired > 0) {
    ctx.counters.ike_reassembly_dropped += expired;
    ctx.event(
        EventKind::message_dropped,
        fmt::format("{} incomplete fragmented message{} dropped: not all fragments arrived within {} s",
                    expired, expired == 1 ? "" : "s",
                    std::chrono::duration_cast<std::chrono::seconds>(ctx.config.reassembly.reassembly_timeout)
                        .count()));
  }
  const RetransmitConfig& rt = ctx.sa.config->retransmit;
  for (auto& [message_id, request] : lanes().outstanding) {
    if (ctx.now < request.deadline) continue;
    if (request.retransmits >= rt.tries) {
      give_up(ctx, message_id, request);
      lanes().outstanding.clear();
      return;
    }
    ++request.retransmits;
    if (!request.tasks.empty() && request.tasks.front()->before_retransmit(ctx, request.retransmits))
      rebuild_request(ctx, message_id, request);
    request.deadline = ctx.now + retransmit_interval(ctx, request.retransmits);
    ++ctx.counters.retransmits_sent;
    ctx.event(EventKind::retransmit,
              fmt::format("retransmit {} of {} request (Message ID {})", request.retransmits,
                          wire::to_string(request.exchange), message_id));
    send_on_sa(ctx, request.datagrams);
    send_to_mapping_candidate(ctx, request.datagrams);
  }
}

bool TaskManager::resend_now(TaskContext& ctx, TaskType type) {
  for (auto& [message_id, request] : lanes().outstanding) {
    if (request.tasks.empty() || request.tasks.front()->type() != type) continue;
    ++ctx.counters.retransmits_sent;
    send_on_sa(ctx, request.datagrams);
    return true;
  }
  return false;
}

void TaskManager::rebuild_request(TaskContext& ctx, uint32_t message_id, Outstanding& request) {
  IkeMessage msg;
  msg.exchange = request.exchange;
  msg.message_id = message_id;
  for (auto& task : request.tasks) (void)task->build(ctx, msg);
  request.datagrams = encode_for_sending(ctx, msg);
}

void TaskManager::give_up(TaskContext& ctx, uint32_t message_id, const Outstanding& request) {
  const bool liveness_check = !request.tasks.empty() && request.tasks.front()->type() == TaskType::ike_dpd;
  const bool was_established = ctx.sa.state == IkeSaState::established;
  ctx.sa.gave_up = true;
  ctx.sa.die(fmt::format(
      "peer not responding{}: no response to {} request (Message ID {}) after {} retransmits",
      liveness_check ? " (DPD)" : "", wire::to_string(request.exchange), message_id, request.retransmits));
  // An established SA whose peer vanished: the Endpoint applies dpd_action.
  // (A Delete we sent that is never answered is not that: we wanted it gone.)
  if (was_established) {
    ctx.sa.peer_not_responding = true;
    ++ctx.counters.peers_not_responding;
  }
}

void TaskManager::forget_fragments(FragmentReassembly::Direction direction, uint32_t message_id) {
  if (!reassembly_) return;
  reassembly_->forget(direction, message_id);
  if (reassembly_->pending() == 0) reassembly_.reset();
}

std::optional<Timestamp> TaskManager::next_deadline() const {
  std::optional<Timestamp> next = reassembly_ ? reassembly_->next_deadline() : std::nullopt;
  for (const auto& [message_id, request] : lanes().outstanding) {
    if (!next || request.deadline < *next) next = request.deadline;
  }
  return next;
}

Duration TaskManager::retransmit_interval(const TaskContext& ctx, uint32_t retransmits) const {
  const RetransmitConfig& rt = ctx.sa.config->retransmit;
  double factor = std::pow(rt.base, static_cast<double>(retransmits));
  return Duration{static_cast<Duration::rep>(static_cast<double>(rt.timeout.count()) * factor)};
}

}  // namespace tern::ike

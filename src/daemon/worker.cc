// See worker.h.
#include "daemon/worker.h"

#include <fmt/format.h>
#include <pthread.h>

#include <asio/post.hpp>
#include <future>
#include <string>

namespace tern::daemon {
namespace {

bool is_data_plane_effect(const ike::Effect& effect) {
  return std::holds_alternative<ike::InstallChildSa>(effect) ||
         std::holds_alternative<ike::UpdateChildSa>(effect) ||
         std::holds_alternative<ike::RemoveChildSa>(effect);
}

}  // namespace

Worker::Worker(asio::io_context& loop, WorkerThreading threading, uint32_t index, ike::EndpointConfig config,
               const io::Clock& clock, Hooks hooks)
    : threading_(threading),
      index_(index),
      clock_(clock),
      hooks_(std::move(hooks)),
      io_(threading == WorkerThreading::own_thread ? own_io_ : loop),
      endpoint_(std::move(config), random_),
      timer_(io_, clock_, [this] { on_timer(); }) {
  endpoint_.set_wall_clock_offset(clock_.wall_offset());
}

Worker::~Worker() {
  stop();
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  keep_running_.reset();
  own_io_.stop();
  thread_.join();
}

void Worker::add_socket(std::unique_ptr<io::UdpSocket> socket, io::DatagramHandler handler) {
  socket->set_send_error(hooks_.send_error);
  // The answers forwarded while a batch is handled go to the loop in one hand-over after it.
  socket->set_drained([this] { flush_forward(); });
  sockets_.push_back(std::move(socket));
  socket_handlers_.push_back(std::move(handler));
}

void Worker::start() {
  if (threaded()) {
    keep_running_.emplace(own_io_.get_executor());
    // Started on the worker's thread, which alone touches the sockets from now on.
    asio::post(io_, [this] {
      for (size_t i = 0; i < sockets_.size(); ++i) {
        sockets_[i]->start([this, &handler = socket_handlers_[i]](
                               const ike::Address& local, const ike::Address& remote, MutableByteView bytes) {
          in_batch_ = true;
          handler(local, remote, bytes);
        });
      }
    });
    thread_ = std::thread([this] {
      // "tern-worker-3" in top -H, perf and /proc/PID/task/*/comm (at most 15 characters).
      const std::string name = fmt::format("tern-worker-{}", index_);
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      own_io_.run();
    });
    asio::post(io_, [this] { timer_.arm(endpoint_.next_deadline()); });
  } else {
    timer_.arm(endpoint_.next_deadline());
  }
}

void Worker::handle(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  // Certificates are checked on the wall clock (ike::Endpoint::set_wall_clock_offset).
  endpoint_.set_wall_clock_offset(clock_.wall_offset());
  endpoint_.on_datagram(local, remote, bytes, clock_.now());
  after_input();
}

void Worker::receive(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  handle(local, remote, bytes);
}

void Worker::deliver(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  if (!threaded()) {
    handle(local, remote, bytes);
    return;
  }
  if (queued_datagrams_.load(std::memory_order_relaxed) >= kMaxQueuedDatagrams) {
    queue_drops_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  queued_datagrams_.fetch_add(1, std::memory_order_relaxed);
  asio::post(io_, [this, local, remote, copy = std::vector<uint8_t>(bytes.begin(), bytes.end())] {
    queued_datagrams_.fetch_sub(1, std::memory_order_relaxed);
    handle(local, remote, copy);
  });
}

void Worker::run(const Job& job) {
  if (!threaded()) {
    job(endpoint_, clock_.now());
    after_input();
    return;
  }
  std::promise<void> done;
  asio::post(io_, [&] {
    job(endpoint_, clock_.now());
    after_input();
    done.set_value();
  });
  done.get_future().wait();
}

void Worker::submit(Job job) {
  if (!threaded()) {
    job(endpoint_, clock_.now());
    after_input();
    return;
  }
  asio::post(io_, [this, job = std::move(job)] {
    job(endpoint_, clock_.now());
    after_input();
  });
}

void Worker::after_input() {
  endpoint_.take_effects(effects_);  // effects_ and the Endpoint's buffer take turns: no allocation
  if (!effects_.empty()) {
    if (threaded()) {
      // Into the batch's hand-over, or (an input outside a batch: a timer, a
      // command) into one of its own that goes at once.
      bool in_order = false;  // a data-plane effect came: what follows keeps its place behind it
      for (ike::Effect& effect : effects_) {
        // A hand-over wakes the loop thread: an IKE_AUTH answered with
        // nothing but events (no data plane, a quiet log) needs none.
        if (const auto* event = std::get_if<ike::Event>(&effect);
            event != nullptr && hooks_.wants_event && !hooks_.wants_event(*event))
          continue;
        if (!data_plane_ && is_data_plane_effect(effect)) {
          // Nothing to install or to keep in order behind; a removal still
          // goes, for `ternctl stats`' CHILD_SA teardown reasons.
          if (std::holds_alternative<ike::RemoveChildSa>(effect))
            pending_forward_.push_back(std::move(effect));
          continue;
        }
        const auto* send = std::get_if<ike::Send>(&effect);
        if (send != nullptr && !in_order) {
          this->send(send->local, send->remote, send->bytes);
          continue;
        }
        in_order = in_order || is_data_plane_effect(effect);
        pending_forward_.push_back(std::move(effect));
      }
      if (!in_batch_) flush_forward();
    } else {
      hooks_.forward(index_, std::move(effects_));
    }
    effects_.clear();
  }
  timer_.arm_no_later_than(endpoint_.next_deadline());
}

void Worker::send(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
  io::UdpSocket* socket = io::socket_for(sockets_, local);
  if (socket == nullptr) {
    hooks_.send(local, remote, bytes);
    return;
  }
  if (Result<void> sent = socket->send(local, remote, bytes); !sent) hooks_.send_error(sent.error());
}

void Worker::flush_forward() {
  in_batch_ = false;
  if (pending_forward_.empty()) return;
  std::vector<ike::Effect> batch;
  batch.swap(pending_forward_);
  pending_forward_.reserve(batch.size());  // one allocation for the next batch of about this size
  hooks_.forward(index_, std::move(batch));
}

void Worker::on_timer() {
  endpoint_.set_wall_clock_offset(clock_.wall_offset());
  endpoint_.on_timer(clock_.now());
  after_input();
}

void relay_initial_contact(const std::vector<std::unique_ptr<Worker>>& workers, uint32_t from,
                           const ike::InitialContactReceived& contact) {
  for (const std::unique_ptr<Worker>& w : workers) {
    if (w->index() == from) continue;
    w->submit([contact](ike::Endpoint& e, Timestamp now) { e.drop_sas_of_peer(contact, now); });
  }
}

}  // namespace tern::daemon

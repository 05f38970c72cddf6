// INITIAL_CONTACT across ternd's workers (RFC 7296 §2.4, daemon/worker.h
// relay_initial_contact): a responder with two threaded workers, each an
// Endpoint holding its shard of the IKE SAs, and a road warrior that
// restarts.
//   1. The road warrior's first IKE SA lands on worker 1:
//        HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SAi2, TSi, TSr}  -->  worker 1
//   2. It restarts (a fresh Endpoint, every SA forgotten) and its new IKE SA
//      lands on worker 0, again with N(INITIAL_CONTACT).
//   3. Worker 0 reports the contact (ike::InitialContactReceived); relayed to
//      worker 1, the stale IKE SA there goes, with its CHILD_SA, for the same
//      reason as on a single Endpoint. The new one stays.
// The "network" here routes an IKE_SA_INIT request to the worker the test
// names and everything else by our SPI's shard, as shard_dispatch.h does.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "daemon/worker.h"
#include "ike/exchange_harness.h"
#include "ike/shard_spi.h"

namespace tern::daemon {
namespace {

using ike::testing::config_a;
using ike::testing::config_b;

uint64_t spi_at(ByteView bytes, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | bytes[at + i];
  return v;
}

class RestartingRoadWarrior {
 public:
  RestartingRoadWarrior() {
    for (uint32_t i = 0; i < 2; ++i) responders_.push_back(make_responder(i));
    for (const auto& w : responders_) w->start();
  }
  ~RestartingRoadWarrior() {
    // Every thread stops before any Worker goes (the hooks name the others).
    for (const auto& w : initiators_) w->stop();
    for (const auto& w : responders_) w->stop();
  }

  // A fresh road warrior (the previous one, if any, crashed: stopped, its state lost)
  // whose IKE_SA_INIT goes to responder worker `target`.
  void start_road_warrior(uint32_t target) {
    if (!initiators_.empty()) initiators_.back()->stop();
    ike::EndpointConfig config;
    config.connections.push_back(std::make_shared<const ike::ConnectionConfig>(config_a()));
    Worker::Hooks hooks;
    hooks.send = [this](const ike::Address& local, const ike::Address& remote, ByteView bytes) {
      to_responder(local, remote, bytes);
    };
    hooks.forward = [this](uint32_t, std::vector<ike::Effect> effects) {
      for (const ike::Effect& e : effects)
        if (const auto* send = std::get_if<ike::Send>(&e))
          to_responder(send->local, send->remote, send->bytes);
    };
    auto worker = std::make_unique<Worker>(loop_, WorkerThreading::own_thread, 0, std::move(config), clock_,
                                           std::move(hooks));
    {
      std::lock_guard lock(mutex_);
      init_target_ = target;
      road_warrior_ = worker.get();
    }
    worker->start();
    worker->run(
        [](ike::Endpoint& e, Timestamp now) { ASSERT_TRUE(e.command(ike::Up{"a-b"}, now).has_value()); });
    initiators_.push_back(std::move(worker));
  }

  // Waits (at most 10 s) until `done` holds for what the responder workers forwarded.
  bool wait(const std::function<bool(const std::vector<ike::Effect>& w0, const std::vector<ike::Effect>& w1)>&
                done) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return done(forwarded_[0], forwarded_[1]); });
  }

  std::vector<ike::IkeSaStatus> status(uint32_t worker) {
    std::vector<ike::IkeSaStatus> out;
    responders_[worker]->run([&](ike::Endpoint& e, Timestamp) { out = e.status(); });
    return out;
  }
  ike::EndpointCounters counters(uint32_t worker) {
    ike::EndpointCounters out;
    responders_[worker]->run([&](ike::Endpoint& e, Timestamp) { out = e.counters(); });
    return out;
  }
  std::vector<ike::Effect> forwarded(uint32_t worker) {
    std::lock_guard lock(mutex_);
    return forwarded_[worker];
  }

 private:
  void to_responder(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
    uint32_t target = 0;
    {
      std::lock_guard lock(mutex_);
      target = init_target_;
    }
    const uint64_t spi_r = spi_at(bytes, 8);  // the responder's SPI: ours
    if (spi_r != 0) target = ike::shard_of_spi(spi_r) % 2;
    responders_[target]->deliver(remote, local, bytes);
  }
  void to_road_warrior(const ike::Address& local, const ike::Address& remote, ByteView bytes) {
    std::lock_guard lock(mutex_);
    road_warrior_->deliver(remote, local, bytes);  // a crashed one never runs it
  }

  std::unique_ptr<Worker> make_responder(uint32_t index) {
    ike::EndpointConfig config;
    config.connections.push_back(std::make_shared<const ike::ConnectionConfig>(config_b()));
    config.shard_index = index;
    config.shard_count = 2;
    Worker::Hooks hooks;
    hooks.send = [this](const ike::Address& local, const ike::Address& remote, ByteView bytes) {
      to_road_warrior(local, remote, bytes);
    };
    // As ternd's event loop does (Daemon::on_worker_effects), on the worker's thread here.
    hooks.forward = [this](uint32_t from, std::vector<ike::Effect> effects) {
      for (const ike::Effect& e : effects) {
        if (const auto* send = std::get_if<ike::Send>(&e))
          to_road_warrior(send->local, send->remote, send->bytes);
        if (const auto* contact = std::get_if<ike::InitialContactReceived>(&e))
          relay_initial_contact(responders_, from, *contact);
      }
      std::lock_guard lock(mutex_);
      for (ike::Effect& e : effects) forwarded_[from].push_back(std::move(e));
      changed_.notify_all();
    };
    return std::make_unique<Worker>(loop_, WorkerThreading::own_thread, index, std::move(config), clock_,
                                    std::move(hooks));
  }

  asio::io_context loop_;
  io::Clock clock_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ike::Effect> forwarded_[2];
  uint32_t init_target_ = 0;
  Worker* road_warrior_ = nullptr;
  std::vector<std::unique_ptr<Worker>> responders_;  // made before any thread runs, then fixed
  std::vector<std::unique_ptr<Worker>> initiators_;
};

size_t count_events(const std::vector<ike::Effect>& effects, ike::EventKind kind,
                    std::string_view text = {}) {
  return static_cast<size_t>(std::count_if(effects.begin(), effects.end(), [&](const ike::Effect& e) {
    const auto* event = std::get_if<ike::Event>(&e);
    return event != nullptr && event->kind == kind && event->text.find(text) != std::string::npos;
  }));
}

template <typename T>
size_t count_of(const std::vector<ike::Effect>& effects) {
  return static_cast<size_t>(std::count_if(
      effects.begin(), effects.end(), [](const ike::Effect& e) { return std::holds_alternative<T>(e); }));
}

TEST(WorkerInitialContact, ARestartedRoadWarriorsNewIkeSaOnOneWorkerReplacesTheStaleOneOnTheOther) {
  RestartingRoadWarrior net;
  // 1. First IKE SA, on worker 1.
  net.start_road_warrior(1);
  ASSERT_TRUE(net.wait([](const auto&, const auto& w1) {
    return count_events(w1, ike::EventKind::ike_sa_established) == 1 &&
           count_of<ike::InstallChildSa>(w1) == 1;
  }));
  ASSERT_EQ(net.status(1).size(), 1u);
  const std::vector<ike::Effect> first = net.forwarded(1);
  const auto install = std::find_if(first.begin(), first.end(), [](const ike::Effect& e) {
    return std::holds_alternative<ike::InstallChildSa>(e);
  });
  ASSERT_NE(install, first.end());
  const uint32_t stale_child = std::get<ike::InstallChildSa>(*install).spi_in;

  // 2. The road warrior restarts; its new IKE SA (with N(INITIAL_CONTACT)) lands on worker 0.
  net.start_road_warrior(0);
  // 3. Worker 0 reports the contact; worker 1 drops the stale IKE SA and its CHILD_SA.
  ASSERT_TRUE(net.wait([](const auto& w0, const auto& w1) {
    return count_events(w0, ike::EventKind::ike_sa_established) == 1 &&
           count_events(w1, ike::EventKind::ike_sa_destroyed, "INITIAL_CONTACT") == 1;
  }));
  const std::vector<ike::Effect> w0 = net.forwarded(0);
  const std::vector<ike::Effect> w1 = net.forwarded(1);
  EXPECT_EQ(count_of<ike::InitialContactReceived>(w0), 1u);
  EXPECT_EQ(count_of<ike::InitialContactReceived>(w1), 1u);  // its own first contact: nothing older anywhere
  const auto removed = std::find_if(w1.begin(), w1.end(), [](const ike::Effect& e) {
    return std::holds_alternative<ike::RemoveChildSa>(e);
  });
  ASSERT_NE(removed, w1.end());
  EXPECT_EQ(std::get<ike::RemoveChildSa>(*removed).spi_in, stale_child);
  EXPECT_NE(std::get<ike::RemoveChildSa>(*removed).reason.find("replaced"), std::string::npos);

  EXPECT_TRUE(net.status(1).empty());
  const std::vector<ike::IkeSaStatus> now_up = net.status(0);
  ASSERT_EQ(now_up.size(), 1u);
  EXPECT_EQ(now_up[0].state, ike::IkeSaState::established);
  EXPECT_EQ(net.counters(1).initial_contact_replaced, 1u);
  EXPECT_EQ(net.counters(0).initial_contact_replaced, 0u);
  // Nothing of the new IKE SA went: worker 0 removed no CHILD_SA.
  EXPECT_EQ(count_of<ike::RemoveChildSa>(w0), 0u);
}

}  // namespace
}  // namespace tern::daemon

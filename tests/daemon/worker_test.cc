// ternd's workers (daemon/worker.h): two threaded workers, each an Endpoint
// on its own thread, wired to each other as the network. The exchange
//   HDR, SAi1, KEi, Ni  -->  <--  HDR, SAr1, KEr, Nr
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}  -->  <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
// runs across the threads; what each worker hands to "the event loop"
// (Hooks::forward) arrives in order, a Send behind an InstallChildSa of the
// same input among it; run() waits for the job; the IkeSaIds are the shard's.
#include "daemon/worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "ike/exchange_harness.h"

namespace tern::daemon {
namespace {

using ike::testing::config_a;
using ike::testing::config_b;

struct Side {
  std::vector<ike::Effect> forwarded;  // in order
  size_t direct_sends = 0;
  size_t forwarded_sends_after_install = 0;
  std::vector<std::thread::id> threads;  // where the hooks ran
};

class TwoWorkers {
 public:
  // `quiet_b`: B runs as ternd does with data_plane = "none" and a log that
  // drops B's events, nobody following them (Hooks::wants_event).
  explicit TwoWorkers(bool quiet_b = false) {
    ike::ConnectionConfig a = config_a();
    // tern-load's initiators send none either; one goes to the loop, which
    // has the other workers drop that peer's old IKE SAs (relay_initial_contact).
    if (quiet_b) a.initial_contact = false;
    const auto b_of = [this] { return b_.get(); };
    const auto a_of = [this] { return a_.get(); };
    a_ = make(0, 2, std::move(a), a_side_, b_of, false);
    b_ = make(1, 2, config_b(), b_side_, a_of, quiet_b);
    a_->start();
    b_->start();
  }
  ~TwoWorkers() {
    // Stop both threads before either Worker goes (the hooks name the other).
    a_->stop();
    b_->stop();
    a_.reset();
    b_.reset();
  }

  // Waits (at most 10 s) until A reports a CHILD_SA installed.
  bool wait_a_installed() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return has_event(a_side_, ike::EventKind::child_sa_installed); });
  }
  // Waits (at most 10 s) until both ends report the IKE SA established.
  bool wait_established() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return established(a_side_) && established(b_side_); });
  }

  Worker& a() { return *a_; }
  Worker& b() { return *b_; }
  Side a_side() {
    std::lock_guard lock(mutex_);
    return a_side_;
  }
  Side b_side() {
    std::lock_guard lock(mutex_);
    return b_side_;
  }

 private:
  static bool established(const Side& s) { return has_event(s, ike::EventKind::ike_sa_established); }
  static bool has_event(const Side& s, ike::EventKind kind) {
    return std::any_of(s.forwarded.begin(), s.forwarded.end(), [kind](const ike::Effect& e) {
      const auto* event = std::get_if<ike::Event>(&e);
      return event != nullptr && event->kind == kind;
    });
  }

  std::unique_ptr<Worker> make(uint32_t index, uint32_t count, ike::ConnectionConfig connection, Side& side,
                               std::function<Worker*()> peer, bool quiet) {
    ike::EndpointConfig config;
    config.connections.push_back(std::make_shared<const ike::ConnectionConfig>(std::move(connection)));
    config.shard_index = index;
    config.shard_count = count;
    if (quiet) config.keylog = false;  // as in ternd without daemon.keylog
    Worker::Hooks hooks;
    hooks.send = [this, &side, peer](const ike::Address& local, const ike::Address& remote, ByteView bytes) {
      {
        std::lock_guard lock(mutex_);
        ++side.direct_sends;
        side.threads.push_back(std::this_thread::get_id());
      }
      peer()->deliver(remote, local, bytes);
    };
    hooks.forward = [this, &side, peer](uint32_t, std::vector<ike::Effect> effects) {
      bool installed = false;
      for (const ike::Effect& e : effects) {
        installed = installed || std::holds_alternative<ike::InstallChildSa>(e);
        // "The event loop" sends what was forwarded.
        if (const auto* send = std::get_if<ike::Send>(&e)) {
          if (installed) {
            std::lock_guard lock(mutex_);
            ++side.forwarded_sends_after_install;
          }
          peer()->deliver(send->remote, send->local, send->bytes);
        }
      }
      std::lock_guard lock(mutex_);
      side.threads.push_back(std::this_thread::get_id());
      for (ike::Effect& e : effects) side.forwarded.push_back(std::move(e));
      changed_.notify_all();
    };
    if (quiet) hooks.wants_event = [](const ike::Event&) { return false; };
    auto worker = std::make_unique<Worker>(loop_, WorkerThreading::own_thread, index, std::move(config),
                                           clock_, std::move(hooks));
    if (quiet) worker->drop_data_plane_effects();
    return worker;
  }

  asio::io_context loop_;
  io::Clock clock_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Side a_side_, b_side_;
  std::unique_ptr<Worker> a_, b_;
};

TEST(Worker, ExchangeAcrossTwoWorkerThreads) {
  TwoWorkers net;
  net.a().run(
      [](ike::Endpoint& e, Timestamp now) { ASSERT_TRUE(e.command(ike::Up{"a-b"}, now).has_value()); });
  ASSERT_TRUE(net.wait_established());

  const Side a = net.a_side();
  const Side b = net.b_side();
  // IKE_SA_INIT went directly from the workers' threads, never from this one.
  EXPECT_GE(a.direct_sends, 1u);
  EXPECT_GE(b.direct_sends, 1u);
  for (const Side* s : {&a, &b})
    for (std::thread::id t : s->threads) EXPECT_NE(t, std::this_thread::get_id());
  // The responder's IKE_AUTH answer came behind its InstallChildSa, through the forward hook.
  EXPECT_EQ(b.forwarded_sends_after_install, 1u);
  const auto installs = [](const Side& s) {
    return std::count_if(s.forwarded.begin(), s.forwarded.end(),
                         [](const ike::Effect& e) { return std::holds_alternative<ike::InstallChildSa>(e); });
  };
  EXPECT_EQ(installs(a), 1);
  EXPECT_EQ(installs(b), 1);

  // run() waits for the job: the status it reads is the worker's, after the exchange.
  std::vector<ike::IkeSaStatus> status;
  net.b().run([&](ike::Endpoint& e, Timestamp) { status = e.status(); });
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].state, ike::IkeSaState::established);
  EXPECT_EQ(static_cast<uint64_t>(status[0].id), 2u);  // shard 1 of 2: 2, 4, 6, ...
  EXPECT_EQ(ike::shard_of_spi(status[0].spi_r), 1u);
  EXPECT_EQ(ike::shard_of_spi(status[0].spi_i), 0u);
}

// With no data plane and no use for its events on the loop, a responder's
// worker hands nothing over for a whole setup: both answers go out from its
// own thread (no wake-up of the event loop per IKE_AUTH).
TEST(Worker, WithoutADataPlaneOrWantedEventsTheWorkerAnswersAloneAndHandsNothingOver) {
  TwoWorkers net(/*quiet_b=*/true);
  net.a().run(
      [](ike::Endpoint& e, Timestamp now) { ASSERT_TRUE(e.command(ike::Up{"a-b"}, now).has_value()); });
  ASSERT_TRUE(net.wait_a_installed());
  std::vector<ike::IkeSaStatus> status;
  net.b().run([&](ike::Endpoint& e, Timestamp) { status = e.status(); });
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].state, ike::IkeSaState::established);
  ASSERT_EQ(status[0].children.size(), 1u);  // negotiated and kept, installed nowhere

  const Side b = net.b_side();
  EXPECT_TRUE(b.forwarded.empty()) << b.forwarded.size() << " effect(s), the first of variant index "
                                   << (b.forwarded.empty() ? 0 : b.forwarded.front().index());
  EXPECT_EQ(b.direct_sends, 2u);  // the IKE_SA_INIT and IKE_AUTH answers
  EXPECT_EQ(b.forwarded_sends_after_install, 0u);
}

TEST(Worker, InlineWorkerRunsOnTheCallersThreadAndForwardsEverything) {
  asio::io_context loop;
  io::Clock clock;
  ike::EndpointConfig config;
  config.connections.push_back(std::make_shared<const ike::ConnectionConfig>(config_a()));
  std::vector<ike::Effect> forwarded;
  size_t direct = 0;
  Worker::Hooks hooks;
  hooks.send = [&](const ike::Address&, const ike::Address&, ByteView) { ++direct; };
  hooks.forward = [&](uint32_t worker, std::vector<ike::Effect> effects) {
    EXPECT_EQ(worker, 0u);
    for (ike::Effect& e : effects) forwarded.push_back(std::move(e));
  };
  Worker w(loop, WorkerThreading::inline_on_loop, 0, std::move(config), clock, std::move(hooks));
  w.start();
  w.run([](ike::Endpoint& e, Timestamp now) { ASSERT_TRUE(e.command(ike::Up{"a-b"}, now).has_value()); });
  // HDR, SAi1, KEi, Ni  -->   handed over at once, on this thread, in the effects
  EXPECT_EQ(direct, 0u);
  ASSERT_FALSE(forwarded.empty());
  EXPECT_TRUE(std::any_of(forwarded.begin(), forwarded.end(),
                          [](const ike::Effect& e) { return std::holds_alternative<ike::Send>(e); }));
}

// A flood: while the worker is busy, at most kMaxQueuedDatagrams wait for it;
// the rest are dropped and counted, as a full socket buffer would.
TEST(Worker, AFullQueueDropsDatagramsAndCountsThem) {
  asio::io_context loop;
  io::Clock clock;
  ike::EndpointConfig config;
  config.shard_count = 2;
  Worker::Hooks hooks;
  hooks.send = [](const ike::Address&, const ike::Address&, ByteView) {};
  hooks.forward = [](uint32_t, std::vector<ike::Effect>) {};
  Worker w(loop, WorkerThreading::own_thread, 0, std::move(config), clock, std::move(hooks));
  w.start();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  w.submit([released](ike::Endpoint&, Timestamp) { released.wait(); });  // the worker is busy
  const std::vector<uint8_t> junk(28, 0);  // an IKE header of zeros: its Endpoint drops it
  for (uint32_t i = 0; i < kMaxQueuedDatagrams + 10; ++i)
    w.deliver(ike::testing::kAddrB, ike::testing::kAddrA, junk);
  EXPECT_EQ(w.queue_drops(), 10u);
  release.set_value();
  uint64_t received = 0;
  w.run([&](ike::Endpoint& e, Timestamp) { received = e.counters().datagrams_received; });
  EXPECT_EQ(received, kMaxQueuedDatagrams);
  // Drained: there is room again.
  w.deliver(ike::testing::kAddrB, ike::testing::kAddrA, junk);
  EXPECT_EQ(w.queue_drops(), 10u);
  w.stop();
}

}  // namespace
}  // namespace tern::daemon

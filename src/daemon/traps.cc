#include "daemon/traps.h"

#include <algorithm>
#include <utility>

namespace tern::daemon {
namespace {

std::vector<esp::Selector> compile(const std::vector<wire::TrafficSelector>& list) {
  std::vector<esp::Selector> out;
  for (const wire::TrafficSelector& ts : list) {
    if (Result<esp::Selector> s = esp::Selector::compile(ts)) out.push_back(*s);
  }
  return out;
}

}  // namespace

void TrapTable::add(const std::string& connection, const std::vector<wire::TrafficSelector>& local_ts,
                    const std::vector<wire::TrafficSelector>& remote_ts) {
  remove(connection);
  Trap trap;
  trap.connection = connection;
  trap.local = compile(local_ts);
  trap.remote = compile(remote_ts);
  traps_.push_back(std::move(trap));
}

void TrapTable::remove(const std::string& connection) {
  std::erase_if(traps_, [&](const Trap& t) { return t.connection == connection; });
}

Trap* TrapTable::match(const esp::PacketSelector& packet) {
  for (Trap& t : traps_) {
    if (esp::any_matches_source(t.local, packet) && esp::any_matches_destination(t.remote, packet)) return &t;
  }
  return nullptr;
}

Trap* TrapTable::find(const std::string& connection) {
  for (Trap& t : traps_) {
    if (t.connection == connection) return &t;
  }
  return nullptr;
}

bool TrapTable::hold(Trap& trap, ByteView packet) {
  if (trap.queued.size() == kMaxQueued) {
    trap.queued.pop_front();
    ++trap.dropped;
  }
  trap.queued.emplace_back(packet.begin(), packet.end());
  if (trap.acquiring) return false;
  trap.acquiring = true;
  ++trap.acquires;
  return true;
}

std::deque<Bytes> TrapTable::release(Trap& trap) {
  trap.acquiring = false;
  return std::exchange(trap.queued, {});
}

void TrapTable::fail(Trap& trap) {
  trap.dropped += trap.queued.size();
  trap.queued.clear();
  trap.acquiring = false;
}

}  // namespace tern::daemon

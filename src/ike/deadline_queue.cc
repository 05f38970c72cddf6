// The Endpoint's deadline queue (see deadline_queue.h).
#include "ike/deadline_queue.h"

#include <algorithm>

namespace tern::ike {

bool DeadlineQueue::live(const Entry& e) const {
  auto it = armed_.find(e.id);
  return it != armed_.end() && it->second == e.when;
}

void DeadlineQueue::drop_stale_top() {
  while (!heap_.empty() && !live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

void DeadlineQueue::compact_if_needed() {
  if (heap_.size() <= 2 * armed_.size() + 64) return;
  heap_.clear();
  heap_.reserve(armed_.size());
  for (const auto& [id, when] : armed_) heap_.push_back(Entry{when, id});
  std::make_heap(heap_.begin(), heap_.end(), later);
}

void DeadlineQueue::set(IkeSaId id, std::optional<Timestamp> when) {
  if (!when) {
    if (armed_.erase(id) > 0) drop_stale_top();
    return;
  }
  auto [it, inserted] = armed_.try_emplace(id, *when);
  if (!inserted) {
    if (it->second == *when) return;  // already armed for it: no new entry
    it->second = *when;
  }
  heap_.push_back(Entry{*when, id});
  std::push_heap(heap_.begin(), heap_.end(), later);
  drop_stale_top();  // re-armed later: its old entry may have been the top
  compact_if_needed();
}

std::optional<Timestamp> DeadlineQueue::next() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().when;  // the top is always live (drop_stale_top after each change)
}

std::optional<Timestamp> DeadlineQueue::armed(IkeSaId id) const {
  auto it = armed_.find(id);
  if (it == armed_.end()) return std::nullopt;
  return it->second;
}

std::vector<IkeSaId> DeadlineQueue::take_due(Timestamp now) {
  std::vector<IkeSaId> due;
  while (!heap_.empty() && heap_.front().when <= now) {
    const Entry top = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    if (live(top)) {
      armed_.erase(top.id);
      due.push_back(top.id);
    }
  }
  drop_stale_top();
  std::sort(due.begin(), due.end());
  return due;
}

}  // namespace tern::ike

// The Endpoint's deadline queue (see deadline_queue.h).
#include "ike/deadline_queue.h"

#include <algorithm>

namespace tern::ike {

bool DeadlineQueue::live(const Entry& e) const {
  const Armed* armed = armed_.find(e.id);
  return armed != nullptr && armed->when == e.when;
}

void DeadlineQueue::drop_stale_top() {
  while (!heap_.empty() && !live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

void DeadlineQueue::compact_if_needed() {
  if (heap_.size() <= armed_.size() + armed_.size() / 2 + 64) return;
  std::vector<Entry> live;  // exactly sized: the old vector's capacity goes with it
  live.reserve(armed_.size());
  armed_.for_each([&](const Armed& a) { live.push_back(Entry{a.when, a.id}); });
  // By id first: the table's slot order must not decide the order of equal times.
  std::sort(live.begin(), live.end(), [](const Entry& a, const Entry& b) { return a.id < b.id; });
  std::make_heap(live.begin(), live.end(), later);
  heap_ = std::move(live);
}

void DeadlineQueue::set(IkeSaId id, std::optional<Timestamp> when) {
  if (!when) {
    if (armed_.erase(id)) drop_stale_top();
    return;
  }
  if (Armed* armed = armed_.find(id)) {
    if (armed->when == *when) return;  // already armed for it: no new entry
    armed->when = *when;
  } else {
    armed_.insert(Armed{id, *when});
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
  const Armed* armed = armed_.find(id);
  if (armed == nullptr) return std::nullopt;
  return armed->when;
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

// TsList: the traffic selectors of one side of a CHILD_SA as the engine keeps
// them (ike::ChildSa::local_ts / remote_ts). Almost every CHILD_SA has one
// selector per side (a subnet or a host), so one is kept inline and only a
// longer list goes to the heap: 48 octets and no allocation per side, where a
// std::vector cost 24 inline plus a 48-octet heap block (docs/benchmarks.md
// "Memory per SA"). At most 255 selectors (what one TS payload holds).
//
// It reads like a const std::vector<wire::TrafficSelector> (size, empty,
// begin/end, [], front, ==) and converts to and from one, so code that builds
// selector lists (narrowing, payloads, effects) keeps using vectors.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <type_traits>
#include <vector>

#include "base/error.h"
#include "wire/ts_payload.h"

namespace tern::ike {

class TsList {
 public:
  using value_type = wire::TrafficSelector;
  using const_iterator = const wire::TrafficSelector*;
  using iterator = const wire::TrafficSelector*;

  TsList() = default;
  TsList(const std::vector<wire::TrafficSelector>& list) { assign(list.data(), list.size()); }  // NOLINT
  TsList(std::initializer_list<wire::TrafficSelector> list) { assign(list.begin(), list.size()); }
  TsList(const TsList& other) { assign(other.data(), other.size()); }
  TsList(TsList&& other) noexcept { take(other); }
  ~TsList() { release(); }
  TsList& operator=(const TsList& other) {
    if (this != &other) assign(other.data(), other.size());
    return *this;
  }
  TsList& operator=(TsList&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  TsList& operator=(const std::vector<wire::TrafficSelector>& list) {
    assign(list.data(), list.size());
    return *this;
  }
  TsList& operator=(std::initializer_list<wire::TrafficSelector> list) {
    assign(list.begin(), list.size());
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const wire::TrafficSelector* data() const { return size_ > 1 ? storage_.many : &storage_.one; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  const wire::TrafficSelector& operator[](size_t i) const { return data()[i]; }
  const wire::TrafficSelector& front() const { return data()[0]; }
  const wire::TrafficSelector& at(size_t i) const {
    if (i >= size_) TERN_BUG("TsList::at: index out of range");
    return data()[i];
  }
  std::vector<wire::TrafficSelector> to_vector() const { return {begin(), end()}; }
  operator std::vector<wire::TrafficSelector>() const { return to_vector(); }  // NOLINT

  friend bool operator==(const TsList& a, const TsList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const TsList& a, const std::vector<wire::TrafficSelector>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  static_assert(std::is_trivially_copyable_v<wire::TrafficSelector>);
  // One selector inline, or a heap array of more: the size says which.
  union Storage {
    Storage() : many(nullptr) {}
    wire::TrafficSelector one;
    wire::TrafficSelector* many;
  };

  void assign(const wire::TrafficSelector* first, size_t n) {
    if (n > 255) TERN_BUG("TsList: more than 255 selectors");  // a TS payload holds at most 255
    wire::TrafficSelector* many = nullptr;
    if (n > 1) {
      many = new wire::TrafficSelector[n];
      std::copy(first, first + n, many);
    }
    const wire::TrafficSelector one = n == 1 ? *first : wire::TrafficSelector{};
    release();
    if (n > 1) {
      storage_.many = many;
    } else if (n == 1) {
      storage_.one = one;
    }
    size_ = static_cast<uint8_t>(n);
  }
  void take(TsList& other) noexcept {
    size_ = other.size_;
    if (size_ > 1) {
      storage_.many = other.storage_.many;
    } else if (size_ == 1) {
      storage_.one = other.storage_.one;
    }
    other.size_ = 0;
    other.storage_.many = nullptr;
  }
  void release() noexcept {
    if (size_ > 1) delete[] storage_.many;
    size_ = 0;
    storage_.many = nullptr;
  }

  uint8_t size_ = 0;
  Storage storage_;
};

}  // namespace tern::ike

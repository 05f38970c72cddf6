// TsAddress: the Starting or Ending Address of a traffic selector (RFC 7296
// §3.13.1), kept inline: 4 octets for TS_IPV4_ADDR_RANGE, 16 for
// TS_IPV6_ADDR_RANGE, in network order, no heap. Every CHILD_SA keeps its
// selectors for its whole life (the engine's ChildSa, the data plane's
// policies), so a heap block per address was most of a selector's cost
// (docs/benchmarks.md "Memory per SA").
//
// It reads like the byte vector it replaces (size, data, begin/end, [],
// assign, push_back, ==) and converts to ByteView. More than 16 octets is
// the caller's bug (the codec and the config only make 4 or 16): loud, never
// reachable from the network.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::wire {

class TsAddress {
 public:
  static constexpr size_t kCapacity = 16;

  TsAddress() = default;
  TsAddress(std::initializer_list<uint8_t> octets) { assign(octets.begin(), octets.end()); }
  explicit TsAddress(ByteView octets) { assign(octets.begin(), octets.end()); }
  TsAddress(const Bytes& octets) {
    assign(octets.begin(), octets.end());
  }  // NOLINT(google-explicit-constructor)

  template <class It>
  void assign(It first, It last) {
    const auto n = static_cast<size_t>(std::distance(first, last));
    if (n > kCapacity) TERN_BUG("TsAddress: an address longer than 16 octets");
    std::copy(first, last, octets_.begin());
    std::fill(octets_.begin() + static_cast<std::ptrdiff_t>(n), octets_.end(), uint8_t{0});
    size_ = static_cast<uint8_t>(n);
  }
  void push_back(uint8_t octet) {
    if (size_ == kCapacity) TERN_BUG("TsAddress: an address longer than 16 octets");
    octets_[size_++] = octet;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* data() const { return octets_.data(); }
  uint8_t* data() { return octets_.data(); }
  const uint8_t* begin() const { return octets_.data(); }
  const uint8_t* end() const { return octets_.data() + size_; }
  uint8_t* begin() { return octets_.data(); }
  uint8_t* end() { return octets_.data() + size_; }
  uint8_t operator[](size_t i) const { return octets_[i]; }
  uint8_t& operator[](size_t i) { return octets_[i]; }
  ByteView view() const { return ByteView{octets_.data(), size_}; }
  operator ByteView() const { return view(); }  // NOLINT(google-explicit-constructor): reads like Bytes

  // The octets past size() are always zero, so comparing all of them is exact.
  friend bool operator==(const TsAddress&, const TsAddress&) = default;

 private:
  std::array<uint8_t, kCapacity> octets_{};
  uint8_t size_ = 0;
};

}  // namespace tern::wire

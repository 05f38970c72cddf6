// SentinelOptional<T, None>: an optional value that spends no extra octets on
// "empty": one value of T that never occurs as data (None::value(), e.g. the
// earliest representable Timestamp, or IkeSaId 0) means "no value". A
// std::optional<Timestamp> takes 16 octets, this one 8. For the deadlines and
// ids kept in objects held by the hundred thousand (the engine's IKE SAs and
// CHILD_SAs; docs/benchmarks.md "Memory per SA").
//
// It reads like std::optional (has_value, operator bool, *, ->, value_or,
// reset, emplace, assignment of a T, of std::nullopt or of a
// std::optional<T>) and converts to std::optional<T>, so a member can switch
// between the two without touching its users. Storing the sentinel itself as
// a value is a bug of the caller (it would read back as empty): TERN_ASSERT.
#pragma once

#include <chrono>
#include <optional>
#include <utility>

#include "base/error.h"
#include "base/time.h"

namespace tern {

template <class T, class None>
class SentinelOptional {
 public:
  using value_type = T;

  constexpr SentinelOptional() = default;
  constexpr SentinelOptional(std::nullopt_t) {
  }  // NOLINT(google-explicit-constructor): reads like std::optional
  constexpr SentinelOptional(T value) : value_(checked(value)) {}  // NOLINT(google-explicit-constructor)
  constexpr SentinelOptional(const std::optional<T>& value)        // NOLINT(google-explicit-constructor)
      : value_(value ? checked(*value) : None::value()) {}

  constexpr SentinelOptional& operator=(std::nullopt_t) {
    reset();
    return *this;
  }
  constexpr SentinelOptional& operator=(T value) {
    value_ = checked(value);
    return *this;
  }
  constexpr SentinelOptional& operator=(const std::optional<T>& value) {
    value_ = value ? checked(*value) : None::value();
    return *this;
  }

  constexpr bool has_value() const { return value_ != None::value(); }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr const T& operator*() const { return value_; }
  constexpr const T* operator->() const { return &value_; }
  constexpr T value_or(T other) const { return has_value() ? value_ : other; }
  constexpr void reset() { value_ = None::value(); }
  constexpr T& emplace(T value) {
    value_ = checked(value);
    return value_;
  }
  // NOLINTNEXTLINE(google-explicit-constructor): passes where a std::optional<T> is taken
  constexpr operator std::optional<T>() const {
    return has_value() ? std::optional<T>(value_) : std::nullopt;
  }

  friend constexpr bool operator==(const SentinelOptional& a, const SentinelOptional& b) {
    return a.value_ == b.value_;
  }
  friend constexpr bool operator==(const SentinelOptional& a, const std::optional<T>& b) {
    return std::optional<T>(a) == b;
  }
  friend constexpr bool operator==(const SentinelOptional& a, std::nullopt_t) { return !a.has_value(); }
  friend constexpr bool operator==(const SentinelOptional& a, const T& b) {
    return a.has_value() && a.value_ == b;
  }

 private:
  static constexpr T checked(T value) {
    if (value == None::value()) TERN_BUG("SentinelOptional: the sentinel stored as a value");
    return value;
  }

  T value_ = None::value();
};

// The earliest representable Timestamp: no deadline of the engine is that early.
struct NoTimestamp {
  static constexpr Timestamp value() { return Timestamp::min(); }
};
using OptionalTimestamp = SentinelOptional<Timestamp, NoTimestamp>;
static_assert(sizeof(OptionalTimestamp) == sizeof(Timestamp));

}  // namespace tern

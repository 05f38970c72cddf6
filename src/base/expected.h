// tern::Expected<T, E> / tern::Unexpected<E>: std::expected where the standard
// library has it (g++ 12, -std=c++2b), and a small stand-in where it does not
// (clang 14 cannot compile libstdc++'s <expected>; it is needed for the
// libFuzzer build). Code uses Result<T> and fail() from base/error.h and never
// names either directly, so the two are interchangeable.
//
// The stand-in supports what tern uses: has_value / operator bool, *, ->,
// value(), error(), value_or(), construction from a value or an Unexpected,
// comparisons with a value, and Expected<void, E>.
#pragma once

#include <version>

#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202202L
#include <expected>
namespace tern {
template <typename T, typename E>
using Expected = std::expected<T, E>;
template <typename E>
using Unexpected = std::unexpected<E>;
}  // namespace tern
#else
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace tern {

template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E e) : error_(std::move(e)) {}
  E& error() & { return error_; }
  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

template <typename T, typename E>
class [[nodiscard]] Expected {
 public:
  using value_type = T;
  using error_type = E;

  Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  // clang-format off
  template <typename U = T>
    requires std::is_constructible_v<T, U&&> &&
             (!std::is_same_v<std::remove_cvref_t<U>, Expected>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, Unexpected<E>>)
  // Implicit, like std::expected; the constraints exclude Expected itself.
  // NOLINTNEXTLINE(bugprone-forwarding-reference-overload)
  Expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  // clang-format on
  template <typename G>
  Expected(Unexpected<G> u) : v_(std::in_place_index<1>, std::move(u).error()) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() & { return check(), std::get<0>(v_); }
  const T& value() const& { return check(), std::get<0>(v_); }
  T&& value() && { return check(), std::get<0>(std::move(v_)); }
  template <typename U>
  T value_or(U&& other) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(other));
  }

  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

  template <typename U>
  friend bool operator==(const Expected& a, const U& b) requires(!std::is_same_v<U, Expected>) {
    return a.has_value() && *a == b;
  }

 private:
  void check() const {
    if (!has_value()) std::abort();  // std::expected would throw; tern never calls value() on an error
  }
  std::variant<T, E> v_;
};

template <typename E>
class [[nodiscard]] Expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  Expected() = default;
  template <typename G>
  Expected(Unexpected<G> u) : error_(std::in_place, std::move(u).error()) {}  // NOLINT

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  void operator*() const {}
  void value() const {
    if (!has_value()) std::abort();
  }
  E& error() & { return *error_; }
  const E& error() const& { return *error_; }
  E&& error() && { return std::move(*error_); }

 private:
  std::optional<E> error_;
};

}  // namespace tern
#endif

// RareString: a string that is empty in almost every object that holds one,
// kept behind a pointer: 8 octets while empty instead of std::string's 32.
// For texts of objects kept by the hundred thousand that are set only when
// something went wrong (a CHILD_SA's rekey_problem; docs/benchmarks.md
// "Memory per SA").
//
// It reads like a const std::string (empty, size, ==, conversion to
// const std::string&, str()) and is assigned like one; an empty value frees
// the text. Copies are deep.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace tern {

class RareString {
 public:
  RareString() = default;
  RareString(std::string text) { assign(std::move(text)); }    // NOLINT(google-explicit-constructor)
  RareString(const char* text) { assign(std::string(text)); }  // NOLINT(google-explicit-constructor)
  RareString(const RareString& other)
      : text_(other.text_ ? std::make_unique<std::string>(*other.text_) : nullptr) {}
  RareString(RareString&&) noexcept = default;
  ~RareString() = default;
  RareString& operator=(const RareString& other) {
    if (this != &other) text_ = other.text_ ? std::make_unique<std::string>(*other.text_) : nullptr;
    return *this;
  }
  RareString& operator=(RareString&&) noexcept = default;
  RareString& operator=(std::string text) {
    assign(std::move(text));
    return *this;
  }
  RareString& operator=(const char* text) {
    assign(std::string(text));
    return *this;
  }

  bool empty() const { return text_ == nullptr; }
  size_t size() const { return text_ ? text_->size() : 0; }
  const std::string& str() const { return text_ ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  void clear() { text_.reset(); }

  friend bool operator==(const RareString& a, const RareString& b) { return a.str() == b.str(); }
  friend bool operator==(const RareString& a, std::string_view b) { return std::string_view(a.str()) == b; }
  friend bool operator==(const RareString& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const RareString& a, const char* b) { return std::string_view(a.str()) == b; }

 private:
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }
  void assign(std::string text) {
    if (text.empty()) {
      text_.reset();
    } else if (text_) {
      *text_ = std::move(text);
    } else {
      text_ = std::make_unique<std::string>(std::move(text));
    }
  }

  std::unique_ptr<std::string> text_;
};

}  // namespace tern

// Test support: reads a strongSwan reference exchange from
// tests/data/strongswan/<suite>/ (format: tests/data/strongswan/README.md) —
// keys.txt ("name = hex-or-text" lines) and messages/NN-<EXCHANGE>-<dir>.hex.
// Header-only; tests include it with TERN_SOURCE_DIR defined by tern_test().
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace tern::testing {

inline std::string strongswan_data_dir() {
  return std::string(TERN_SOURCE_DIR) + "/tests/data/strongswan/";
}

class StrongswanReference {
 public:
  // suite: directory name, e.g. "aes128gcm16-prfsha256-x25519".
  static StrongswanReference load(const std::string& suite) {
    StrongswanReference ref;
    ref.dir_ = strongswan_data_dir() + suite + "/";
    std::istringstream lines(read_text(ref.dir_ + "keys.txt"));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto eq = line.find(" =");
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 2);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      ref.values_[line.substr(0, eq)] = value;
    }
    for (const auto& entry : std::filesystem::directory_iterator(ref.dir_ + "messages")) {
      ref.message_files_.push_back(entry.path().filename().string());
    }
    std::sort(ref.message_files_.begin(), ref.message_files_.end());
    return ref;
  }

  // Every suite directory, sorted.
  static std::vector<std::string> suites() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(strongswan_data_dir())) {
      if (entry.is_directory()) out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  const std::string& text(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
      ADD_FAILURE() << dir_ << "keys.txt has no " << name;
      static const std::string empty;
      return empty;
    }
    return it->second;
  }
  bool has(const std::string& name) const { return values_.contains(name); }
  Bytes bytes(const std::string& name) const {
    auto b = from_hex(text(name));
    EXPECT_TRUE(b.has_value()) << name;
    return b.value_or(Bytes{});
  }
  uint64_t spi(const std::string& name) const {
    Bytes b = bytes(name);
    EXPECT_EQ(b.size(), 8u) << name;
    uint64_t v = 0;
    for (uint8_t x : b) v = (v << 8) | x;
    return v;
  }

  // The message whose file name starts with `prefix` ("03-IKE_AUTH-request").
  Bytes message(const std::string& prefix) const {
    for (const auto& name : message_files_) {
      if (name.starts_with(prefix)) {
        std::string hex;
        for (char c : read_text(dir_ + "messages/" + name))
          if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(c);
        auto b = from_hex(hex);
        EXPECT_TRUE(b.has_value()) << name;
        return b.value_or(Bytes{});
      }
    }
    ADD_FAILURE() << dir_ << "messages/ has no " << prefix;
    return {};
  }
  const std::vector<std::string>& message_files() const { return message_files_; }

 private:
  static std::string read_text(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot read " << path;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> message_files_;
};

}  // namespace tern::testing

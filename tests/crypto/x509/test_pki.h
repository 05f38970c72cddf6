// The X.509 test PKI, made once per test process by make_test_pki.sh (the
// openssl command line) in a fresh temporary directory: see that script for
// the certificates and their validity, which is relative to the moment it
// ran. now() is that moment, the time the tests pass to TrustStore::verify.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "base/bytes.h"
#include "crypto/x509_certificate.h"

namespace tern::crypto::testing {

class TestPki {
 public:
  static const TestPki& get() {
    static const TestPki pki;
    return pki;
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  Bytes read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    EXPECT_TRUE(in.good()) << path(name);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string text(const std::string& name) const {
    const Bytes b = read(name);
    std::string s(b.begin(), b.end());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  // <name>.pem as a Certificate; aborts the test binary if it does not load.
  Certificate cert(const std::string& name) const {
    auto c = Certificate::from_pem(read(name + ".pem"));
    if (!c) {
      ADD_FAILURE() << name << ": " << c.error().to_string();
      std::abort();
    }
    return *c;
  }
  WallTime now() const { return now_; }

 private:
  TestPki() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tern-x509-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      std::abort();
    }
    dir_ = tmpl;
    const std::string cmd = std::string("sh ") + TERN_SOURCE_DIR + "/tests/crypto/x509/make_test_pki.sh " +
                            dir_ + " >" + dir_ + ".log 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      ADD_FAILURE() << "make_test_pki.sh failed; see " << dir_ << ".log";
      std::abort();
    }
    now_ = WallTime{std::chrono::seconds{std::stoll(text("NOW"))}};
  }
  ~TestPki() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    std::filesystem::remove(dir_ + ".log", ec);
  }
  std::string dir_;
  WallTime now_{};
};

}  // namespace tern::crypto::testing

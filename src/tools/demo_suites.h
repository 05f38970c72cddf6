// The IKE suites tern-exchange-demo and the tshark test run the scripted
// exchange with, by their strongSwan proposal keywords. All four are ones
// Wireshark 4.0 can decrypt (so no ChaCha20-Poly1305) and ones the strongSwan
// reference captures in tests/data/strongswan/ also use.
//
// Who calls it: tern_exchange_demo.cc (--suite) and tests/tools. Pure data.
#pragma once

#include <span>
#include <string_view>

#include "crypto/suite.h"

namespace tern::tools {

struct NamedSuite {
  std::string_view name;  // "aes128gcm16-prfsha256-x25519"
  crypto::IkeSuite suite;
};

// The first one is the demo's default.
std::span<const NamedSuite> demo_suites();
// nullptr if `name` is not one of them.
const NamedSuite* find_demo_suite(std::string_view name);

}  // namespace tern::tools

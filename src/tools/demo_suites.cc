#include "tools/demo_suites.h"

namespace tern::tools {

namespace {

using wire::EncrId;
using wire::IntegId;
using wire::KeGroup;
using wire::PrfId;

// clang-format off
constexpr NamedSuite kSuites[] = {
    {"aes128gcm16-prfsha256-x25519", {EncrId::AES_GCM_16, 128, PrfId::HMAC_SHA2_256, IntegId::NONE, KeGroup::CURVE25519}},
    {"aes256-sha256-modp2048",       {EncrId::AES_CBC, 256, PrfId::HMAC_SHA2_256, IntegId::HMAC_SHA2_256_128, KeGroup::MODP_2048}},
    {"aes256gcm16-prfsha384-ecp384", {EncrId::AES_GCM_16, 256, PrfId::HMAC_SHA2_384, IntegId::NONE, KeGroup::ECP_384}},
    {"aes128-sha512-ecp521",         {EncrId::AES_CBC, 128, PrfId::HMAC_SHA2_512, IntegId::HMAC_SHA2_512_256, KeGroup::ECP_521}},
};
// clang-format on

}  // namespace

std::span<const NamedSuite> demo_suites() {
  return kSuites;
}

const NamedSuite* find_demo_suite(std::string_view name) {
  for (const NamedSuite& s : kSuites) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace tern::tools
